import type { ReactNode } from "react";
import { redirect } from "next/navigation";
import { auth } from "@/auth";
import { AppShell } from "@/components/shell/app-shell";

// Every dashboard page: signed-in only (proxy.ts guards too), inside the app shell.
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  if (!session?.user?.accountId) redirect("/sign-in");
  const { email, name, accountName, accountKind } = session.user;
  return <AppShell identity={{ email, name, accountName, accountKind }}>{children}</AppShell>;
}

import { redirect } from "next/navigation";

// The developer docs are public at /docs (no sign-in needed, so they can be shared and indexed).
export default function DashboardDocsPage() {
  redirect("/docs");
}

"use server";

import { auth, signOut } from "@/auth";
import { revokeAllSessions } from "@/lib/auth/sessions";

// Ends this session (its cookie stops working, even a copy of it) and goes to the sign-in page.
export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}

// Ends every session of this user, in every browser, then this one.
export async function signOutEverywhereAction() {
  const session = await auth();
  if (session?.user?.id) await revokeAllSessions(session.user.id);
  await signOut({ redirectTo: "/sign-in" });
}

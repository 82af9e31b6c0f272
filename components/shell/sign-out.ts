"use server";

import { signOut } from "@/auth";

// Ends the session and goes to the sign-in page.
export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}

"use server";

import { cookies } from "next/headers";
import { auth } from "@/auth";
import { isLocale, LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE_S } from "./locales";
import { setUserLocale } from "./user-locale";

// The language switch (a form, so it works without JavaScript too): keeps the choice in a cookie
// and, when signed in, on the user's profile. Setting the cookie re-renders the page in it.
export async function setLocale(formData: FormData): Promise<void> {
  const locale = formData.get("locale");
  if (!isLocale(locale)) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: LOCALE_COOKIE_MAX_AGE_S, sameSite: "lax" });
  const session = await auth();
  if (session?.user?.id && session.user.accountId) await setUserLocale(session.user.accountId, session.user.id, locale);
}

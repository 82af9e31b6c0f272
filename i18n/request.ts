import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { auth } from "@/auth";
import { log } from "@/lib/log";
import { LOCALE_COOKIE, resolveLocale, type Locale } from "./locales";
import { getUserLocale } from "./user-locale";

// next-intl's per-request configuration (no locale in the URL): the language comes from the
// switch's cookie, else the signed-in user's profile, else Accept-Language (i18n/locales.ts).
export default getRequestConfig(async () => {
  const locale = await requestLocale();
  return { locale, messages: (await import(`../messages/${locale}.json`)).default };
});

async function requestLocale(): Promise<Locale> {
  const cookie = (await cookies()).get(LOCALE_COOKIE)?.value;
  const acceptLanguage = (await headers()).get("accept-language");
  if (cookie) return resolveLocale({ cookie, acceptLanguage });
  return resolveLocale({ profile: await profileLocale(), acceptLanguage });
}

// Only read when there is no cookie (a new browser of a known user): one primary-key read.
async function profileLocale(): Promise<string | null> {
  try {
    const session = await auth();
    return session?.user?.id ? await getUserLocale(session.user.id) : null;
  } catch (err) {
    log.warn("could not read the user's language; using the browser's", { err });
    return null;
  }
}

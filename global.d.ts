import type en from "./messages/en.json";
import type { Locale } from "./i18n/locales";

// next-intl checks every key against the English messages: a missing key does not compile.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof en;
  }
}

"use client";

import { useLocale, useTranslations } from "next-intl";
import { setLocale } from "@/i18n/actions";
import { LOCALE_NAMES, type Locale } from "@/i18n/locales";
import { cn } from "@/components/ui/cn";

const ORDER: Locale[] = ["es", "en"]; // as the public page's header: Español, English

/** "Español / English": a form of two buttons, so it works before (or without) JavaScript. */
export function LanguageSwitch({ className }: { className?: string }) {
  const current = useLocale();
  const t = useTranslations("language");
  return (
    <form action={setLocale} aria-label={t("label")} className={cn("flex items-center gap-1 text-sm", className)}>
      {ORDER.map((locale) => (
        <button
          key={locale}
          type="submit"
          name="locale"
          value={locale}
          lang={locale}
          aria-pressed={locale === current}
          className={cn(
            "rounded-md px-2 py-1 font-medium focus-visible:outline-2 focus-visible:outline-brand-600",
            locale === current ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900",
          )}
        >
          {LOCALE_NAMES[locale]}
        </button>
      ))}
    </form>
  );
}

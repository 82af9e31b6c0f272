import { useLocale, useTranslations } from "next-intl";
import { causeWording } from "@/i18n/causes";
import type { StoredCause } from "@/lib/webhooks/failure-causes";

/**
 * `const cause = useCauseText(); cause("failure", attempt.errorCause, attempt.error)`: the
 * server-written error or disable reason in the page's language, from its code (never the stored
 * English); dates in the reader's time zone, as <DateTime> shows them.
 */
export function useCauseText(): (kind: "failure" | "disabled", cause: StoredCause | null | undefined, text: string | null | undefined) => string {
  const t = useTranslations("causes");
  const locale = useLocale();
  const formatDate = (iso: string) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
  };
  return (kind, cause, text) => {
    const wording = causeWording(kind, cause, text, locale, formatDate);
    return "text" in wording ? wording.text : t(wording.key, wording.values);
  };
}

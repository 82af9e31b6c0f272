"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { StatusBadge } from "@/components/ui/badge";
import { DateTime } from "@/components/ui/date-time";
import type { ApiKeySummary } from "./api-keys-queries";

/** The account's keys: name and prefix, when made and last used, live or revoked. */
export function ApiKeyTable({ keys, onRevoke }: { keys: ApiKeySummary[]; onRevoke: (key: ApiKeySummary) => void }) {
  const t = useTranslations("apiKeys.table");
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{t("caption")}</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-4 py-3 sm:px-6">
              {t("name")}
            </th>
            <th scope="col" className="hidden px-4 py-3 md:table-cell">
              {t("created")}
            </th>
            <th scope="col" className="hidden px-4 py-3 md:table-cell">
              {t("lastUsed")}
            </th>
            <th scope="col" className="px-4 py-3">
              {t("status")}
            </th>
            <th scope="col" className="px-4 py-3 sm:px-6">
              <span className="sr-only">{t("actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white">
          {keys.map((key) => {
            const revoked = key.revokedAt !== null;
            return (
              <tr key={key.id} data-testid="api-key-row" className={revoked ? "bg-slate-50/60 text-slate-500" : undefined}>
                <td className="px-4 py-3 align-top sm:px-6">
                  <p className={revoked ? "font-medium text-slate-500" : "font-medium text-slate-900"}>{key.name}</p>
                  <p className="mt-0.5 font-mono text-xs text-slate-500">
                    <span className="sr-only">{t("startsWith")} </span>
                    {key.prefix}…
                  </p>
                  <p className="mt-1 text-xs text-slate-500 md:hidden">
                    {t("created")} <DateTime value={key.createdAt} /> · {t("lastUsed")} <DateTime value={key.lastUsedAt} fallback={t("never")} />
                  </p>
                </td>
                <td className="hidden px-4 py-3 align-top whitespace-nowrap text-slate-600 md:table-cell">
                  <DateTime value={key.createdAt} />
                </td>
                <td className="hidden px-4 py-3 align-top whitespace-nowrap text-slate-600 md:table-cell">
                  <DateTime value={key.lastUsedAt} fallback={t("never")} />
                </td>
                <td className="px-4 py-3 align-top">
                  {revoked ? (
                    <span className="flex flex-col items-start gap-1">
                      <StatusBadge status="revoked" />
                      <span className="text-xs text-slate-500">
                        <DateTime value={key.revokedAt} />
                      </span>
                    </span>
                  ) : (
                    <StatusBadge status="active" />
                  )}
                </td>
                <td className="px-4 py-3 text-right align-top sm:px-6">
                  {revoked ? null : (
                    <Button variant="ghost" size="sm" className="text-red-700 hover:bg-red-50 hover:text-red-800" onClick={() => onRevoke(key)}>
                      {t("revoke")}
                      <span className="sr-only"> {key.name}</span>
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

"use client";

import { useTranslations } from "next-intl";
import { Badge, Card, CardBody, CardHeader } from "@/components/ui";
import type { Webhook } from "./types";

/** The endpoint page's view of its options (issue 13): header names only, never their values. */
export function EndpointOptionsSummary({ webhook }: { webhook: Webhook }) {
  const t = useTranslations("endpointOptions");
  const headerNames = Object.keys(webhook.headers);
  return (
    <Card data-testid="endpoint-options">
      <CardHeader title={t("summary.title")} />
      <CardBody>
        <dl className="grid grid-cols-1 gap-x-8 gap-y-4 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-slate-500">{t("summary.headers")}</dt>
            <dd className="mt-1 text-slate-800" data-testid="option-headers">
              {headerNames.length === 0 ? (
                t("summary.noHeaders")
              ) : (
                <ul className="space-y-1">
                  {headerNames.map((name) => (
                    <li key={name} className="font-mono">
                      {name}: <span className="text-slate-500">••••••••</span>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("summary.rate")}</dt>
            <dd className="mt-1 text-slate-800" data-testid="option-rate">
              {webhook.rateLimitPerSecond === null ? t("summary.noRate") : t("summary.ratePerSecond", { rate: webhook.rateLimitPerSecond })}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("summary.order")}</dt>
            <dd className="mt-1 text-slate-800" data-testid="option-fifo">
              {webhook.fifo ? t("summary.fifoOn") : t("summary.fifoOff")}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("summary.programs")}</dt>
            <dd className="mt-1 text-slate-800" data-testid="option-programs">
              {webhook.programIds === null ? (
                t("summary.allPrograms")
              ) : (
                <span className="flex flex-wrap gap-1.5">
                  {webhook.programIds.map((id) => (
                    <Badge key={id} tone="blue" className="font-mono">
                      {id}
                    </Badge>
                  ))}
                </span>
              )}
            </dd>
          </div>
        </dl>
      </CardBody>
    </Card>
  );
}

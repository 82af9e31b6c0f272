"use client";

import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { Card, CardBody, CardHeader, CopyButton } from "@/components/ui";
import { TabList, useTabs } from "./tabs";
import {
  LANGUAGE_LABELS,
  SCHEME_LABELS,
  STANDARD_WEBHOOKS_LIBRARIES,
  VERIFY_LANGUAGES,
  VERIFY_SCHEMES,
  VERIFY_SNIPPETS,
  type VerifyLanguage,
  type VerifyScheme,
} from "./verify-snippets";

// The prose is translated; header names, formats and code stay as they are.
const code = (chunks: ReactNode) => <code className="font-mono">{chunks}</code>;
const em = (chunks: ReactNode) => <em>{chunks}</em>;
const link = (chunks: ReactNode) => (
  <a className="font-medium text-brand-700 underline" href="https://www.standardwebhooks.com/" rel="noreferrer" target="_blank">
    {chunks}
  </a>
);
const FORMATS = {
  header: "X-Webhook-Signature: t=<unix seconds>,v1=<hex>",
  signed: "<t>.<raw body>",
  swSignature: "webhook-signature: v1,<base64>",
  swSigned: "<id>.<timestamp>.<raw body>",
};

/**
 * How to verify a delivery, for both header schemes, in Node, Python, PHP and Go. The code is
 * lib-free and tested (verify-snippets.test.ts); reusable on the public docs page.
 */
export function VerifySignatures({ className }: { className?: string }) {
  const [scheme, setScheme] = useState<VerifyScheme>("x-webhook-signature");
  const [language, setLanguage] = useState<VerifyLanguage>("node");
  const schemeTabs = useTabs<VerifyScheme>("scheme");
  const languageTabs = useTabs<VerifyLanguage>("language");
  const snippet = VERIFY_SNIPPETS[scheme][language];
  const t = useTranslations("verify");

  return (
    <Card className={className}>
      <CardHeader
        title={t("title")}
        description={t("description")}
      />
      <CardBody className="space-y-4">
        <TabList
          label={t("scheme")}
          variant="pill"
          options={VERIFY_SCHEMES.map((s) => ({ value: s, label: SCHEME_LABELS[s] }))}
          value={scheme}
          onChange={setScheme}
          tabId={schemeTabs.tabId}
          panelId={schemeTabs.panelId}
        />
        <div {...schemeTabs.panelProps(scheme)} className="space-y-4 focus-visible:outline-2 focus-visible:outline-brand-600">
          <p className="text-sm leading-relaxed text-slate-700">
            {scheme === "x-webhook-signature"
              ? t.rich("notes.xWebhookSignature", { code, ...FORMATS })
              : t.rich("notes.standardWebhooks", { code, em, link, ...FORMATS })}
          </p>
          <TabList
            label={t("language")}
            options={VERIFY_LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_LABELS[l] }))}
            value={language}
            onChange={setLanguage}
            tabId={languageTabs.tabId}
            panelId={languageTabs.panelId}
          />
          <div {...languageTabs.panelProps(language)} className="focus-visible:outline-2 focus-visible:outline-brand-600">
            {scheme === "standard-webhooks" ? (
              <p className="mb-2 text-xs text-slate-600">
                {t.rich("library", { code, library: STANDARD_WEBHOOKS_LIBRARIES[language] })}
              </p>
            ) : null}
            <div className="relative">
              <pre className="max-h-[28rem] overflow-auto rounded-md bg-slate-900 p-4 pr-20 font-mono text-xs leading-relaxed text-slate-100">
                <code>{snippet}</code>
              </pre>
              <div className="absolute top-2 right-2">
                <CopyButton value={snippet} label={t("copy")} size="sm" />
              </div>
            </div>
          </div>
        </div>
      </CardBody>
    </Card>
  );
}

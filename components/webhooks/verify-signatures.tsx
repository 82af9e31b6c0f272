"use client";

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

const SCHEME_NOTES: Record<VerifyScheme, ReactNode> = {
  "x-webhook-signature": (
    <>
      <code className="font-mono">X-Webhook-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</code> — an HMAC-SHA256 of{" "}
      <code className="font-mono">&lt;t&gt;.&lt;raw body&gt;</code>, keyed with your whole secret string (
      <code className="font-mono">whsec_…</code>, as UTF-8 bytes). While a rotated secret is still valid there is one{" "}
      <code className="font-mono">v1=</code> per secret: accept the request if any of them matches. Compare in constant
      time and refuse timestamps more than 5 minutes away from now, so a captured request cannot be replayed.
    </>
  ),
  "standard-webhooks": (
    <>
      <code className="font-mono">webhook-id</code>, <code className="font-mono">webhook-timestamp</code> and{" "}
      <code className="font-mono">webhook-signature: v1,&lt;base64&gt;</code> (space-separated, one per valid secret) —
      an HMAC-SHA256 of <code className="font-mono">&lt;id&gt;.&lt;timestamp&gt;.&lt;raw body&gt;</code>, keyed with the{" "}
      <em>base64-decoded</em> bytes after <code className="font-mono">whsec_</code>. The{" "}
      <a className="font-medium text-brand-700 underline" href="https://www.standardwebhooks.com/" rel="noreferrer" target="_blank">
        official Standard Webhooks libraries
      </a>{" "}
      verify it as they are. <code className="font-mono">webhook-id</code> stays the same across retries and replays: use
      it to ignore duplicates.
    </>
  ),
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
  const code = VERIFY_SNIPPETS[scheme][language];

  return (
    <Card className={className}>
      <CardHeader
        title="Verify signatures"
        description="Check every request before you trust it: recompute the signature over the raw body with your signing secret."
      />
      <CardBody className="space-y-4">
        <TabList
          label="Signature scheme"
          variant="pill"
          options={VERIFY_SCHEMES.map((s) => ({ value: s, label: SCHEME_LABELS[s] }))}
          value={scheme}
          onChange={setScheme}
          tabId={schemeTabs.tabId}
          panelId={schemeTabs.panelId}
        />
        <div {...schemeTabs.panelProps(scheme)} className="space-y-4 focus-visible:outline-2 focus-visible:outline-brand-600">
          <p className="text-sm leading-relaxed text-slate-700">{SCHEME_NOTES[scheme]}</p>
          <TabList
            label="Language"
            options={VERIFY_LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_LABELS[l] }))}
            value={language}
            onChange={setLanguage}
            tabId={languageTabs.tabId}
            panelId={languageTabs.panelId}
          />
          <div {...languageTabs.panelProps(language)} className="focus-visible:outline-2 focus-visible:outline-brand-600">
            {scheme === "standard-webhooks" ? (
              <p className="mb-2 text-xs text-slate-600">
                Library: <code className="font-mono">{STANDARD_WEBHOOKS_LIBRARIES[language]}</code> — or, without a
                dependency:
              </p>
            ) : null}
            <div className="relative">
              <pre className="max-h-[28rem] overflow-auto rounded-md bg-slate-900 p-4 pr-20 font-mono text-xs leading-relaxed text-slate-100">
                <code>{code}</code>
              </pre>
              <div className="absolute top-2 right-2">
                <CopyButton value={code} label="Copy code" size="sm" />
              </div>
            </div>
          </div>
        </div>
      </CardBody>
    </Card>
  );
}

"use client";

import { useTranslations } from "next-intl";
import { useId, type ReactNode } from "react";
import { CopyButton } from "./copy-button";

/**
 * A secret shown this one time (an API key, a signing secret): the value in a selectable
 * box, a copy button and a warning that it cannot be seen again.
 */
export function SecretReveal({
  value,
  label,
  warning,
  children,
}: {
  value: string;
  label?: string;
  warning?: ReactNode;
  children?: ReactNode;
}) {
  const t = useTranslations("ui.secret");
  const inputId = useId();
  return (
    <div className="rounded-lg border border-amber-300 bg-amber-50 p-4" data-testid="secret-reveal">
      <p className="flex items-start gap-2 text-sm font-medium text-amber-900">
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="mt-0.5 h-4 w-4 shrink-0">
          <path
            fillRule="evenodd"
            d="M8.485 2.495a1.75 1.75 0 0 1 3.03 0l6.28 10.875A1.75 1.75 0 0 1 16.28 16H3.72a1.75 1.75 0 0 1-1.515-2.63L8.485 2.495ZM10 6a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0v-3.5A.75.75 0 0 1 10 6Zm0 7.5a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
            clipRule="evenodd"
          />
        </svg>
        <span>{warning ?? t("warning")}</span>
      </p>
      <div className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-center">
        <label className="sr-only" htmlFor={inputId}>
          {label ?? t("label")}
        </label>
        <input
          id={inputId}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          className="h-10 min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-3 font-mono text-sm text-slate-900 focus:outline-none focus:ring-2 focus:ring-amber-300"
        />
        <CopyButton value={value} label={t("copyLabel", { label: label ?? t("label") })} />
      </div>
      {children ? <div className="mt-3 text-sm text-amber-900">{children}</div> : null}
    </div>
  );
}

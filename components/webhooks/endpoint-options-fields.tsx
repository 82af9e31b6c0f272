"use client";

import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Button, FieldError, FieldHint, TextField, Toggle } from "@/components/ui";
import { MAX_CUSTOM_HEADERS } from "@/lib/webhooks/schemas";
import type { Webhook } from "./types";

// The endpoint options in the create/edit form (issue 13): custom headers, throttle, FIFO and
// program filters, in the API's own shapes so the form checks them with the API's zod schema.

/** As sent to POST/PATCH /api/webhooks. A header value null keeps the stored one (edit only). */
export interface EndpointOptionsValues {
  headers: Record<string, string | null>;
  rateLimitPerSecond: number | null;
  fifo: boolean;
  programIds: string[] | null;
}

export type EndpointOptionsErrors = Partial<Record<keyof EndpointOptionsValues, string>>;

export const NO_OPTIONS: EndpointOptionsValues = { headers: {}, rateLimitPerSecond: null, fifo: false, programIds: null };

/** The options of a stored endpoint as form values: header values are never shown again, so each is "keep" (null). */
export function optionsOf(w: Webhook): EndpointOptionsValues {
  return {
    headers: Object.fromEntries(Object.keys(w.headers).map((name) => [name, null])),
    rateLimitPerSecond: w.rateLimitPerSecond,
    fifo: w.fifo,
    programIds: w.programIds,
  };
}

/** The options that differ from `before`, for a PATCH. */
export function changedOptions(before: EndpointOptionsValues, after: Partial<EndpointOptionsValues>): Partial<EndpointOptionsValues> {
  const patch: Partial<EndpointOptionsValues> = {};
  for (const key of ["headers", "rateLimitPerSecond", "fifo", "programIds"] as const) {
    if (after[key] !== undefined && JSON.stringify(after[key]) !== JSON.stringify(before[key])) Object.assign(patch, { [key]: after[key] });
  }
  return patch;
}

/** For checking with the create schema in the browser: a kept value (null) stands for the stored one. */
export function withKeptHeaders<T extends Partial<EndpointOptionsValues>>(values: T) {
  if (!values.headers) return values;
  return { ...values, headers: Object.fromEntries(Object.entries(values.headers).map(([n, v]) => [n, v ?? "kept"])) };
}

type Row = { key: number; name: string; value: string; stored: boolean };

export function EndpointOptionsFields({
  value,
  onChange,
  errors,
}: {
  value: EndpointOptionsValues;
  onChange: (next: EndpointOptionsValues) => void;
  errors: EndpointOptionsErrors;
}) {
  const t = useTranslations("endpointOptions");
  const headingId = useId();
  // Rows keep half-typed names and values; the form gets them as the API's object.
  const [rows, setRows] = useState<Row[]>(() =>
    Object.entries(value.headers).map(([name, v], key) => ({ key, name, value: v ?? "", stored: v === null })),
  );
  const [rate, setRate] = useState(value.rateLimitPerSecond === null ? "" : String(value.rateLimitPerSecond));
  const [programs, setPrograms] = useState((value.programIds ?? []).join(", "));

  function emitRows(next: Row[]) {
    setRows(next);
    const headers: Record<string, string | null> = {};
    for (const r of next) {
      if (r.name.trim() === "" && r.value === "") continue;
      headers[r.name.trim()] = r.stored && r.value === "" ? null : r.value;
    }
    onChange({ ...value, headers });
  }

  return (
    <fieldset className="space-y-5 border-t border-slate-200 pt-5" aria-labelledby={headingId}>
      <div>
        <legend id={headingId} className="text-base font-semibold text-slate-900">
          {t("form.title")}
        </legend>
        <p className="mt-1 text-sm text-slate-600">{t("form.intro")}</p>
      </div>

      <div data-testid="custom-headers">
        <p className="text-sm font-medium text-slate-800">{t("form.headers.label")}</p>
        <FieldHint id={`${headingId}-headers-hint`}>{t("form.headers.hint", { max: MAX_CUSTOM_HEADERS })}</FieldHint>
        <ul className="mt-2 space-y-2">
          {rows.map((row, i) => (
            <li key={row.key} className="flex flex-col gap-2 sm:flex-row sm:items-end">
              <TextField
                label={t("form.headers.name")}
                name={`header-name-${i}`}
                spellCheck={false}
                autoComplete="off"
                placeholder="X-Api-Key"
                value={row.name}
                onChange={(e) => emitRows(rows.map((r) => (r.key === row.key ? { ...r, name: e.currentTarget.value } : r)))}
              />
              <TextField
                label={t("form.headers.value")}
                name={`header-value-${i}`}
                type="password"
                autoComplete="off"
                placeholder={row.stored ? t("form.headers.keepPlaceholder") : ""}
                value={row.value}
                onChange={(e) => emitRows(rows.map((r) => (r.key === row.key ? { ...r, value: e.currentTarget.value } : r)))}
              />
              <Button
                type="button"
                variant="ghost"
                onClick={() => emitRows(rows.filter((r) => r.key !== row.key))}
                aria-label={t("form.headers.remove", { name: row.name || String(i + 1) })}
              >
                {t("form.headers.removeShort")}
              </Button>
            </li>
          ))}
        </ul>
        {errors.headers ? <FieldError id={`${headingId}-headers-error`}>{errors.headers}</FieldError> : null}
        <Button
          type="button"
          variant="secondary"
          size="sm"
          className="mt-2"
          disabled={rows.length >= MAX_CUSTOM_HEADERS}
          onClick={() => emitRows([...rows, { key: Math.max(-1, ...rows.map((r) => r.key)) + 1, name: "", value: "", stored: false }])}
        >
          {t("form.headers.add")}
        </Button>
      </div>

      <TextField
        label={t("form.rate.label")}
        name="rateLimitPerSecond"
        inputMode="numeric"
        placeholder={t("form.rate.placeholder")}
        value={rate}
        onChange={(e) => {
          const text = e.currentTarget.value;
          setRate(text);
          // Not a number stays NaN, so the schema's message shows.
          onChange({ ...value, rateLimitPerSecond: text.trim() === "" ? null : Number(text) });
        }}
        error={errors.rateLimitPerSecond}
        hint={t("form.rate.hint")}
      />

      <Toggle
        label={t("form.fifo.label")}
        hint={t("form.fifo.hint")}
        checked={value.fifo}
        onChange={(on) => onChange({ ...value, fifo: on })}
        error={errors.fifo}
      />

      <TextField
        label={t("form.programs.label")}
        name="programIds"
        spellCheck={false}
        autoComplete="off"
        placeholder="prg_…"
        value={programs}
        onChange={(e) => {
          const text = e.currentTarget.value;
          setPrograms(text);
          const ids = text.split(/[\s,]+/).filter(Boolean);
          onChange({ ...value, programIds: ids.length > 0 ? ids : null });
        }}
        error={errors.programIds}
        hint={t("form.programs.hint")}
      />
    </fieldset>
  );
}

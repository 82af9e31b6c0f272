"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent, type ReactNode } from "react";
import type { z } from "zod";
import { Alert, Button, Textarea, TextField, Toggle } from "@/components/ui";
import { useErrorMessage } from "@/i18n/error-messages";
import { ApiClientError } from "@/lib/client/api";
import {
  createWebhookInput,
  HEADER_PROBLEMS,
  MAX_CUSTOM_HEADERS,
  MAX_HEADER_NAME_LENGTH,
  MAX_HEADER_VALUE_LENGTH,
  MAX_PROGRAM_FILTERS,
  MAX_RATE_LIMIT_PER_SECOND,
  MAX_URL_LENGTH,
  URL_PROBLEMS,
  type HeaderProblem,
  type UrlProblem,
} from "@/lib/webhooks/schemas";
import { EndpointOptionsFields, NO_OPTIONS, withKeptHeaders } from "./endpoint-options-fields";
import { EventCheckboxes } from "./event-checkboxes";
import type { WebhookFormValues } from "./queries";

type Field = keyof WebhookFormValues;
type Errors = Partial<Record<Field, string>> & { form?: string[] };

const FIELDS: Field[] = ["url", "description", "events", "enabled", "headers", "rateLimitPerSecond", "fifo", "programIds"];

/**
 * What is wrong, without the words: the schema's English messages are for the API, the form words
 * each problem in the page's language from its field and zod code (`server`: a server-only rule,
 * such as no private addresses in production, of which the API sends only English text).
 */
type Problem = { path: string; code: string; reason?: string };

function browserProblems(values: WebhookFormValues): Problem[] {
  const parsed = createWebhookInput.safeParse(withKeptHeaders(values));
  return parsed.success ? [] : parsed.error.issues.map(problemOf);
}

function problemOf(issue: z.core.$ZodIssue): Problem {
  const reason = issue.code === "custom" ? issue.params?.reason : undefined;
  return { path: issue.path.map(String).join("."), code: issue.code, reason: typeof reason === "string" ? reason : undefined };
}

function serverProblems(err: ApiClientError): Problem[] {
  return [
    ...Object.keys(err.fieldErrors).map((path) => ({ path, code: "server" })),
    ...err.formErrors.map(() => ({ path: "", code: "server" })),
  ];
}

const isUrlProblem = (reason: string | undefined): reason is UrlProblem => reason !== undefined && reason in URL_PROBLEMS;
const HEADER_LIMITS: Partial<Record<HeaderProblem, number>> = {
  tooMany: MAX_CUSTOM_HEADERS,
  nameLength: MAX_HEADER_NAME_LENGTH,
  valueLength: MAX_HEADER_VALUE_LENGTH,
};
const isHeaderProblem = (reason: string | undefined): reason is HeaderProblem =>
  (HEADER_PROBLEMS as readonly (string | undefined)[]).includes(reason);

/** Problems ("events.0" → "events") → one message per form field, the rest above the form. */
function toErrors(problems: Problem[], describe: (field: Field | null, problem: Problem) => string): Errors {
  const out: Errors = {};
  const rest: string[] = [];
  for (const problem of problems) {
    const field = FIELDS.find((f) => problem.path === f || problem.path.startsWith(`${f}.`)) ?? null;
    if (field) out[field] ??= describe(field, problem);
    else rest.push(describe(null, problem));
  }
  if (rest.length > 0) out.form = [...new Set(rest)];
  return out;
}

/**
 * The endpoint form (create and edit): checked in the browser with the API's own zod schema,
 * then by the server, whose 422 field errors land on the same fields.
 */
export function WebhookForm({
  initial,
  submitLabel,
  onSubmit,
  pending,
  cancel,
  enabledHint,
}: {
  initial: WebhookFormValues;
  submitLabel: string;
  onSubmit: (values: WebhookFormValues) => Promise<unknown>;
  pending: boolean;
  cancel?: ReactNode;
  enabledHint?: ReactNode;
}) {
  const [values, setValues] = useState<WebhookFormValues>(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [submitted, setSubmitted] = useState(false);
  const t = useTranslations("webhooks.form");
  const tOptions = useTranslations("endpointOptions");
  const errorMessage = useErrorMessage();

  function describe(field: Field | null, problem: Problem): string {
    if (field === "url") {
      if (problem.code === "server") return t("errors.url.refused");
      if (isUrlProblem(problem.reason)) return t(`errors.url.${problem.reason}`);
      if (problem.code === "too_big") return t("errors.urlTooLong", { max: MAX_URL_LENGTH });
      return t("errors.urlRequired");
    }
    if (field === "events") return t("errors.events");
    if (field === "description") return t("errors.description", { max: 500 });
    if (field === "headers") return headerMessage(problem);
    if (field === "rateLimitPerSecond") return tOptions("errors.rateLimit", { max: MAX_RATE_LIMIT_PER_SECOND });
    if (field === "programIds") {
      return problem.code === "server" ? tOptions("errors.refused") : tOptions("errors.programIds", { max: MAX_PROGRAM_FILTERS });
    }
    return t("errors.invalid");
  }
  function headerMessage(problem: Problem): string {
    if (!isHeaderProblem(problem.reason)) return problem.code === "server" ? tOptions("errors.refused") : tOptions("errors.headers");
    const name = problem.path.slice("headers.".length);
    return tOptions(`errors.header.${problem.reason}`, { name, max: HEADER_LIMITS[problem.reason] ?? 0 });
  }
  const clientErrors = (v: WebhookFormValues) => toErrors(browserProblems(v), describe);

  function update(changes: Partial<WebhookFormValues>) {
    const next = { ...values, ...changes };
    setValues(next);
    // After a first submit, re-check as the user fixes things so errors clear promptly.
    if (submitted) setErrors((prev) => ({ ...clientErrors(next), form: prev.form }));
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSubmitted(true);
    const found = clientErrors(values);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstError(e.currentTarget);
      return;
    }
    const form = e.currentTarget;
    try {
      await onSubmit({ ...values, url: values.url.trim(), description: values.description.trim() });
    } catch (err) {
      if (err instanceof ApiClientError && (Object.keys(err.fieldErrors).length > 0 || err.formErrors.length > 0)) {
        setErrors(toErrors(serverProblems(err), describe));
      } else {
        setErrors({ form: [errorMessage(err, { conflict: t("errors.limit") })] });
      }
      focusFirstError(form);
    }
  }

  return (
    <form noValidate onSubmit={submit} className="space-y-6" aria-label={t("label")}>
      {errors.form ? (
        <Alert tone="error" title={t("saveFailed")}>
          <ul className="list-inside list-disc">
            {errors.form.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <TextField
        label={t("url")}
        name="url"
        inputMode="url"
        autoComplete="url"
        spellCheck={false}
        placeholder="https://example.com/webhooks/partnersmy"
        value={values.url}
        onChange={(e) => update({ url: e.currentTarget.value })}
        error={errors.url}
        hint={t("urlHint")}
        required
      />
      <Textarea
        label={t("description")}
        name="description"
        rows={2}
        placeholder={t("descriptionPlaceholder")}
        value={values.description}
        onChange={(e) => update({ description: e.currentTarget.value })}
        error={errors.description}
        maxLength={500}
      />
      <EventCheckboxes value={values.events} onChange={(events) => update({ events })} error={errors.events} />
      <Toggle
        label={t("enabled")}
        hint={enabledHint ?? t("enabledHint")}
        checked={values.enabled}
        onChange={(on) => update({ enabled: on })}
        error={errors.enabled}
      />
      <EndpointOptionsFields value={{ ...NO_OPTIONS, ...values }} onChange={update} errors={errors} />
      <div className="flex flex-col-reverse gap-2 border-t border-slate-200 pt-5 sm:flex-row sm:justify-end">
        {cancel}
        <Button type="submit" loading={pending}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}

function focusFirstError(form: HTMLFormElement) {
  requestAnimationFrame(() => {
    const invalid = form.querySelector<HTMLElement>('[aria-invalid="true"]');
    // A fieldset (the events) cannot take focus: its first checkbox does.
    const target = invalid instanceof HTMLFieldSetElement ? invalid.querySelector<HTMLElement>("input") : invalid;
    (target ?? form.querySelector<HTMLElement>('[role="alert"]'))?.focus();
  });
}

"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import type { z } from "zod";
import { Alert, Button, Textarea, TextField, Toggle } from "@/components/ui";
import { ApiClientError, errorMessage } from "@/lib/client/api";
import { createWebhookInput } from "@/lib/webhooks/schemas";
import { EndpointOptionsFields, NO_OPTIONS, withKeptHeaders } from "./endpoint-options-fields";
import { EventCheckboxes } from "./event-checkboxes";
import type { WebhookFormValues } from "./queries";

type Field = keyof WebhookFormValues;
type Errors = Partial<Record<Field, string>> & { form?: string[] };

const FIELDS: Field[] = ["url", "description", "events", "enabled", "headers", "rateLimitPerSecond", "fifo", "programIds"];

/** zod issues or API fieldErrors ("events.0" → "events") → one message per form field. */
function toFieldErrors(fieldErrors: Record<string, string[]>, formErrors: string[] = []): Errors {
  const out: Errors = {};
  const rest = [...formErrors];
  for (const [key, messages] of Object.entries(fieldErrors)) {
    const field = FIELDS.find((f) => key === f || key.startsWith(`${f}.`));
    if (field) out[field] ??= messages[0];
    else rest.push(...messages);
  }
  if (rest.length > 0) out.form = rest;
  return out;
}

function clientErrors(values: WebhookFormValues): Errors {
  const parsed = createWebhookInput.safeParse(withKeptHeaders(values));
  if (parsed.success) return {};
  return toFieldErrors(flatten(parsed.error));
}

function flatten(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) (out[issue.path.map(String).join(".")] ??= []).push(issue.message);
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
        const mapped = toFieldErrors(err.fieldErrors, err.formErrors);
        setErrors(Object.keys(mapped).length > 0 ? mapped : { form: [err.message] });
      } else {
        setErrors({ form: [errorMessage(err)] });
      }
      focusFirstError(form);
    }
  }

  return (
    <form noValidate onSubmit={submit} className="space-y-6" aria-label="Webhook endpoint">
      {errors.form ? (
        <Alert tone="error" title="The endpoint could not be saved">
          <ul className="list-inside list-disc">
            {errors.form.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <TextField
        label="Endpoint URL"
        name="url"
        inputMode="url"
        autoComplete="url"
        spellCheck={false}
        placeholder="https://example.com/webhooks/partnersmy"
        value={values.url}
        onChange={(e) => update({ url: e.currentTarget.value })}
        error={errors.url}
        hint="We send an HTTPS POST with a JSON body to this URL for every event you choose below."
        required
      />
      <Textarea
        label="Description (optional)"
        name="description"
        rows={2}
        placeholder="e.g. Production order sync"
        value={values.description}
        onChange={(e) => update({ description: e.currentTarget.value })}
        error={errors.description}
        maxLength={500}
      />
      <EventCheckboxes value={values.events} onChange={(events) => update({ events })} error={errors.events} />
      <Toggle
        label="Enabled"
        hint={enabledHint ?? "Disabled endpoints receive nothing; their events are kept and can be sent later."}
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

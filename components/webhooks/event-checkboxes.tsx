"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId } from "react";
import { Checkbox, FieldError } from "@/components/ui";
import { EVENT_TYPES, type EventType } from "@/lib/webhooks/events";

/** The events an endpoint subscribes to: one checkbox per catalogue entry, plus "Select all". */
export function EventCheckboxes({
  value,
  onChange,
  error,
}: {
  value: EventType[];
  onChange: (events: EventType[]) => void;
  error?: string;
}) {
  const t = useTranslations("webhooks.form");
  const describe = useTranslations("eventTypes");
  const errorId = useId();
  const allId = useId();
  const all = value.length === EVENT_TYPES.length;
  const some = value.length > 0 && !all;

  useEffect(() => {
    // "Some but not all" shows as the mixed state (a DOM-only property).
    const box = document.getElementById(allId);
    if (box instanceof HTMLInputElement) box.indeterminate = some;
  }, [allId, some]);

  function toggle(event: EventType, on: boolean) {
    const next = new Set(value);
    if (on) next.add(event);
    else next.delete(event);
    // Keep catalogue order so the saved list reads the same way every time.
    onChange(EVENT_TYPES.filter((e) => next.has(e)));
  }

  return (
    <fieldset aria-describedby={error ? errorId : undefined} aria-invalid={error ? true : undefined}>
      <legend className="text-sm font-medium text-slate-800">{t("events")}</legend>
      <p className="mt-0.5 text-xs text-slate-500">{t("eventsHint")}</p>
      <div className={`mt-3 rounded-md border ${error ? "border-red-300" : "border-slate-200"} divide-y divide-slate-100`}>
        <div className="bg-slate-50 px-3 py-2.5">
          <Checkbox
            id={allId}
            label={t("selectAll")}
            checked={all}
            onChange={(e) => onChange(e.currentTarget.checked ? [...EVENT_TYPES] : [])}
          />
        </div>
        {EVENT_TYPES.map((event) => (
          <div key={event} className="px-3 py-2.5">
            <Checkbox
              name="events"
              value={event}
              label={<code className="font-mono text-[13px]">{event}</code>}
              hint={describe(event)}
              checked={value.includes(event)}
              onChange={(e) => toggle(event, e.currentTarget.checked)}
            />
          </div>
        ))}
      </div>
      {error ? <FieldError id={errorId}>{error}</FieldError> : null}
    </fieldset>
  );
}

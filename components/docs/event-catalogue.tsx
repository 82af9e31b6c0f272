import { EVENT_CATALOGUE, EVENT_TYPES } from "@/lib/webhooks/events";
import { EVENT_DATA_SCHEMAS, EVENT_RECIPIENTS, sampleDelivery } from "@/lib/openapi/events";
import { inputJsonSchema } from "@/lib/openapi/json-schema";
import { CodeBlock } from "./code-block";
import { Code } from "./prose";
import { SchemaFields } from "./schema-fields";

/** One card per event: what it means, who receives it, the body exactly as sent and its fields. */
export function EventCatalogue() {
  return (
    <div className="space-y-6">
      {EVENT_TYPES.map((event) => {
        const { body } = sampleDelivery(event);
        const recipients = EVENT_RECIPIENTS[event];
        return (
          <article
            key={event}
            id={`event-${event.replace(".", "-")}`}
            data-testid="event"
            className="scroll-mt-20 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-5"
          >
            <h3 className="font-mono text-base font-semibold text-slate-900">{event}</h3>
            <p className="mt-1 text-[15px] text-slate-700">{EVENT_CATALOGUE[event].description}</p>
            <dl className="mt-3 grid gap-2 text-sm sm:grid-cols-2">
              <div className="rounded-md bg-slate-50 px-3 py-2">
                <dt className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Advertiser receives it</dt>
                <dd className="text-slate-700">as {recipients.advertiser}</dd>
              </div>
              <div className="rounded-md bg-slate-50 px-3 py-2">
                <dt className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Affiliate receives it</dt>
                <dd className="text-slate-700">as {recipients.affiliate}</dd>
              </div>
            </dl>
            <CodeBlock
              className="mt-4"
              label={`${event} — sample body`}
              testId={`sample-${event}`}
              code={JSON.stringify(JSON.parse(body), null, 2)}
            />
            <details className="mt-3">
              <summary className="cursor-pointer text-sm font-medium text-brand-700 hover:underline">
                Fields of <Code>data</Code>
              </summary>
              <div className="mt-2">
                <SchemaFields caption={`Fields of ${event} data`} schema={inputJsonSchema(EVENT_DATA_SCHEMAS[event])} schemas={{}} />
              </div>
            </details>
          </article>
        );
      })}
    </div>
  );
}

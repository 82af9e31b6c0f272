import { getTranslations } from "next-intl/server";
import { listEventTypes } from "@/lib/openapi/event-types";
import { CodeBlock } from "./code-block";
import { Code } from "./prose";
import { SchemaFields, isSchema } from "./schema-fields";

/**
 * One card per event: what it means, who receives it, the body exactly as sent and its fields —
 * the same schema and sample as GET /api/v1/event-types.
 */
export async function EventCatalogue() {
  const t = await getTranslations("docs.catalogue");
  const describe = await getTranslations("eventTypes");
  return (
    <div className="space-y-6">
      {listEventTypes().map(({ name: event, schema, sample }) => {
        const properties = isSchema(schema.properties) ? schema.properties : {};
        const data = isSchema(properties.data) ? properties.data : {};
        return (
          <article
            key={event}
            id={`event-${event.replace(".", "-")}`}
            data-testid="event"
            className="scroll-mt-20 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-5"
          >
            <h3 className="font-mono text-base font-semibold text-slate-900">{event}</h3>
            <p className="mt-1 text-[15px] text-slate-700">{describe(event)}</p>
            <dl className="mt-3 grid gap-2 text-sm sm:grid-cols-2">
              <div className="rounded-md bg-slate-50 px-3 py-2">
                <dt className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{t("advertiserReceives")}</dt>
                <dd className="text-slate-700">{t(`advertiser.${event}`)}</dd>
              </div>
              <div className="rounded-md bg-slate-50 px-3 py-2">
                <dt className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{t("affiliateReceives")}</dt>
                <dd className="text-slate-700">{t(`affiliate.${event}`)}</dd>
              </div>
            </dl>
            <CodeBlock
              className="mt-4"
              label={t("sample", { event })}
              testId={`sample-${event}`}
              code={JSON.stringify(sample, null, 2)}
            />
            <details className="mt-3">
              <summary className="cursor-pointer text-sm font-medium text-brand-700 hover:underline">
                {t.rich("fields", { code: (chunks) => <Code>{chunks}</Code> })}
              </summary>
              <div className="mt-2">
                <SchemaFields caption={t("fieldsCaption", { event })} schema={data} schemas={{}} />
              </div>
            </details>
          </article>
        );
      })}
    </div>
  );
}

import { Command, InvalidArgumentError } from "commander";
import { listen } from "./listen";
import { CliError, apiRequest } from "./http";
import { DEFAULT_BASE_URL, resolveConnection as connection } from "./options";

// `partnersmy listen | trigger <event> | events resend <id>`: see "Develop locally" on /docs.

// --forward-to: an absolute http(s) URL ("localhost:4000" parses as a URL of scheme "localhost:").
const url = (value: string) => {
  const parsed = URL.canParse(value) ? new URL(value) : null;
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    throw new InvalidArgumentError("must be an absolute http(s) URL, e.g. http://localhost:4000/webhooks");
  }
  return parsed.toString();
};

export async function main(argv: string[]): Promise<number> {
  const program = new Command("partnersmy").description("PartnersMy webhooks on your machine").exitOverride();
  const common = (c: Command) =>
    c.option("--api-key <key>", "API key (default: $PARTNERSMY_API_KEY)").option("--base-url <url>", `server (default: $PARTNERSMY_BASE_URL or ${DEFAULT_BASE_URL})`);
  let code = 0;

  common(program.command("listen"))
    .description("receive your account's events live, sign them with a session secret and forward them to a local URL")
    .requiredOption("--forward-to <url>", "local URL to POST each event to", url)
    .option("--events <types>", "comma-separated event types (default: all)")
    .action(async (opts) => {
      code = await listen({ ...connection(opts), forwardTo: opts.forwardTo, events: opts.events });
    });

  common(program.command("trigger"))
    .description("create a realistic test event of any type (also sent to your subscribed endpoints)")
    .argument("<event>", "event type, e.g. conversion.created")
    .action(async (event: string, opts) => {
      const body = (await apiRequest(connection(opts), "POST", "/api/v1/events/trigger", { event })) as { eventId: string; deliveries: unknown[] };
      console.log(`Triggered ${event} ${body.eventId} (${body.deliveries.length} endpoint deliveries queued)`);
    });

  const events = program.command("events").description("events of your account");
  common(events.command("resend"))
    .description("send an event again to your subscribed endpoints")
    .argument("<id>", "event id (evt_…)")
    .option("--webhook-id <id>", "only to this endpoint")
    .action(async (id: string, opts) => {
      const body = await apiRequest(connection(opts), "POST", `/api/v1/events/${encodeURIComponent(id)}/resend`, opts.webhookId ? { webhookId: opts.webhookId } : {});
      console.log(`Resent ${id}: ${JSON.stringify(body)}`);
    });

  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`Error: ${err.message}`);
      return 1;
    }
    if (err && typeof err === "object" && "exitCode" in err) return Number(err.exitCode); // commander already printed it
    console.error(`Error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

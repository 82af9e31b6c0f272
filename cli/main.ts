import { Command, InvalidArgumentError } from "commander";
import { listen } from "./listen";
import { CliError, apiRequest, type Connection } from "./http";

// `partnersmy listen | trigger <event> | events resend <id>`: see "Develop locally" on /docs.

function connection(opts: { apiKey?: string; baseUrl?: string }): Connection {
  const apiKey = opts.apiKey ?? process.env.PARTNERSMY_API_KEY;
  if (!apiKey) throw new CliError("No API key: pass --api-key or set PARTNERSMY_API_KEY (create one in the dashboard under API keys).");
  const baseUrl = (opts.baseUrl ?? process.env.PARTNERSMY_BASE_URL ?? "http://localhost:3000").replace(/\/+$/, "");
  return { apiKey, baseUrl };
}

const url = (value: string) => {
  try {
    return new URL(value).toString();
  } catch {
    throw new InvalidArgumentError("must be an absolute URL, e.g. http://localhost:4000/webhooks");
  }
};

export async function main(argv: string[]): Promise<number> {
  const program = new Command("partnersmy").description("PartnersMy webhooks on your machine").exitOverride();
  const common = (c: Command) =>
    c.option("--api-key <key>", "API key (default: $PARTNERSMY_API_KEY)").option("--base-url <url>", "server (default: $PARTNERSMY_BASE_URL or http://localhost:3000)");
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

import { inngest } from "@/inngest/client";
import { runNoticeChecks } from "@/lib/webhooks/notices";

// Endpoint notices on the inngest engine: every minute, the "about to be disabled" warning for
// endpoints failing for half of WEBHOOK_DISABLE_AFTER, and any notice not yet mailed or sent as
// an operational event (the run that recorded it sends it at once; this catches what a frozen
// or failed run left). The embedded engine runs the same checks on a timer (lib/webhooks/notices.ts).
export const checkEndpointHealthFunction = inngest.createFunction(
  { id: "check-endpoint-health", name: "Warn about failing endpoints and send due notices", retries: 2, triggers: [{ cron: "* * * * *" }] },
  async ({ step }) => step.run("check-and-send", () => runNoticeChecks()),
);

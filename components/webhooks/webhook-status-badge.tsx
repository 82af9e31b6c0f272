import { StatusBadge } from "@/components/ui";

import type { Webhook } from "./types";

/** Enabled / Disabled, with why it is disabled when it was not the user's own choice. */
export function WebhookStatusBadge({ webhook }: { webhook: Pick<Webhook, "enabled" | "disabledReason"> }) {
  return webhook.enabled ? <StatusBadge status="enabled" /> : <StatusBadge status="disabled" />;
}

"use client";

import { useState } from "react";
import { Button, ConfirmDialog, Dialog } from "@/components/ui";
import { errorMessage } from "@/lib/client/api";
import { pluralize } from "./format";
import { useUpdateWebhook } from "./queries";
import type { Webhook } from "./types";

/**
 * Disable (after a confirmation) or enable the endpoint. Events that arrived while it was
 * disabled are held: re-enabling asks whether to send them or discard them.
 */
export function EnableControls({ webhook }: { webhook: Webhook }) {
  const update = useUpdateWebhook(webhook.id);
  const [dialog, setDialog] = useState<"disable" | "enable" | null>(null);
  const held = webhook.heldDeliveries ?? 0;

  function close() {
    update.reset();
    setDialog(null);
  }

  async function apply(patch: { enabled: boolean; discardHeld?: boolean }) {
    try {
      await update.mutateAsync(patch);
      setDialog(null);
    } catch {
      // shown in the dialog
    }
  }

  if (webhook.enabled) {
    return (
      <>
        <Button variant="secondary" onClick={() => setDialog("disable")}>
          Disable
        </Button>
        <ConfirmDialog
          open={dialog === "disable"}
          onClose={close}
          onConfirm={() => apply({ enabled: false })}
          title="Disable this endpoint?"
          description="Nothing is sent to it while it is disabled. New events are kept, and when you enable it again you choose whether to send or discard them."
          confirmLabel="Disable endpoint"
          pending={update.isPending}
          error={update.isError ? errorMessage(update.error) : null}
        />
      </>
    );
  }

  return (
    <>
      <Button onClick={() => (held > 0 ? setDialog("enable") : apply({ enabled: true }))} loading={update.isPending && dialog === null}>
        Enable
      </Button>
      {update.isError && dialog === null ? (
        <p role="alert" className="text-sm text-red-600">
          {errorMessage(update.error)}
        </p>
      ) : null}
      <Dialog
        open={dialog === "enable"}
        onClose={close}
        dismissible={!update.isPending}
        title="Enable this endpoint?"
        description={`${pluralize(held, "event")} arrived while it was disabled. Send ${held === 1 ? "it" : "them"} now, or discard ${held === 1 ? "it" : "them"} and only send new events? Discarded events can still be sent later with "Retry all failed".`}
        footer={
          <>
            <Button variant="secondary" onClick={close} disabled={update.isPending}>
              Cancel
            </Button>
            <Button variant="secondary" onClick={() => apply({ enabled: true, discardHeld: true })} disabled={update.isPending}>
              Discard them
            </Button>
            <Button onClick={() => apply({ enabled: true })} disabled={update.isPending} data-autofocus>
              Send {pluralize(held, "held event")}
            </Button>
          </>
        }
      >
        {update.isError ? (
          <p role="alert" className="text-sm font-medium text-red-600">
            {errorMessage(update.error)}
          </p>
        ) : null}
      </Dialog>
    </>
  );
}

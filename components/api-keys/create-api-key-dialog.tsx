"use client";

import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { SecretReveal } from "@/components/ui/secret-reveal";
import { ApiClientError, errorMessage } from "@/lib/client/api";
import { useCreateApiKey, type CreatedApiKey } from "./api-keys-queries";

/**
 * Name a key → the full key is shown here once. Closing the dialog forgets it: only the
 * prefix is ever shown again.
 */
export function CreateApiKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState("");
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const create = useCreateApiKey();

  const fieldError = create.error instanceof ApiClientError ? create.error.fieldError("name") : undefined;
  const formError = create.error && !fieldError ? errorMessage(create.error) : null;

  function close() {
    setName("");
    setCreated(null);
    create.reset();
    onClose();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate({ name }, { onSuccess: (key) => setCreated(key) });
  }

  if (created) {
    return (
      <Dialog
        key="reveal"
        open={open}
        onClose={close}
        title="Your new API key"
        description={`“${created.name}” is ready. Store it somewhere safe, like your server's secret manager.`}
        footer={
          <Button onClick={close} data-autofocus>
            Done
          </Button>
        }
      >
        <SecretReveal value={created.key} label="API key">
          Send it as <code className="font-mono text-xs">Authorization: Bearer &lt;key&gt;</code> to the{" "}
          <code className="font-mono text-xs">/api/v1</code> endpoints.
        </SecretReveal>
      </Dialog>
    );
  }

  return (
    <Dialog
      key="form"
      open={open}
      onClose={close}
      dismissible={!create.isPending}
      title="Create an API key"
      description="Your server uses API keys to call the PartnersMy API. Name it after where it will be used."
    >
      <form id="create-api-key-form" onSubmit={onSubmit} noValidate className="space-y-4">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <TextField
          label="Key name"
          name="name"
          placeholder="e.g. Production server"
          autoComplete="off"
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError}
          hint="Only you see this name; it helps you tell keys apart."
          data-autofocus
        />
        <div className="-mx-5 mt-6 flex flex-col-reverse gap-2 border-t border-slate-100 bg-slate-50 px-5 py-4 sm:-mx-6 sm:flex-row sm:justify-end sm:px-6">
          <Button variant="secondary" onClick={close} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create key
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

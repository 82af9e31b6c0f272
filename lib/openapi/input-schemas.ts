import { signupInput } from "@/lib/accounts/schemas";
import { createApiKeyInput } from "@/lib/api-keys/schemas";
import { createConversionInput, rejectConversionInput } from "@/lib/conversions/schemas";
import { createProgramInput, listProgramsQuery } from "@/lib/programs/schemas";
import {
  createWebhookInput,
  listDeliveriesQuery,
  retryFailedInput,
  rotateSecretInput,
  updateWebhookInput,
  webhookStatsQuery,
} from "@/lib/webhooks/schemas";
import { sendTestEventInput } from "@/lib/webhooks/test-event";

// The zod schemas the route handlers parse requests with, by their export name. Routes in
// ./routes.ts name them; the test checks each named schema is used by that route's file.
export const INPUT_SCHEMAS = {
  signupInput,
  createApiKeyInput,
  createWebhookInput,
  updateWebhookInput,
  rotateSecretInput,
  listDeliveriesQuery,
  retryFailedInput,
  webhookStatsQuery,
  sendTestEventInput,
  createProgramInput,
  listProgramsQuery,
  createConversionInput,
  rejectConversionInput,
};

export type InputSchemaName = keyof typeof INPUT_SCHEMAS;

/** `createWebhookInput` → `CreateWebhookInput`, the name under components.schemas. */
export function componentName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

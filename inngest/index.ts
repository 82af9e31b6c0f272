import { deliverWebhook } from "./functions/deliver-webhook";
import { reconcileDeliveries } from "./functions/reconcile-deliveries";

export { inngest } from "./client";
export const functions = [deliverWebhook, reconcileDeliveries];

import { checkEndpointHealthFunction } from "./functions/check-endpoint-health";
import { deliverWebhook, deliverWebhookFifo } from "./functions/deliver-webhook";
import { foldRollupsFunction } from "./functions/fold-rollups";
import { pruneDeliveriesFunction } from "./functions/prune-deliveries";
import { reconcileDeliveries } from "./functions/reconcile-deliveries";

export { inngest } from "./client";
export const functions = [deliverWebhook, deliverWebhookFifo, reconcileDeliveries, pruneDeliveriesFunction, checkEndpointHealthFunction, foldRollupsFunction];

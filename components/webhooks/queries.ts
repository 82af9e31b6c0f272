"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiClientError, apiFetch } from "@/lib/client/api";
import type { EventType } from "@/lib/webhooks/events";
import type { EndpointOptionsValues } from "./endpoint-options-fields";
import type {
  CreatedWebhook,
  Delivery,
  DeliveryPage,
  DeliveryStatus,
  RotatedSecret,
  Webhook,
  WebhookSummaryStats,
  WebhookTimeline,
} from "./types";

// TanStack Query hooks over the session API. Keys nest under ["webhooks"] so one invalidation
// after a mutation refreshes the list, the endpoint, its log and its stats together.

export const webhookKeys = {
  all: ["webhooks"] as const,
  list: () => [...webhookKeys.all, "list"] as const,
  summary: () => [...webhookKeys.all, "summary"] as const,
  detail: (id: string) => [...webhookKeys.all, "detail", id] as const,
  deliveries: (id: string, filters: DeliveryFilters) => [...webhookKeys.all, "deliveries", id, filters] as const,
  stats: (id: string, hours: number) => [...webhookKeys.all, "stats", id, hours] as const,
};

export interface DeliveryFilters {
  status?: DeliveryStatus;
  event?: EventType;
}

/** How often the log polls while any delivery it shows is still pending. */
export const PENDING_REFRESH_MS = 1_500;
/**
 * How often the chart polls while it counts pending deliveries. The log's settling also refreshes
 * it, but a retry can settle between the chart's fetch and the log's, leaving the log nothing to
 * notice: this closes that gap at a gentler pace than the log's.
 */
export const CHART_PENDING_REFRESH_MS = 5_000;

export function useWebhooks() {
  return useQuery({
    queryKey: webhookKeys.list(),
    queryFn: () => apiFetch<{ data: Webhook[] }>("/api/webhooks").then((r) => r.data),
  });
}

export function useWebhookSummaries() {
  return useQuery({
    queryKey: webhookKeys.summary(),
    queryFn: () => apiFetch<{ data: WebhookSummaryStats[] }>("/api/webhooks/stats").then((r) => r.data),
    // The list still renders without it (an older server, a slow query): stats are extra.
    retry: false,
  });
}

export function useWebhook(id: string) {
  return useQuery({
    queryKey: webhookKeys.detail(id),
    queryFn: () => apiFetch<Webhook>(`/api/webhooks/${encodeURIComponent(id)}`),
    // A deleted (or someone else's) endpoint is 404: say so at once rather than retrying.
    retry: (failures, err) => !(err instanceof ApiClientError && err.status === 404) && failures < 1,
  });
}

export function useWebhookStats(id: string, hours: number) {
  return useQuery({
    queryKey: webhookKeys.stats(id, hours),
    queryFn: () =>
      apiFetch<WebhookTimeline>(`/api/webhooks/${encodeURIComponent(id)}/stats?hours=${hours}`),
    refetchInterval: (query) =>
      query.state.data?.buckets.some((b) => b.pending > 0) ? CHART_PENDING_REFRESH_MS : false,
  });
}

export function useDeliveries(id: string, filters: DeliveryFilters) {
  return useInfiniteQuery({
    queryKey: webhookKeys.deliveries(id, filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const qs = new URLSearchParams({ limit: "20" });
      if (filters.status) qs.set("status", filters.status);
      if (filters.event) qs.set("event", filters.event);
      if (pageParam) qs.set("cursor", pageParam);
      return apiFetch<DeliveryPage>(`/api/webhooks/${encodeURIComponent(id)}/deliveries?${qs}`);
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Poll while anything shown is still on its way; stop once everything has settled.
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.data.some((d) => d.status === "pending")) ? PENDING_REFRESH_MS : false,
  });
}

export interface WebhookFormValues extends Partial<EndpointOptionsValues> {
  url: string;
  description: string;
  events: EventType[];
  enabled: boolean;
}

export function useCreateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (values: WebhookFormValues) => apiFetch<CreatedWebhook>("/api/webhooks", { method: "POST", body: values }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export type WebhookPatch = Partial<WebhookFormValues> & { discardHeld?: boolean };

export function useUpdateWebhook(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: WebhookPatch) =>
      apiFetch<Webhook>(`/api/webhooks/${encodeURIComponent(id)}`, { method: "PATCH", body: patch }),
    onSuccess: (updated) => {
      qc.setQueryData(webhookKeys.detail(id), (prev: Webhook | undefined) => ({ ...prev, ...updated }));
      return qc.invalidateQueries({ queryKey: webhookKeys.all });
    },
  });
}

export function useDeleteWebhook(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<void>(`/api/webhooks/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => {
      qc.removeQueries({ queryKey: webhookKeys.detail(id) });
      return qc.invalidateQueries({ queryKey: webhookKeys.list() });
    },
  });
}

export function useRotateSecret(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (gracePeriodSeconds: number) =>
      apiFetch<RotatedSecret>(`/api/webhooks/${encodeURIComponent(id)}/rotate-secret`, {
        method: "PUT",
        body: { gracePeriodSeconds },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.detail(id) }),
  });
}

export function useSendTestEvent(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiFetch<{ deliveries: { id: string; webhookId: string }[] }>(`/api/webhooks/${encodeURIComponent(id)}/test`, {
        method: "POST",
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useReplayDelivery() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      apiFetch<{ delivery: Delivery }>(`/api/webhooks/${encodeURIComponent(deliveryId)}/replay`, { method: "POST" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useRetryFailed(webhookId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<{ count: number }>("/api/webhooks/retry-failed", { method: "POST", body: { webhookId } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { ApiClientError, apiFetch } from "@/lib/client/api";
import type { eventPageResponse, eventWithDeliveriesResponse, resendEventResponse } from "@/lib/events/schemas";
import type { EventType } from "@/lib/webhooks/events";
import type { Delivery, DeliveryStatus } from "@/components/webhooks/types";
import { webhookKeys } from "@/components/webhooks/queries";

// TanStack Query hooks over the dashboard's events API (/api/events…). Keys nest under
// ["events"]: a resend or replay refreshes the list and the event together.

export type EventPage = z.infer<typeof eventPageResponse>;
export type EventSummary = EventPage["data"][number];
export type EventWithDeliveries = z.infer<typeof eventWithDeliveriesResponse>;
export type ResentEvent = z.infer<typeof resendEventResponse>;

export interface EventFilters {
  q?: string;
  type?: EventType;
  deliveryStatus?: DeliveryStatus;
  /** ISO 8601 instants. */
  after?: string;
  before?: string;
}

export const eventKeys = {
  all: ["events"] as const,
  list: (filters: EventFilters) => [...eventKeys.all, "list", filters] as const,
  detail: (id: string) => [...eventKeys.all, "detail", id] as const,
};

/** How often an event's page polls while one of its deliveries is still pending. */
export const PENDING_REFRESH_MS = 1_500;

export function useEvents(filters: EventFilters) {
  return useInfiniteQuery({
    queryKey: eventKeys.list(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: "20" });
      for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
      if (pageParam) params.set("cursor", pageParam);
      return apiFetch<EventPage>(`/api/events?${params}`);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useEvent(id: string) {
  return useQuery({
    queryKey: eventKeys.detail(id),
    queryFn: () => apiFetch<EventWithDeliveries>(`/api/events/${encodeURIComponent(id)}`),
    // Another account's (or a made-up, or expired) event is 404: say so at once.
    retry: (failures, err) => !(err instanceof ApiClientError && err.status === 404) && failures < 1,
    refetchInterval: (query) => (query.state.data?.deliveries.some((d) => d.status === "pending") ? PENDING_REFRESH_MS : false),
  });
}

function useInvalidateAfterSend() {
  const client = useQueryClient();
  return () => Promise.all([client.invalidateQueries({ queryKey: eventKeys.all }), client.invalidateQueries({ queryKey: webhookKeys.all })]);
}

/** POST /api/events/:id/resend: a new delivery (new webhook-id) to one endpoint, or to all subscribed. */
export function useResendEvent(eventId: string) {
  const invalidate = useInvalidateAfterSend();
  return useMutation({
    mutationFn: (webhookId?: string) =>
      apiFetch<ResentEvent>(`/api/events/${encodeURIComponent(eventId)}/resend`, { method: "POST", body: webhookId ? { webhookId } : {} }),
    onSuccess: invalidate,
  });
}

/** POST /api/webhooks/:deliveryId/replay: the same delivery again, same webhook-id. */
export function useReplay() {
  const invalidate = useInvalidateAfterSend();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      apiFetch<{ delivery: Delivery }>(`/api/webhooks/${encodeURIComponent(deliveryId)}/replay`, { method: "POST" }),
    onSuccess: invalidate,
  });
}

/** The error codes the events pages word themselves (the API's messages stay English). */
export type KnownErrorCode = "conflict" | "not_found" | "rate_limited" | "unprocessable" | "network_error";
export function errorCodeOf(err: unknown): KnownErrorCode | "other" {
  const code = err instanceof ApiClientError ? err.code : "";
  return (["conflict", "not_found", "rate_limited", "unprocessable", "network_error"] as const).find((c) => c === code) ?? "other";
}

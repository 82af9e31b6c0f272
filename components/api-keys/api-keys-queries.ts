"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { apiKeyResponse, createdApiKeyResponse } from "@/lib/api-keys/schemas";
import { apiFetch } from "@/lib/client/api";

// The shapes of /api/api-keys (`z.infer` of the response schemas) and the TanStack Query hooks over it.

export type ApiKeySummary = z.infer<typeof apiKeyResponse>;
/** `key` is the full key: in this response only. */
export type CreatedApiKey = z.infer<typeof createdApiKeyResponse>;

export const apiKeysQueryKey = ["api-keys"] as const;

export function useApiKeys() {
  return useQuery({
    queryKey: apiKeysQueryKey,
    queryFn: () => apiFetch<{ data: ApiKeySummary[] }>("/api/api-keys").then((res) => res.data),
  });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string }) => apiFetch<CreatedApiKey>("/api/api-keys", { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysQueryKey }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<void>(`/api/api-keys/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysQueryKey }),
  });
}

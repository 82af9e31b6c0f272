"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui";
import { apiFetch } from "@/lib/client/api";

interface CliListeners {
  data: Array<{ id: string; events: string[] | null; connectedAt: string; lastSeenAt: string }>;
}

/** "1 CLI listener connected": the account's running `partnersmy listen` sessions, refreshed every 10 s. */
export function CliListenersBadge() {
  const t = useTranslations("cli");
  const listeners = useQuery({
    queryKey: ["cli-listeners"],
    queryFn: () => apiFetch<CliListeners>("/api/cli-listeners"),
    refetchInterval: 10_000,
  });
  const count = listeners.data?.data.length ?? 0;
  if (count === 0) return null;
  return (
    <p className="mb-4" role="status">
      <Badge tone="blue">{t("listeners", { count })}</Badge>
    </p>
  );
}

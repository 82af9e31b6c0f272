"use client";

import { useTranslations } from "next-intl";
import type { Delivery } from "./types";

/** Why a pending delivery waits (throttled, behind an earlier one in FIFO mode, endpoint disabled). */
export function DeliveryWaitReason({ delivery }: { delivery: Delivery }) {
  const t = useTranslations("endpointOptions");
  if (!delivery.waitReason) return null;
  return (
    <span className="text-xs text-amber-800" data-testid="wait-reason" data-reason={delivery.waitReason}>
      {t(`waitReason.${delivery.waitReason}`)}
    </span>
  );
}

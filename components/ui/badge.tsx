import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { cn } from "./cn";

export type BadgeTone = "green" | "red" | "amber" | "grey" | "blue";

const TONES: Record<BadgeTone, string> = {
  green: "bg-green-50 text-green-800 ring-green-600/20",
  red: "bg-red-50 text-red-800 ring-red-600/20",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/25",
  grey: "bg-slate-100 text-slate-700 ring-slate-500/20",
  blue: "bg-brand-50 text-brand-700 ring-brand-600/20",
};

export function Badge({ tone = "grey", children, className }: { tone?: BadgeTone; children: ReactNode; className?: string }) {
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset",
        TONES[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

/** Status words the product uses, in their colours: succeeded green, failed red, pending amber, disabled grey. */
export type Status = "succeeded" | "failed" | "pending" | "disabled" | "enabled" | "active" | "revoked";

const STATUS_TONES: Record<Status, BadgeTone> = {
  succeeded: "green",
  enabled: "green",
  active: "green",
  failed: "red",
  revoked: "red",
  pending: "amber",
  disabled: "grey",
};

export function StatusBadge({ status, children }: { status: Status; children?: ReactNode }) {
  const t = useTranslations("ui.status");
  return (
    <Badge tone={STATUS_TONES[status]}>
      <span aria-hidden="true" className="h-1.5 w-1.5 rounded-full bg-current opacity-70" />
      {children ?? t(status)}
    </Badge>
  );
}

"use client";

import { cn } from "@/components/ui/cn";
import { FieldError } from "@/components/ui/field";

export type AccountKind = "advertiser" | "affiliate";

const KINDS: { value: AccountKind; title: string; description: string }[] = [
  {
    value: "advertiser",
    title: "Advertiser",
    description: "You run affiliate programs, register conversions and approve or reject commissions.",
  },
  {
    value: "affiliate",
    title: "Affiliate",
    description: "You promote programs, apply to partner with brands and earn commissions on conversions.",
  },
];

/** Two radio cards; arrow keys move between them like any radio group. */
export function AccountKindPicker({
  value,
  onChange,
  error,
}: {
  value: AccountKind | null;
  onChange: (kind: AccountKind) => void;
  error?: string;
}) {
  return (
    <fieldset aria-describedby={error ? "account-kind-error" : undefined}>
      <legend className="text-sm font-medium text-slate-800">Account type</legend>
      <div className="mt-1.5 grid gap-3 sm:grid-cols-2">
        {KINDS.map((kind) => {
          const checked = value === kind.value;
          return (
            <label
              key={kind.value}
              className={cn(
                "relative flex cursor-pointer gap-3 rounded-lg border p-3 transition-colors",
                "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-600",
                checked
                  ? "border-brand-500 bg-brand-50 ring-1 ring-brand-500"
                  : error
                    ? "border-red-400 bg-white"
                    : "border-slate-300 bg-white hover:border-slate-400",
              )}
            >
              <input
                type="radio"
                name="accountKind"
                value={kind.value}
                checked={checked}
                onChange={() => onChange(kind.value)}
                aria-describedby={`kind-${kind.value}-description`}
                className="mt-0.5 h-4 w-4 shrink-0 accent-brand-600 focus:outline-none"
              />
              <span className="min-w-0">
                <span className="block text-sm font-semibold text-slate-900">{kind.title}</span>
                <span id={`kind-${kind.value}-description`} className="mt-0.5 block text-xs text-slate-600">
                  {kind.description}
                </span>
              </span>
            </label>
          );
        })}
      </div>
      {error ? <FieldError id="account-kind-error">{error}</FieldError> : null}
    </fieldset>
  );
}

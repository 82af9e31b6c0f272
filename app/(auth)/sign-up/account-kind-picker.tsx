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

export function isAccountKind(value: string): value is AccountKind {
  return KINDS.some((kind) => kind.value === value);
}

/**
 * Two radio cards; arrow keys move between them like any radio group. Plain radios styled by
 * `:checked`, so they work before scripts load.
 */
export function AccountKindPicker({ defaultValue, error }: { defaultValue?: AccountKind; error?: string }) {
  return (
    <fieldset aria-describedby={error ? "account-kind-error" : undefined}>
      <legend className="text-sm font-medium text-slate-800">Account type</legend>
      <div className="mt-1.5 grid gap-3 sm:grid-cols-2">
        {KINDS.map((kind) => (
          <label
            key={kind.value}
            className={cn(
              "relative flex cursor-pointer gap-3 rounded-lg border bg-white p-3 transition-colors",
              "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-600",
              error ? "border-red-400" : "border-slate-300 hover:border-slate-400",
              "has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50 has-[:checked]:ring-1 has-[:checked]:ring-brand-500",
            )}
          >
            <input
              type="radio"
              name="accountKind"
              value={kind.value}
              defaultChecked={defaultValue === kind.value}
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
        ))}
      </div>
      {error ? <FieldError id="account-kind-error">{error}</FieldError> : null}
    </fieldset>
  );
}

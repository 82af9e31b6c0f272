import { useTranslations } from "next-intl";
import { cn } from "@/components/ui/cn";
import { FieldError } from "@/components/ui/field";

export type AccountKind = "advertiser" | "affiliate";

// Their titles and descriptions: `auth.signUp.kinds.<value>` in messages/.
const KINDS: { value: AccountKind }[] = [{ value: "advertiser" }, { value: "affiliate" }];

export function isAccountKind(value: string): value is AccountKind {
  return KINDS.some((kind) => kind.value === value);
}

/**
 * Two radio cards; arrow keys move between them like any radio group. Plain radios styled by
 * `:checked`, so they work before scripts load.
 */
export function AccountKindPicker({ defaultValue, error }: { defaultValue?: AccountKind; error?: string }) {
  const t = useTranslations("auth.signUp");
  return (
    <fieldset aria-describedby={error ? "account-kind-error" : undefined}>
      <legend className="text-sm font-medium text-slate-800">{t("accountType")}</legend>
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
              <span className="block text-sm font-semibold text-slate-900">{t(`kinds.${kind.value}.title`)}</span>
              <span id={`kind-${kind.value}-description`} className="mt-0.5 block text-xs text-slate-600">
                {t(`kinds.${kind.value}.description`)}
              </span>
            </span>
          </label>
        ))}
      </div>
      {error ? <FieldError id="account-kind-error">{error}</FieldError> : null}
    </fieldset>
  );
}

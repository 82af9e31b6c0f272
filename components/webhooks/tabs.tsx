"use client";

import { useId, useRef, type KeyboardEvent } from "react";
import { cn } from "@/components/ui";

/**
 * A WAI-ARIA tab list: arrow keys move between tabs (Home/End to the ends), only the
 * selected tab is in the Tab order. Renders the tabs only; the caller renders the panel
 * with `panelProps(value)`.
 */
export function useTabs<T extends string>(name: string) {
  const base = useId();
  const tabId = (v: T) => `${base}-${name}-tab-${v}`;
  const panelId = (v: T) => `${base}-${name}-panel-${v}`;
  return {
    tabId,
    panelProps: (v: T) => ({ id: panelId(v), role: "tabpanel" as const, "aria-labelledby": tabId(v), tabIndex: 0 }),
    panelId,
  };
}

export function TabList<T extends string>({
  label,
  options,
  value,
  onChange,
  tabId,
  panelId,
  variant = "underline",
}: {
  label: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (v: T) => void;
  tabId: (v: T) => string;
  panelId: (v: T) => string;
  variant?: "underline" | "pill";
}) {
  const refs = useRef(new Map<T, HTMLButtonElement>());

  function onKeyDown(e: KeyboardEvent<HTMLButtonElement>, index: number) {
    const last = options.length - 1;
    const next =
      e.key === "ArrowRight" ? (index === last ? 0 : index + 1)
      : e.key === "ArrowLeft" ? (index === 0 ? last : index - 1)
      : e.key === "Home" ? 0
      : e.key === "End" ? last
      : null;
    if (next === null) return;
    e.preventDefault();
    const option = options[next]!;
    onChange(option.value);
    refs.current.get(option.value)?.focus();
  }

  return (
    <div
      role="tablist"
      aria-label={label}
      className={cn(
        "flex overflow-x-auto",
        variant === "underline" ? "gap-1 border-b border-slate-200" : "gap-1 rounded-lg bg-slate-100 p-1",
      )}
    >
      {options.map((o, i) => {
        const selected = o.value === value;
        return (
          <button
            key={o.value}
            ref={(node) => {
              if (node) refs.current.set(o.value, node);
              else refs.current.delete(o.value);
            }}
            id={tabId(o.value)}
            type="button"
            role="tab"
            aria-selected={selected}
            aria-controls={panelId(o.value)}
            tabIndex={selected ? 0 : -1}
            onClick={() => onChange(o.value)}
            onKeyDown={(e) => onKeyDown(e, i)}
            className={cn(
              "shrink-0 px-3 text-sm font-medium whitespace-nowrap focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-600",
              variant === "underline"
                ? cn("-mb-px border-b-2 py-2", selected ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900")
                : cn("rounded-md py-1.5", selected ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"),
            )}
          >
            {o.label}
          </button>
        );
      })}
    </div>
  );
}

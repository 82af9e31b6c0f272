"use client";

import { useEffect, useState } from "react";
import { cn } from "@/components/ui/cn";

export interface TocItem {
  id: string;
  title: string;
}

/** The sticky table of contents; highlights the section being read. */
export function DocsToc({ items, label }: { items: TocItem[]; label: string }) {
  const [active, setActive] = useState(items[0]?.id);

  useEffect(() => {
    const sections = items.map((i) => document.getElementById(i.id)).filter((el): el is HTMLElement => el !== null);
    // The active section is the last one whose top has scrolled past a line near the top.
    const update = () => {
      const line = window.innerHeight * 0.25;
      let current = sections[0]?.id;
      for (const section of sections) if (section.getBoundingClientRect().top <= line) current = section.id;
      setActive(current);
    };
    update();
    window.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    return () => {
      window.removeEventListener("scroll", update);
      window.removeEventListener("resize", update);
    };
  }, [items]);

  return (
    <nav aria-label={label}>
      <p className="px-3 text-xs font-semibold tracking-wide text-slate-500 uppercase">{label}</p>
      <ul className="mt-2 space-y-0.5 border-l border-slate-200">
        {items.map((item) => (
          <li key={item.id}>
            <a
              href={`#${item.id}`}
              aria-current={active === item.id ? "location" : undefined}
              className={cn(
                "-ml-px block border-l-2 px-3 py-1 text-sm transition-colors",
                active === item.id
                  ? "border-brand-600 font-medium text-brand-700"
                  : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900",
              )}
            >
              {item.title}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

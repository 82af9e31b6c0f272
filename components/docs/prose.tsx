import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

// Typography for the docs page, so sections read alike without a prose plugin.

export function DocSection({ id, title, lead, children }: { id: string; title: string; lead?: ReactNode; children: ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="scroll-mt-20 border-t border-slate-200 pt-10 first:border-t-0 first:pt-0">
      <h2 id={`${id}-title`} className="text-2xl font-semibold tracking-tight text-slate-900">
        <a href={`#${id}`} className="hover:underline">
          {title}
        </a>
      </h2>
      {lead ? <p className="mt-2 text-base leading-relaxed text-slate-600">{lead}</p> : null}
      <div className="mt-5 space-y-4">{children}</div>
    </section>
  );
}

export function H3({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <h3 id={id} className="scroll-mt-20 pt-2 text-lg font-semibold text-slate-900">
      {children}
    </h3>
  );
}

export function P({ children, className }: { children: ReactNode; className?: string }) {
  return <p className={cn("text-[15px] leading-7 text-slate-700", className)}>{children}</p>;
}

export function Code({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <code className={cn("rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[0.85em] [overflow-wrap:anywhere] text-slate-800", className)}>
      {children}
    </code>
  );
}

/** Text whose `backticked` parts are code: the route and header descriptions are written that way. */
export function InlineText({ text }: { text: string }) {
  return (
    <>
      {text.split(/`([^`]+)`/).map((part, i) => (i % 2 === 1 ? <Code key={i}>{part}</Code> : part))}
    </>
  );
}

export function List({ children, ordered = false }: { children: ReactNode; ordered?: boolean }) {
  const Tag = ordered ? "ol" : "ul";
  return (
    <Tag className={cn("space-y-2 pl-5 text-[15px] leading-7 text-slate-700", ordered ? "list-decimal" : "list-disc")}>{children}</Tag>
  );
}

export function Callout({ title, children, tone = "info" }: { title: string; children: ReactNode; tone?: "info" | "warn" }) {
  return (
    <div
      className={cn(
        "rounded-lg border px-4 py-3 text-sm leading-6",
        tone === "info" ? "border-brand-100 bg-brand-50 text-slate-800" : "border-amber-200 bg-amber-50 text-amber-950",
      )}
    >
      <p className="font-semibold">{title}</p>
      <div className="mt-1">{children}</div>
    </div>
  );
}

/** A plain table with a header row; cells are whatever the caller renders. */
export function Table({ head, rows, caption, testId }: { head: ReactNode[]; rows: ReactNode[][]; caption?: string; testId?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white" data-testid={testId}>
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead className="bg-slate-50">
          <tr>
            {head.map((h, i) => (
              <th key={i} scope="col" className="px-3 py-2 text-left font-semibold whitespace-nowrap text-slate-900">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row, r) => (
            <tr key={r} className="align-top">
              {row.map((cell, c) => (
                <td key={c} className="px-3 py-2 leading-6 text-slate-700">
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { CopyButton } from "@/components/ui/copy-button";
import { cn } from "@/components/ui/cn";

/** A dark code block with a label and a copy button; `code` is shown exactly as given. */
export function CodeBlock({ code, label, className, testId }: { code: string; label?: string; className?: string; testId?: string }) {
  return (
    <figure className={cn("overflow-hidden rounded-lg bg-slate-900 ring-1 ring-slate-800", className)} data-testid={testId}>
      <figcaption className="flex items-center justify-between gap-2 border-b border-slate-700/70 px-3 py-1.5">
        <span className="truncate font-mono text-xs text-slate-400">{label ?? ""}</span>
        <CopyButton value={code} variant="secondary" size="sm" />
      </figcaption>
      <pre className="max-h-[32rem] overflow-auto p-4 font-mono text-xs leading-relaxed text-slate-100">
        <code>{code}</code>
      </pre>
    </figure>
  );
}

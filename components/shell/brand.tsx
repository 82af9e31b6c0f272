import Link from "next/link";
import { cn } from "@/components/ui/cn";

/** The product mark: a small logo square and the name. */
export function Brand({ href = "/dashboard", className }: { href?: string; className?: string }) {
  return (
    <Link
      href={href}
      className={cn(
        "inline-flex items-center gap-2 rounded-md font-semibold text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600",
        className,
      )}
    >
      <span aria-hidden="true" className="flex h-8 w-8 items-center justify-center rounded-md bg-brand-600 text-sm font-bold text-white">
        P
      </span>
      <span>
        PartnersMy <span className="font-normal text-slate-500">Webhooks</span>
      </span>
    </Link>
  );
}

import type { ReactNode } from "react";
import { Brand } from "@/components/shell/brand";

// Sign-in and sign-up: one centred card on a quiet background.
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center bg-slate-50 px-4 py-10 sm:justify-center sm:py-16">
      <Brand href="/" className="mb-8 text-lg" />
      <main className="w-full max-w-md">{children}</main>
      <p className="mt-8 text-center text-xs text-slate-500">
        Real-time, signed notifications of conversions and partnerships.
      </p>
    </div>
  );
}

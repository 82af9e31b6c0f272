import type { ReactNode } from "react";
import { getTranslations } from "next-intl/server";
import { Brand } from "@/components/shell/brand";
import { LanguageSwitch } from "@/components/shell/language-switch";

// Sign-in and sign-up: one centred card on a quiet background.
export default async function AuthLayout({ children }: { children: ReactNode }) {
  const t = await getTranslations("metadata");
  return (
    <div className="flex min-h-screen flex-col items-center bg-slate-50 px-4 py-10 sm:justify-center sm:py-16">
      <LanguageSwitch className="mb-4 self-end sm:absolute sm:right-4 sm:top-4 sm:mb-0" />
      <Brand href="/" className="mb-8 text-lg" />
      <main className="w-full max-w-md">{children}</main>
      <p className="mt-8 text-center text-xs text-slate-500">{t("description")}</p>
    </div>
  );
}

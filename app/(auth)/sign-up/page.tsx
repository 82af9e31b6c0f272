import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import { auth } from "@/auth";
import { Card } from "@/components/ui/card";
import { safeCallbackPath } from "../callback-url";
import { SignUpForm } from "./sign-up-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.signUp");
  return { title: t("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === "string" ? params.callbackUrl : null;
  const session = await auth();
  if (session?.user?.accountId) redirect(safeCallbackPath(callbackUrl));

  const t = await getTranslations("auth.signUp");
  return (
    <Card className="px-5 py-6 sm:px-8 sm:py-8">
      <h1 className="text-xl font-semibold text-slate-900">{t("title")}</h1>
      <p className="mt-1 text-sm text-slate-600">
        {t("subtitle")}
      </p>
      <SignUpForm callbackUrl={callbackUrl} />
      <p className="mt-6 text-center text-sm text-slate-600">
        {t("haveAccount")}{" "}
        <Link href="/sign-in" className="font-medium text-brand-600 hover:text-brand-700 hover:underline">
          {t("signIn")}
        </Link>
      </p>
    </Card>
  );
}

import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import { auth } from "@/auth";
import { Card } from "@/components/ui/card";
import { safeCallbackPath } from "../callback-url";
import { SignInForm } from "./sign-in-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.signIn");
  return { title: t("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// next-auth's own redirects land here with ?error=CredentialsSignin (or another type).
async function errorFromQuery(error: string | undefined): Promise<string | null> {
  if (!error) return null;
  const t = await getTranslations("auth.errors");
  return error === "CredentialsSignin" ? t("wrongCredentials") : t("signInFailed");
}

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === "string" ? params.callbackUrl : null;
  const session = await auth();
  if (session?.user?.accountId) redirect(safeCallbackPath(callbackUrl));

  const t = await getTranslations("auth.signIn");
  const signUpHref = callbackUrl ? `/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/sign-up";
  return (
    <Card className="px-5 py-6 sm:px-8 sm:py-8">
      <h1 className="text-xl font-semibold text-slate-900">{t("title")}</h1>
      <p className="mt-1 text-sm text-slate-600">{t("subtitle")}</p>
      <SignInForm
        callbackUrl={callbackUrl}
        initialError={await errorFromQuery(typeof params.error === "string" ? params.error : undefined)}
      />
      <p className="mt-6 text-center text-sm text-slate-600">
        {t("newHere")}{" "}
        <Link href={signUpHref} className="font-medium text-brand-600 hover:text-brand-700 hover:underline">
          {t("createAccount")}
        </Link>
      </p>
    </Card>
  );
}

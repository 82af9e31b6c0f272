import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { auth } from "@/auth";
import { Card } from "@/components/ui/card";
import { safeCallbackPath } from "../callback-url";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// next-auth's own redirects land here with ?error=CredentialsSignin (or another type).
function errorFromQuery(error: string | undefined): string | null {
  if (!error) return null;
  if (error === "CredentialsSignin") return "That email and password don't match an account. Check them and try again.";
  return "We couldn't sign you in. Please try again.";
}

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === "string" ? params.callbackUrl : null;
  const session = await auth();
  if (session?.user?.accountId) redirect(safeCallbackPath(callbackUrl));

  const signUpHref = callbackUrl ? `/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/sign-up";
  return (
    <Card className="px-5 py-6 sm:px-8 sm:py-8">
      <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
      <p className="mt-1 text-sm text-slate-600">Manage your webhooks, API keys and deliveries.</p>
      <SignInForm
        callbackUrl={callbackUrl}
        initialError={errorFromQuery(typeof params.error === "string" ? params.error : undefined)}
      />
      <p className="mt-6 text-center text-sm text-slate-600">
        New to PartnersMy?{" "}
        <Link href={signUpHref} className="font-medium text-brand-600 hover:text-brand-700 hover:underline">
          Create an account
        </Link>
      </p>
    </Card>
  );
}

import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { authConfig } from "@/auth.config";
import { verifyCredentials } from "@/lib/accounts/accounts";
import { getConfig } from "@/lib/config";

const credentials = z.object({ email: z.email(), password: z.string().min(1).max(1024) });

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...authConfig,
  // Read at request time (never at import), so `next build` needs no secret.
  secret: getConfig().authSecret,
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const found = await verifyCredentials(parsed.data.email, parsed.data.password);
        if (!found) throw new CredentialsSignin();
        return {
          id: found.user.id,
          email: found.user.email,
          name: found.user.name,
          accountId: found.account.id,
          accountKind: found.account.kind,
          accountName: found.account.name,
        };
      },
    }),
  ],
}));

import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { authConfig } from "@/auth.config";
import { verifyCredentials } from "@/lib/accounts/accounts";
import { clientIp, signInSucceeded } from "@/lib/api/rate-limit";
import { isSessionActive, revokeSession } from "@/lib/auth/sessions";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";

const credentials = z.object({ email: z.email(), password: z.string().min(1).max(1024) });

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...authConfig,
  // Read at request time (never at import), so `next build` needs no secret.
  secret: getConfig().authSecret,
  callbacks: {
    ...authConfig.callbacks,
    // Every auth() re-reads the JWT through here: a session ended by a sign-out is none.
    async jwt(params) {
      const token = authConfig.callbacks.jwt(params);
      if (params.user) return token; // signing in right now
      return (await isSessionActive(token)) ? token : null;
    },
  },
  events: {
    async signOut(message) {
      if ("token" in message && message.token) await revokeSession(message.token);
    },
  },
  logger: {
    // A wrong password is routine: one line, no stack trace (authorize logs it). Everything else
    // keeps next-auth's detail.
    error(error) {
      if (error instanceof CredentialsSignin) return;
      log.error("next-auth error", { err: error });
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      // The attempt was counted before it got here (limitSignIn in the route and the action).
      async authorize(raw, request) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const found = await verifyCredentials(parsed.data.email, parsed.data.password);
        const ip = clientIp(request.headers);
        if (!found) {
          log.info("sign-in failed: wrong email or password", { ip });
          throw new CredentialsSignin();
        }
        await signInSucceeded(parsed.data.email, ip);
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

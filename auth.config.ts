import type { NextAuthConfig } from "next-auth";
import { randomString } from "@/lib/ids";

// The part of the next-auth config that needs no database: the session and how the JWT maps to
// it. auth.ts adds the credentials provider; proxy.ts reads the JWT itself (see there why).
export const authConfig = {
  session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
  pages: { signIn: "/sign-in" },
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        // Which sign-in this is, so a sign-out can end exactly it (lib/auth/sessions.ts).
        token.sid = randomString(24);
        token.signedInAt = Date.now();
        token.userId = user.id;
        token.accountId = user.accountId;
        token.accountKind = user.accountKind;
        token.accountName = user.accountName;
      }
      return token;
    },
    session({ session, token }) {
      const t = token as typeof token & Partial<SessionIdentity>;
      if (t.userId && t.accountId && t.accountKind && t.accountName) {
        session.user.id = t.userId;
        session.user.accountId = t.accountId;
        session.user.accountKind = t.accountKind;
        session.user.accountName = t.accountName;
      }
      return session;
    },
  },
} satisfies NextAuthConfig;

export interface SessionIdentity {
  userId: string;
  accountId: string;
  accountKind: "advertiser" | "affiliate";
  accountName: string;
}

declare module "next-auth" {
  interface User {
    accountId?: string;
    accountKind?: "advertiser" | "affiliate";
    accountName?: string;
  }
  interface Session {
    user: {
      id: string;
      email: string;
      name: string;
      accountId: string;
      accountKind: "advertiser" | "affiliate";
      accountName: string;
    };
  }
}

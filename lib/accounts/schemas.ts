import { z } from "zod";
import { prefixedId, timestamp } from "@/lib/api/schemas";

export const ACCOUNT_KINDS = ["advertiser", "affiliate"] as const;

export const signupInput = z.object({
  email: z.email("Enter a valid email address.").max(254).transform((v) => v.toLowerCase()),
  password: z.string().min(10, "Use at least 10 characters.").max(256),
  name: z.string().trim().min(1, "Tell us your name.").max(120),
  accountName: z.string().trim().min(1, "Name your company or brand.").max(120),
  accountKind: z.enum(ACCOUNT_KINDS, "Choose advertiser or affiliate."),
});
export type SignupInput = z.infer<typeof signupInput>;

// Responses (serializers return `z.input`; see lib/api/schemas.ts).
export const accountResponse = z
  .object({ id: prefixedId("acct"), kind: z.enum(ACCOUNT_KINDS), name: z.string(), createdAt: timestamp })
  .meta({ id: "Account" });

export const userResponse = z
  .object({
    id: prefixedId("usr"),
    email: z.email(),
    name: z.string(),
    accountId: prefixedId("acct"),
    createdAt: timestamp,
  })
  .meta({ id: "User" });

export const signupResponse = z.object({ user: userResponse, account: accountResponse });

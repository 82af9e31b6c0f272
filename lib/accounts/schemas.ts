import { z } from "zod";

export const ACCOUNT_KINDS = ["advertiser", "affiliate"] as const;

export const signupInput = z.object({
  email: z.email("Enter a valid email address.").max(254).transform((v) => v.toLowerCase()),
  password: z.string().min(10, "Use at least 10 characters.").max(256),
  name: z.string().trim().min(1, "Tell us your name.").max(120),
  accountName: z.string().trim().min(1, "Name your company or brand.").max(120),
  accountKind: z.enum(ACCOUNT_KINDS, "Choose advertiser or affiliate."),
});
export type SignupInput = z.infer<typeof signupInput>;

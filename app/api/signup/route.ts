import { serializeAccount, serializeUser, signUp } from "@/lib/accounts/accounts";
import { signupInput } from "@/lib/accounts/schemas";
import { readJson } from "@/lib/api/body";
import { withPublic } from "@/lib/api/handlers";
import { clientIp, limitSignUp } from "@/lib/api/rate-limit";
import { otherMethods } from "@/lib/api/not-found";

// POST /api/signup — a new person and the account they own (public)
export const POST = withPublic(async (req) => {
  await limitSignUp(clientIp(req.headers));
  const input = await readJson(req, signupInput);
  const { user, account } = await signUp(input);
  return Response.json({ user: serializeUser(user), account: serializeAccount(account) }, { status: 201 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");

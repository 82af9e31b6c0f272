import type { NextRequest } from "next/server";
import { handlers } from "@/auth";
import { errorResponse } from "@/lib/api/errors";
import { clientIp, limitSignIn } from "@/lib/api/rate-limit";

export const { GET } = handlers;

// POST /api/auth/callback/credentials — sign-in attempts per email and address are counted
// before next-auth runs, so a guessing client gets 429 in the API envelope. Every other
// next-auth POST (sign-out, …) passes straight through.
export async function POST(req: NextRequest): Promise<Response> {
  if (new URL(req.url).pathname.endsWith("/callback/credentials")) {
    try {
      await limitSignIn(await readEmail(req), clientIp(req.headers));
    } catch (err) {
      return errorResponse(err);
    }
  }
  return handlers.POST(req);
}

// next-auth reads the body itself, so read a clone; it accepts JSON or a form, as here.
async function readEmail(req: NextRequest): Promise<string> {
  try {
    const text = await req.clone().text();
    if (req.headers.get("content-type")?.includes("application/json")) {
      const body: unknown = JSON.parse(text);
      const email = body && typeof body === "object" && "email" in body ? body.email : "";
      return typeof email === "string" ? email : "";
    }
    return new URLSearchParams(text).get("email") ?? "";
  } catch {
    return "";
  }
}

import type { NextRequest } from "next/server";
import { serve } from "inngest/next";
import { ApiError, errorResponse } from "@/lib/api/errors";
import { getConfig } from "@/lib/config";
import { functions, inngest } from "@/inngest";

// Inngest calls this endpoint to run the delivery functions (WEBHOOK_ENGINE=inngest). On the
// embedded engine there is nothing to serve: a 404 in the error envelope says so, where the SDK
// would answer a bare 500 ("cloud mode but no signing key").
const handlers = serve({ client: inngest, functions });

type InngestHandler = (req: NextRequest, ctx: unknown) => Promise<Response>;

function whenInngestEngine(handler: InngestHandler): InngestHandler {
  return async (req, ctx) => {
    const { engine } = getConfig();
    if (engine === "inngest") return handler(req, ctx);
    return errorResponse(
      new ApiError(
        "not_found",
        `The Inngest engine is not enabled on this server (WEBHOOK_ENGINE=${engine}): deliveries run in the embedded worker, so /api/inngest serves nothing.`,
      ),
    );
  };
}

export const GET = whenInngestEngine(handlers.GET);
export const POST = whenInngestEngine(handlers.POST);
export const PUT = whenInngestEngine(handlers.PUT);

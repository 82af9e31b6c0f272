import { serve } from "inngest/next";
import { functions, inngest } from "@/inngest";

// Inngest calls this endpoint to run the delivery functions (WEBHOOK_ENGINE=inngest).
export const { GET, POST, PUT } = serve({ client: inngest, functions });

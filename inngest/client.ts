import { Inngest } from "inngest";

// The Inngest client. It reads INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY / INNGEST_DEV itself when
// it sends or serves, never at import, so `next build` and the embedded engine need none of them.
export const inngest = new Inngest({ id: "partnersmy-webhooks" });

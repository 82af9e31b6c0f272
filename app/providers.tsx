"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { setNonce } from "get-nonce";
import { z } from "zod";

// zod compiles object parsers with `new Function` where it may, and probes for that by trying
// it: under the pages' CSP (no 'unsafe-eval', lib/security/headers.ts) the probe is reported as
// a violation. The browser parses without it; the server keeps the compiled parsers.
if (typeof window !== "undefined") z.config({ jitless: true });

// The dialogs' scroll lock (Radix, through react-style-singleton) injects a <style> element: it
// must carry the page's CSP nonce, which Next put on its own scripts.
if (typeof document !== "undefined") {
  const nonce = document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce;
  if (nonce) setNonce(nonce);
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1 } } }));
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

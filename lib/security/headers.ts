// The security headers (issue 10, item 6), decided here and applied in two places:
// - STATIC_SECURITY_HEADERS by next.config.ts on every response, API and static files included;
// - the Content-Security-Policy (a fresh nonce per page) and HSTS by proxy.ts on every page.
// No imports: next.config.ts loads this file too.

/** The same on every response. Framing is refused twice: X-Frame-Options for old browsers, frame-ancestors for the rest. */
export const STATIC_SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];

// One year, this host only: the app may live on a subdomain of a company domain whose other
// hosts are not all on https yet, so includeSubDomains is the operator's call (at their proxy).
export const HSTS = "max-age=31536000";

/**
 * A strict policy: scripts run only with this response's nonce (Next.js puts it on its own
 * inline and chunk scripts when it finds it in the request's CSP header) or when loaded by one
 * ('strict-dynamic'); no plugins, no <base>, forms post only here, nobody may frame the page.
 * Development adds what React's dev tooling and Next's error overlay need (eval, inline styles).
 */
export function contentSecurityPolicy(nonce: string, opts: { dev: boolean; https: boolean }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    // A nonce in style-src disables 'unsafe-inline', so dev gets the latter instead of the former.
    `style-src 'self' ${opts.dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // Only over https: on plain http (dev, tests on loopback) it would upgrade same-origin requests too.
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** 128 random bits, base64: unguessable, and new for every response. */
export function createNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

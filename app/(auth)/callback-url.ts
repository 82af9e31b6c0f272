/**
 * Where to go after signing in: only a path on this site (never another origin, so the
 * sign-in page cannot be used as an open redirect), defaulting to the dashboard.
 */
export function safeCallbackPath(raw: string | null | undefined): string {
  if (!raw) return "/dashboard";
  try {
    const base = "http://internal.invalid";
    const url = new URL(raw, base);
    const path = `${url.pathname}${url.search}${url.hash}`;
    // Absolute URLs pointing elsewhere keep only their path, which must be ours.
    if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/sign-in") || path.startsWith("/sign-up")) {
      return "/dashboard";
    }
    return path;
  } catch {
    return "/dashboard";
  }
}

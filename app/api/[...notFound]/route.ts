import { noSuchRoute } from "@/lib/api/not-found";

// Any method on a path under /api that no route serves: 404 in the JSON envelope, not Next's HTML page.
export const GET = noSuchRoute;
export const HEAD = noSuchRoute;
export const OPTIONS = noSuchRoute;
export const POST = noSuchRoute;
export const PUT = noSuchRoute;
export const PATCH = noSuchRoute;
export const DELETE = noSuchRoute;

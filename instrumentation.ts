// Next.js calls register() once per server process. Only the Node runtime starts anything, and
// never the build: `next build` must succeed with no database and no secrets (preview deploys).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startServer } = await import("@/lib/server/start");
  await startServer();
}

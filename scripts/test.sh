#!/usr/bin/env bash
# npm test — every test: types, unit + integration (PGlite always; PostgreSQL too when
# DATABASE_URL is set), a production build, then Playwright e2e (API and dashboard) against it.
set -euo pipefail
cd "$(dirname "$0")/.."

# A browser first: without one, one sentence on how to install it, before anything runs.
node --import tsx scripts/check-browser.mts
echo "── typecheck"
npx tsc --noEmit
echo "── vitest (PGlite${DATABASE_URL:+ and PostgreSQL})"
npx vitest run
echo "── next build"
npx next build
echo "── playwright (api, dashboard)"
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  E2E_DATABASE_URL=$(npx tsx scripts/create-e2e-database.mts)
  export E2E_DATABASE_URL
fi
npx playwright test

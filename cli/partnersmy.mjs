#!/usr/bin/env node
// The `partnersmy` bin. Plain JavaScript so any `node`/`npx` runs it with no build step; it loads
// the TypeScript CLI through tsx (a dependency), which lets the CLI sign with the product's own
// lib/webhooks/signing.ts instead of a second copy of the signing code.
import { tsImport } from "tsx/esm/api";

const { main } = await tsImport("./main.ts", import.meta.url);
process.exitCode = await main(process.argv);

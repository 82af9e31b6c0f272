// The first step of `npm test`: without a Chromium for the browser tests, say how to install one
// and stop before anything else runs.
import { findChromium, MISSING_CHROMIUM } from "@/lib/testing/chromium";

if (!findChromium()) {
  console.error(MISSING_CHROMIUM);
  process.exit(1);
}

// Shared by the browser scripts: Chromium as every run launches it, and a
// bounded wait for a condition.
import { chromium } from "playwright-core";

// launchChromium starts Debian's headless Chromium (or $CHROMIUM) with
// software WebGL, and without the timer and renderer throttling that
// would slow a page the test is not looking at.
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--enable-unsafe-swiftshader",
      "--disable-background-timer-throttling",
      "--disable-renderer-backgrounding",
      "--disable-backgrounding-occluded-windows",
    ],
  });
}

// waitFor polls cond every 10 ms until it holds, and throws after ms.
export async function waitFor(what, ms, cond) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Shared by the browser scripts: Chromium as every run launches it, the
// console lines that fail a run, and a bounded wait for a condition.
import { chromium } from "playwright-core";

// launchChromium starts Debian's headless Chromium (or $CHROMIUM) with
// software WebGL, and without the timer and renderer throttling that
// would slow a page the test is not looking at.
//
// --use-angle=swiftshader runs WebGL on ANGLE's SwiftShader backend, which
// Chromium composites on its (software) GPU process as it does a real
// GPU's. Without it, a headless Chromium composites in software: it reads
// every WebGL frame back with a synchronous ReadPixels ("GPU stall due to
// ReadPixels" in the console), which blocks the page's only thread for the
// whole software draw of each frame, so socket messages wait ~100 ms
// behind frames and the page's PING shows that wait, not the network.
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
      "--use-angle=swiftshader",
      "--disable-background-timer-throttling",
      "--disable-renderer-backgrounding",
      "--disable-backgrounding-occluded-windows",
    ],
  });
}

// Console lines that fail a run whatever their level: the game reading
// pixels back (a GPU stall), and a send on a socket that is closing.
const forbidden = [/GPU stall due to ReadPixels/, /WebSocket is already in CLOSING or CLOSED state/];

// watchConsole logs the console of the page and of its workers with log,
// and pushes onto errors (each line prefixed with label) every console
// error unless allowed(text) says it is expected, every forbidden line,
// and every uncaught page error. It also counts the page's own WebGL
// readPixels calls (pixelReads(page) reads the count): the game must never
// read pixels back; the test's screenshots do not go through it.
export async function watchConsole(page, { errors, log, label = "", allowed = () => false }) {
  const prefix = label ? label + " " : "";
  const onConsole = (where) => (m) => {
    const line = `${prefix}${where}console.${m.type()}: ${m.text()}`;
    log(line);
    if (forbidden.some((re) => re.test(m.text())) || (m.type() === "error" && !allowed(m.text()))) {
      errors.push(line);
    }
  };
  page.on("console", onConsole(""));
  // The game's socket runs in a Web Worker: its console counts too.
  page.on("worker", (w) => w.on("console", onConsole("worker ")));
  page.on("pageerror", (e) => {
    const line = `${prefix}page error: ${e.message || e}`;
    log(line);
    errors.push(line);
  });
  await page.addInitScript(() => {
    window.skirmishPixelReads = 0;
    for (const C of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
      if (!C) continue;
      const read = C.prototype.readPixels;
      C.prototype.readPixels = function (...args) {
        window.skirmishPixelReads++;
        return read.apply(this, args);
      };
    }
  });
}

// pixelReads is how many times the page called WebGL's readPixels.
export const pixelReads = (page) => page.evaluate(() => window.skirmishPixelReads || 0);

// waitFor polls cond every 10 ms until it holds, and throws after ms.
export async function waitFor(what, ms, cond) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Browser end-to-end run of Skirmish's web client, driven by the Go test
// in this directory (browser_test.go), which serves the client and checks
// through the game server what the browser's player did.
//
//   node e2e/play.mjs BASE_URL SCREENSHOT.png PLAYER_NAME
//
// 1. Timing: a fresh browser context (empty cache) opens BASE_URL/?join=1
//    and waits for the first frame that shows a snapshot: the time from
//    navigation to that frame is the page-load figure.
// 2. Play: another fresh context opens BASE_URL/?name=PLAYER_NAME, waits for
//    the menu, presses Enter (Play), waits until the match is on screen,
//    then holds W and clicks (fires) for a few seconds, and saves a
//    screenshot; then presses Esc twice (leave, confirmed) and waits for
//    the menu.
// Any console error or page error fails the run, and so do the lines
// chromium.mjs forbids (a ReadPixels stall, a send on a closing socket)
// and any readPixels call of the page's own. The result is one JSON
// line on stdout; progress goes to stderr.
import { launchChromium, pixelReads, watchConsole } from "./chromium.mjs";

const [base, shotPath, name] = process.argv.slice(2);
if (!base || !shotPath || !name) {
  console.error("usage: node e2e/play.mjs BASE_URL SCREENSHOT.png PLAYER_NAME");
  process.exit(2);
}
const log = (...a) => console.error("[e2e]", ...a);
const errors = [];
const result = { ok: false, errors };

const browser = await launchChromium();

async function newPage(label) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await ctx.newPage();
  await watchConsole(page, { errors, log, label });
  page.on("requestfailed", (r) => log(`${label} request failed: ${r.url()} ${r.failure()?.errorText}`));
  return { ctx, page };
}

const phase = (page) => page.evaluate(() => window.skirmish && window.skirmish.phase);

try {
  // 1. Page load → first rendered snapshot, cold cache.
  {
    const { ctx, page } = await newPage("timing");
    await page.goto(`${base}/?join=1&name=e2e-timing`, { waitUntil: "load" });
    await page.waitForFunction(() => window.skirmish && window.skirmish.firstFrameAt, null, { timeout: 90000 });
    result.timing = await page.evaluate(() => {
      const wasm = performance.getEntriesByType("resource").find((r) => r.name.includes(".wasm"));
      return {
        firstFrameMs: Math.round(window.skirmish.firstFrameAt),
        readyMs: Math.round(window.skirmishLoad.readyAt),
        compiledMs: Math.round(window.skirmishLoad.compiledAt),
        wasmTransferBytes: wasm ? wasm.transferSize : 0,
        wasmEncodedBytes: wasm ? wasm.encodedBodySize : 0,
        wasmDecodedBytes: wasm ? wasm.decodedBodySize : 0,
        wasmDownloadMs: wasm ? Math.round(wasm.responseEnd - wasm.startTime) : 0,
      };
    });
    log("timing", JSON.stringify(result.timing));
    await ctx.close();
  }

  // 2. Play through the menu.
  const { ctx, page } = await newPage("play");
  await page.goto(`${base}/?name=${encodeURIComponent(name)}`, { waitUntil: "load" });
  await page.waitForFunction(() => window.skirmish && window.skirmish.phase === "menu", null, { timeout: 90000 });
  await page.waitForTimeout(300); // a few frames of the menu
  log("menu shown; pressing Enter");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => window.skirmish.phase === "playing" && window.skirmish.firstFrameAt, null, { timeout: 30000 });
  result.player = await page.evaluate(() => window.skirmish.player);
  log("playing as player", result.player);

  // Aim to the right of the screen's centre (where the player is), hold
  // W and click now and then.
  await page.mouse.move(900, 330);
  await page.keyboard.down("w");
  const until = Date.now() + 3000;
  let clicks = 0;
  while (Date.now() < until) {
    await page.mouse.down();
    await page.waitForTimeout(90);
    await page.mouse.up();
    await page.waitForTimeout(160);
    clicks++;
  }
  await page.keyboard.up("w");
  result.clicks = clicks;
  await page.waitForTimeout(150);
  await page.screenshot({ path: shotPath });
  result.phaseAfter = await phase(page);

  // Leave: Esc asks, Esc again confirms; the socket closes with no send
  // on it after (Chromium would log one).
  await page.keyboard.press("Escape");
  await page.waitForTimeout(300);
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => window.skirmish.phase === "menu", null, { timeout: 10000 });
  await page.waitForTimeout(1000);
  result.phaseLeft = await phase(page);
  const reads = await pixelReads(page);
  if (reads > 0) errors.push(`the page read pixels back ${reads} times`);
  result.ok = errors.length === 0 && result.phaseAfter === "playing";
  await ctx.close();
} catch (e) {
  errors.push(`driver: ${e.message || e}`);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(result.ok ? 0 : 1);

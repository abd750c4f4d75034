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
//    screenshot.
// Any console error or page error fails the run. The result is one JSON
// line on stdout; progress goes to stderr.
import { launchChromium } from "./chromium.mjs";

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
  page.on("console", (m) => {
    const line = `${label} console.${m.type()}: ${m.text()}`;
    log(line);
    if (m.type() === "error") errors.push(line);
  });
  page.on("pageerror", (e) => {
    const line = `${label} page error: ${e.message || e}`;
    log(line);
    errors.push(line);
  });
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
  result.ok = errors.length === 0 && result.phaseAfter === "playing";
  await ctx.close();
} catch (e) {
  errors.push(`driver: ${e.message || e}`);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(result.ok ? 0 : 1);

// Browser run of a spectator, driven by spectate_test.go: the page opens
// BASE_URL/?spectate=MATCH, shows the running match (delayed, no player of
// its own) and takes a screenshot once it has drawn a few seconds of it.
//
//   node e2e/spectate.mjs BASE_URL SCREENSHOT.png MATCH
//
// Prints one JSON line: {ok, errors, phases, player, match}.
import { launchChromium, pixelReads, watchConsole } from "./chromium.mjs";

const [base, shotPath, match] = process.argv.slice(2);
const log = (...a) => console.error("[e2e]", ...a);
const errors = [];
const result = { ok: false, errors, phases: [] };
const browser = await launchChromium();
try {
  const ctx = await browser.newContext({ viewport: { width: 960, height: 540 } });
  const page = await ctx.newPage();
  await watchConsole(page, { errors, log });
  await page.exposeFunction("skirmishPhase", (p) => {
    result.phases.push(p);
    log("phase", p);
  });
  await page.goto(`${base}/?spectate=${encodeURIComponent(match)}`, { waitUntil: "load" });
  await page.waitForFunction(() => window.skirmish && window.skirmish.phase === "playing", null, { timeout: 60000 });
  Object.assign(result, await page.evaluate(() => ({ player: window.skirmish.player, match: window.skirmish.match })));
  await page.waitForTimeout(1500);
  await page.screenshot({ path: shotPath });
  const reads = await pixelReads(page);
  if (reads > 0) errors.push(`the page read pixels back ${reads} times`);
  result.ok = errors.length === 0;
  await ctx.close();
} catch (e) {
  errors.push(`driver: ${e.message || e}`);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(result.ok ? 0 : 1);

// Browser run against a server that admits players only through its
// matchmaker (as `skirmish serve` does by default): the page joins at once
// (?join=1), is refused a direct seat, queues, waits on the waiting screen
// and plays once the Go test's second player has queued too. The page
// creates the file SIGNAL (an environment variable) once it shows the
// waiting screen: the Go test queues its player then.
//
//   SIGNAL=/path node e2e/queue.mjs BASE_URL SCREENSHOT.png PLAYER_NAME
//
// Prints one JSON line: {ok, errors, phases, player, match}.
import { writeFileSync } from "node:fs";
import { launchChromium, pixelReads, watchConsole } from "./chromium.mjs";

const [base, shotPath, name] = process.argv.slice(2);
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
    if (p === "waiting") writeFileSync(process.env.SIGNAL, "waiting\n");
  });
  await page.goto(`${base}/?join=1&name=${encodeURIComponent(name)}`, { waitUntil: "load" });
  await page.waitForFunction(() => window.skirmish && window.skirmish.phase === "playing", null, { timeout: 60000 });
  Object.assign(result, await page.evaluate(() => ({ player: window.skirmish.player, match: window.skirmish.match })));
  await page.waitForTimeout(500);
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

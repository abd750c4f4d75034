// Browser run of a server restart, driven by restart_test.go: the page
// joins at once (?join=1) as PLAYER_NAME, queues and plays; once playing
// it creates the file SIGNAL (an environment variable), and the Go test
// restarts the server on the same address. From then on nothing is
// pressed: the page must tell the player in plain words what happened,
// queue again and play a new match by itself.
//
//   SIGNAL=/path node e2e/restart.mjs BASE_URL SCREENSHOT.png PLAYER_NAME
//
// SCREENSHOT.png is the match before the restart, SCREENSHOT-notice.png
// the waiting screen after it. Prints one JSON line: {ok, errors, player,
// match, signalAt, phases: [{phase, at}], noticeShot, notice: {phase,
// match, player, notice, error}, again: {…}, texts (every notice and error
// sentence the page showed)}, times in ms since the epoch. Console errors fail the run, except Chromium's own report of a
// dial refused while the server is down.
import { writeFileSync } from "node:fs";
import { launchChromium, pixelReads, waitFor, watchConsole } from "./chromium.mjs";

const [base, shotPath, name] = process.argv.slice(2);
const signal = process.env.SIGNAL;
const log = (...a) => console.error("[e2e]", new Date().toISOString().slice(11, 23), ...a);
const errors = [];
const result = { ok: false, errors, phases: [] };
let restarting = false;
const browser = await launchChromium();


try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await ctx.newPage();
  // While the server restarts, Chromium logs each refused dial
  // ("WebSocket connection to … failed: …"): the client's resume
  // attempts, expected.
  await watchConsole(page, { errors, log,
    allowed: (text) => restarting && /^WebSocket connection to .* failed/.test(text) });
  await page.exposeFunction("skirmishPhase", (phase) => {
    result.phases.push({ phase, at: Date.now() });
    log("phase", phase);
  });
  // Every sentence the page put on screen for the player (the waiting
  // screen's notice, the menu's error), as the game exposes them.
  result.texts = [];
  const skirmish = async () => {
    const s = await page.evaluate(() => {
      const s = window.skirmish || {};
      return { phase: s.phase, player: s.player, match: s.match, notice: s.notice || "", error: s.error || "" };
    });
    for (const t of [s.notice, s.error]) if (t && !result.texts.includes(t)) result.texts.push(t);
    return s;
  };

  await page.goto(`${base}/?join=1&name=${encodeURIComponent(name)}`, { waitUntil: "load" });
  await waitFor("the first match", 60000, async () => (await skirmish()).phase === "playing");
  Object.assign(result, await skirmish());
  log("playing as player", result.player, "in match", result.match);
  await page.screenshot({ path: shotPath });

  // The Go test restarts the server now.
  restarting = true;
  const seen = result.phases.length;
  result.signalAt = Date.now();
  writeFileSync(signal, "playing\n");

  // The requeue: the waiting screen, with the notice.
  await waitFor("the waiting screen after the restart", 20000,
    () => result.phases.slice(seen).some((p) => p.phase === "waiting"));
  result.noticeShot = shotPath.replace(/\.png$/, "-notice.png");
  await page.screenshot({ path: result.noticeShot });
  result.notice = await skirmish();
  log("waiting screen", JSON.stringify(result.notice), result.noticeShot);

  // Playing a new match, untouched.
  await waitFor("a new match", 20000, async () => {
    const s = await skirmish();
    return s.phase === "playing" && s.match && s.match !== result.match;
  });
  result.again = await skirmish();
  restarting = false;
  log("playing again", JSON.stringify(result.again));
  await page.screenshot({ path: shotPath.replace(/\.png$/, "-again.png") });
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

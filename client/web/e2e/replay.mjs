// Browser run of the replay viewer, driven by replay_test.go: the page
// opens REPLAY_URL (?replay=…, a recording the server serves at
// /replays/) or, without it, the newest recording of the menu's REPLAYS
// list (Tab to the button, Enter, Enter; a screenshot of the list beside
// SCREENSHOT.png), and the script checks through window.skirmish.replay that
// it plays (the tick advances), pauses (Space), seeks (→ and ← move
// exactly 5 s while paused), changes speed (] and [, and at 2× a second
// moves about twice as many ticks), follows players (Tab, 2) and frees
// the camera (F), then saves a screenshot while following a player; from
// the menu, Esc then leaves the viewer for the menu.
//
//   [REPLAY_URL=/replays/NAME] node e2e/replay.mjs BASE_URL SCREENSHOT.png NAME
//
// Prints one JSON line: {ok, errors, ticks, tickRate, steps: [{what, ms,
// before, after}], loadMs, shot, fromMenu, listShot, left}. Console errors fail the run, as do the
// lines chromium.mjs forbids.
import { launchChromium, waitFor, watchConsole } from "./chromium.mjs";

const [base, shotPath] = process.argv.slice(2);
const replayURL = process.env.REPLAY_URL;
const log = (...a) => console.error("[e2e]", new Date().toISOString().slice(11, 23), ...a);
const errors = [];
const result = { ok: false, errors, steps: [] };
const browser = await launchChromium();

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await watchConsole(page, { errors, log });
  // Each key is held over a few of the game's updates (60 a second), so
  // its press is seen however the page's frames fall.
  const press = async (key) => { await page.keyboard.press(key, { delay: 60 }); await page.waitForTimeout(40); };
  const replay = () => page.evaluate(() => ({ ...(window.skirmish && window.skirmish.replay) }));
  const start = Date.now();
  result.fromMenu = !replayURL;
  if (replayURL) {
    await page.goto(`${base}/?replay=${encodeURIComponent(replayURL)}`, { waitUntil: "load" });
  } else {
    await page.goto(`${base}/`, { waitUntil: "load" });
    await page.waitForFunction(() => window.skirmish && window.skirmish.phase === "menu", null, { timeout: 90000 });
    await page.waitForTimeout(300); // a few frames of the menu
    // The page's keys go to the canvas once it has the focus (a click in
    // a corner, on no button); then Tab to REPLAYS and Enter opens the
    // list. Each step waits for the menu to show it took the key
    // (window.skirmish.menu): on a loaded machine a frame can take longer
    // than a key is held, and a press the game did not see is pressed
    // again.
    const menu = () => page.evaluate(() => ({ ...(window.skirmish && window.skirmish.menu) }));
    await page.mouse.click(4, 4);
    await waitFor("the focus on REPLAYS", 30000, async () => {
      if ((await menu()).focus === "replays") return true;
      await press("Tab");
      await page.waitForTimeout(150);
      return (await menu()).focus === "replays";
    });
    await waitFor("the REPLAYS list to open", 30000, async () => {
      if ((await menu()).list === "replays") return true;
      await press("Enter");
      await page.waitForTimeout(150);
      return (await menu()).list === "replays";
    });
    await page.waitForTimeout(1000); // the list read and drawn
    result.listShot = shotPath.replace(/\.png$/, "-list.png");
    await page.screenshot({ path: result.listShot });
    // Enter opens the selected (newest) recording, once the list is read.
    await waitFor("the list's recording to open", 30000, async () => {
      if ((await replay()).loading !== undefined) return true;
      await press("Enter");
      await page.waitForTimeout(200);
      return false;
    });
  }
  await waitFor("the recording to load", 60000, async () => {
    const r = await replay();
    if (r.error) throw new Error("the page could not play the recording: " + r.error);
    return r.ticks > 0 && !r.loading;
  });
  result.loadMs = Date.now() - start;
  let r = await replay();
  result.ticks = r.ticks;
  result.players = r.players;
  log("loaded in", result.loadMs, "ms:", JSON.stringify(r));
  const step = async (what, fn, check) => {
    const before = await replay();
    const t0 = Date.now();
    await fn();
    let after;
    await waitFor(what, 10000, async () => check(before, (after = await replay())));
    const s = { what, ms: Date.now() - t0, before, after };
    result.steps.push(s);
    log(what, "in", s.ms, "ms:", JSON.stringify(before), "→", JSON.stringify(after));
    return s;
  };
  const second = 60; // ticks a second, the arena's rate

  // It plays at once: the tick advances.
  await step("playing", () => page.waitForTimeout(1000), (b, a) => a.playing && a.tick >= b.tick + second / 2);
  // The players join one a tick from tick 1: by now all are in.
  result.players = (await replay()).players;
  // Space pauses; a paused replay stays put.
  await step("pause", () => press("Space"), (b, a) => !a.playing);
  const paused = (await replay()).tick;
  await page.waitForTimeout(300);
  if ((await replay()).tick !== paused) throw new Error("a paused replay moved");
  // Seeks: exactly 5 s each way while paused (clamped at the ends).
  await step("seek +5 s", () => press("ArrowRight"), (b, a) => a.tick === Math.min(b.tick + 5 * second, b.ticks));
  await step("seek -5 s", () => press("ArrowLeft"), (b, a) => a.tick === Math.max(b.tick - 5 * second, 1));
  // Speeds: ] twice is 4×, [ three times 0.5×, ] once 1×, ] again 2×.
  await step("speed 2×", () => press("BracketRight"), (b, a) => a.speed === 2);
  await step("speed 4×", () => press("BracketRight"), (b, a) => a.speed === 4);
  await step("speed 0.5×", async () => { for (let i = 0; i < 3; i++) await press("BracketLeft"); }, (b, a) => a.speed === 0.5);
  await step("speed 2× again", async () => { for (let i = 0; i < 2; i++) await press("BracketRight"); }, (b, a) => a.speed === 2);
  // At 2×, a second of play moves about two seconds of match.
  await press("Space");
  const t0 = (await replay()).tick, w0 = Date.now();
  await page.waitForTimeout(1000);
  const t1 = (await replay()).tick, w1 = Date.now();
  result.ticksPerSecondAt2x = ((t1 - t0) * 1000) / (w1 - w0);
  log("at 2×:", t1 - t0, "ticks in", w1 - w0, "ms");
  // The camera: Tab follows the next player, 2 the second, F frees it.
  await step("follow next", () => press("Tab"), (b, a) => a.follow !== b.follow && a.follow > 0);
  await step("follow the second", () => press("Digit2"), (b, a) => a.follow === 2 && a.followName !== "");
  await step("free camera", () => press("KeyF"), (b, a) => a.follow === 0);
  await step("follow again", () => press("Digit3"), (b, a) => a.follow === 3);
  await page.waitForTimeout(500); // a few frames of the followed player
  result.shot = shotPath;
  await page.screenshot({ path: shotPath });
  result.final = await replay();
  if (result.fromMenu) {
    // Esc leaves the viewer, back to the list (the page shows the menu's
    // phase again).
    await press("Escape");
    await waitFor("the menu after Esc", 10000, async () => page.evaluate(() => window.skirmish.phase === "menu"));
    result.left = true;
  }
  result.ok = errors.length === 0;
} catch (e) {
  errors.push(String(e && e.stack || e));
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));

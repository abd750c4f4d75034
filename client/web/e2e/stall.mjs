// Browser run of a flaky network, driven by stall_test.go: the page joins
// BASE_URL's match directly (?join=1) as PLAYER_NAME and plays; then, for
// each outage of OUTAGES (milliseconds, comma-separated; default 3000,8000),
// the network is cut with the page's socket left open (playwright's
// context.setOffline: DevTools' Network.emulateNetworkConditions offline
// for the page and its workers), a screenshot of the stalled screen is
// taken, the network comes back and the page holds a movement key, as a
// player would, until its WebSocket receives frames again.
//
//   node e2e/stall.mjs BASE_URL SCREENSHOT.png PLAYER_NAME
//
// SCREENSHOT.png is the page before any outage, SCREENSHOT-f3.png its
// developer panel (F3: PING…); SCREENSHOT-3s.png etc. are taken 1.5 s
// into each outage, and SCREENSHOT-8s-reconnecting.png 4.5 s into outages
// of 5 s or more. Prints one JSON line: {ok, errors, player, match,
// pingShot, pings (the HUD's PING in ms, read 20 times over 2 s before the
// outages), outages: [{ms, offAt, onAt, backAt, shot, reconnectShot,
// framesDuring, closedByOutage, opened, closed, phase, player, match}]},
// times in ms since the epoch. Console errors fail the run, except
// Chromium's own report of a dial failing while the network is off; so do
// the lines chromium.mjs forbids and any readPixels call of the page's.
import { launchChromium, pixelReads, waitFor, watchConsole } from "./chromium.mjs";

const [base, shotPath, name] = process.argv.slice(2);
const outages = (process.env.OUTAGES || "3000,8000").split(",").map(Number);
const log = (...a) => console.error("[e2e]", new Date().toISOString().slice(11, 23), ...a);
const errors = [];
const result = { ok: false, errors, method: "context.setOffline", outages: [] };
const browser = await launchChromium();

// What the page's WebSockets do, as playwright reports them: the client's
// socket lives in a Web Worker, which playwright follows too. current is
// the socket opened last: the one the client plays on, or dials. Frames
// on an older one are a given-up socket's backlog, delivered as the
// network comes back while it closes.
const ws = { opened: 0, closed: 0, frames: 0, current: 0, currentFrameAt: 0 };
let isOffline = false;


try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await ctx.newPage();
  // Chromium itself logs each dial that fails while the network is off
  // ("WebSocket connection to … failed: … ERR_INTERNET_DISCONNECTED"):
  // the client's resume attempts, expected.
  await watchConsole(page, { errors, log,
    allowed: (text) => isOffline && text.includes("ERR_INTERNET_DISCONNECTED") });
  page.on("websocket", (s) => {
    const id = ++ws.opened;
    ws.current = id;
    log("websocket opened", id, s.url());
    s.on("framereceived", () => {
      ws.frames++;
      if (ws.current === id) ws.currentFrameAt = Date.now();
    });
    s.on("socketerror", (e) => log("websocket error", id, e));
    s.on("close", () => { ws.closed++; log("websocket closed", id); });
  });
  // DevTools' Network.emulateNetworkConditions offline, sent by playwright
  // to the page and to its workers (the socket's).
  const offline = (off) => ctx.setOffline(off);
  const skirmish = () => page.evaluate(() => ({ ...window.skirmish }));

  await page.goto(`${base}/?join=1&name=${encodeURIComponent(name)}`, { waitUntil: "load" });
  await waitFor("the match", 60000, async () => (await skirmish()).phase === "playing");
  Object.assign(result, await page.evaluate(() => ({ player: window.skirmish.player, match: window.skirmish.match })));
  result.firstSocket = ws.current;
  log("playing as player", result.player, "in match", result.match);
  await page.mouse.move(640, 360);
  await page.screenshot({ path: shotPath });
  // The developer panel's PING, for the report: F3 on, a screenshot, off.
  await page.keyboard.press("F3");
  await page.waitForTimeout(1000); // the panel's figures settle
  result.pingShot = shotPath.replace(/\.png$/, "-f3.png");
  await page.screenshot({ path: result.pingShot, clip: { x: 0, y: 0, width: 480, height: 120 } });
  await page.keyboard.press("F3");
  // The PING the HUD shows (window.skirmish.ping, ms), read every 100 ms
  // for 2 s, for the test to hold against a Go client's round trip.
  result.pings = [];
  for (let i = 0; i < 20; i++) {
    result.pings.push(await page.evaluate(() => window.skirmish.ping));
    await page.waitForTimeout(100);
  }
  log("PING shown:", result.pings.join(" "));

  let keys = ["d", "a"];
  for (const [i, ms] of outages.entries()) {
    // Play a little: frames flow.
    const before = ws.frames;
    await waitFor("snapshots before the outage", 5000, () => ws.frames > before + 20);
    const o = { ms, opened: ws.opened, closed: ws.closed };
    const closedBefore = ws.closed;
    isOffline = true; // until frames flow again
    await offline(true);
    o.offAt = Date.now();
    log(`network off for ${ms} ms`);
    // A frame already on its way may still land; none after that.
    await page.waitForTimeout(250);
    const framesAtOff = ws.frames;
    // The stall shows after ~500 ms without snapshots; the client gives
    // the socket up for a resume at ~2.5 s.
    await page.waitForTimeout(Math.max(0, o.offAt + 1500 - Date.now()));
    // Counted before the screenshot, which may take a while to render.
    o.framesDuring = ws.frames - framesAtOff;
    o.closedByOutage = ws.closed - closedBefore; // before the client gives the socket up
    o.shot = shotPath.replace(/\.png$/, `-${ms / 1000}s.png`);
    await page.screenshot({ path: o.shot });
    log(`stalled screenshot ${o.shot}; ${o.framesDuring} frames since the network went off; ${o.closedByOutage} sockets closed`);
    if (ms >= 5000) {
      // Past ~2.5 s the client has given the socket up and is resuming.
      await page.waitForTimeout(Math.max(0, o.offAt + 4500 - Date.now()));
      o.reconnectShot = shotPath.replace(/\.png$/, `-${ms / 1000}s-reconnecting.png`);
      await page.screenshot({ path: o.reconnectShot });
      log(`reconnecting screenshot ${o.reconnectShot}`);
    }
    await page.waitForTimeout(Math.max(0, o.offAt + ms - Date.now()));
    await offline(false);
    o.onAt = Date.now();
    log("network back");
    const key = keys[i % keys.length];
    await page.keyboard.down(key);
    await waitFor("frames after the network came back", 20000, () => ws.currentFrameAt > o.onAt);
    o.backAt = ws.currentFrameAt;
    isOffline = false;
    log(`frames again on socket ${ws.current} ${o.backAt - o.onAt} ms after the network came back`);
    // Hold the key long enough for the server to move the player.
    await page.waitForTimeout(1500);
    await page.keyboard.up(key);
    o.opened = ws.opened - o.opened;
    o.closed = ws.closed - o.closed;
    Object.assign(o, await page.evaluate(() => ({ phase: window.skirmish.phase, player: window.skirmish.player, match: window.skirmish.match })));
    result.outages.push(o);
  }
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

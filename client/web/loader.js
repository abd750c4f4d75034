// Skirmish loader: downloads the game's WebAssembly with a progress bar,
// compiles it while it streams in, starts it, and hides the loading screen
// once the game runs (the game calls window.skirmishReady()).
(() => {
  "use strict";
  const script = document.currentScript;
  const wasmURL = script.dataset.wasm;
  const fill = document.getElementById("fill");
  const status = document.getElementById("status");
  const loading = document.getElementById("loading");
  const t0 = performance.now();
  window.skirmishLoad = { startedAt: t0 };

  const mb = (n) => (n / 1e6).toFixed(1) + " MB";
  const show = (text, frac) => {
    status.textContent = text;
    if (frac === null) fill.classList.add("busy");
    else { fill.classList.remove("busy"); fill.style.width = (100 * Math.min(frac, 1)).toFixed(1) + "%"; }
  };
  const fail = (err) => {
    console.error("skirmish: failed to start:", err);
    status.classList.add("error");
    status.textContent = "Could not start the game: " + (err && err.message ? err.message : err);
    fill.classList.remove("busy");
  };

  window.skirmishReady = () => {
    window.skirmishLoad.readyAt = performance.now();
    loading.classList.add("done");
    setTimeout(() => loading.remove(), 400);
  };

  // A Response whose body counts the bytes going through it. With
  // Content-Encoding: gzip the browser hands over decoded bytes, so the
  // total is the decoded size the server reports in X-Decoded-Length.
  async function download() {
    const resp = await fetch(wasmURL);
    if (!resp.ok) {
      const text = (await resp.text()).trim().slice(0, 200);
      throw new Error(`${resp.status} ${resp.statusText}${text ? ": " + text : ""}`);
    }
    const total = Number(resp.headers.get("X-Decoded-Length")) ||
      (resp.headers.get("Content-Encoding") ? 0 : Number(resp.headers.get("Content-Length"))) || 0;
    if (!resp.body || !window.ReadableStream) return resp;
    let got = 0;
    const reader = resp.body.getReader();
    const counted = new ReadableStream({
      async pull(ctrl) {
        const { done, value } = await reader.read();
        if (done) { ctrl.close(); return; }
        got += value.byteLength;
        show(total ? `Downloading ${mb(got)} of ${mb(total)}` : `Downloading ${mb(got)}`, total ? got / total : null);
        ctrl.enqueue(value);
      },
      cancel(reason) { reader.cancel(reason); },
    });
    return new Response(counted, { headers: { "Content-Type": "application/wasm" } });
  }

  async function start() {
    if (!window.WebAssembly || !window.Go) throw new Error("this browser cannot run WebAssembly");
    const go = new Go();
    show("Downloading…", 0);
    const resp = await download();
    let result;
    if (WebAssembly.instantiateStreaming) {
      result = await WebAssembly.instantiateStreaming(resp, go.importObject);
    } else {
      result = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
    }
    window.skirmishLoad.compiledAt = performance.now();
    show("Starting…", null);
    go.run(result.instance).then(() => fail(new Error("the game exited")), fail);
  }

  start().catch(fail);
})();

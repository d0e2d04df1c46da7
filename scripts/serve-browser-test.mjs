// End-to-end test of `muster serve` in headless Chromium, driven through
// the DevTools protocol over a pipe (no packages needed):
//
//   node scripts/serve-browser-test.mjs MUSTER SCENARIO [KEY] [MOVES]
//
// Starts `MUSTER serve SCENARIO --port 0`, loads the page, clicks on the
// slider of KEY (default contributors.Turkey.veto) as a hand would, waits
// for the headline to change and checks it, and the key figures, against
// what `MUSTER run SCENARIO --set KEY=VALUE --trials N` prints and writes. Then moves the slider
// MOVES more times (default 15), each to a new value, and prints the
// median time from the change to the redrawn page; types a bad value and
// checks that it is refused beside the control and changes nothing; asks
// for more precision. Leaves a screenshot at $SCREENSHOT (default
// /tmp/muster-serve.png). Prints one line of JSON with the figures.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [muster, scenario, key = "contributors.Turkey.veto", movesArg = "15"] = process.argv.slice(2);
if (!muster || !scenario) {
  console.error("usage: node scripts/serve-browser-test.mjs MUSTER SCENARIO [KEY] [MOVES]");
  process.exit(2);
}
const moves = Number(movesArg);
const shot = process.env.SCREENSHOT || "/tmp/muster-serve.png";
const work = mkdtempSync(join(tmpdir(), "muster-serve-test-"));
const children = [];
let done = false;
let chrome = null;
const fail = async (message) => {
  console.error(`serve-browser-test: ${message}`);
  done = true;
  await cleanup();
  process.exit(1);
};
async function cleanup() {
  // Chromium closed as a user would, so that its helpers go too; killed if it will not.
  if (chrome && chrome.exitCode === null && chrome.signalCode === null) {
    const gone = new Promise((resolve) => chrome.once("exit", resolve));
    chrome.stdio[3].write(JSON.stringify({ id: 999999, method: "Browser.close" }) + "\0");
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      const gone = new Promise((resolve) => c.once("exit", resolve));
      c.kill("SIGKILL");
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
  }
  try {
    rmSync(work, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  } catch (e) {
    console.error(`serve-browser-test: could not remove ${work}: ${e.message}`);
  }
}
setTimeout(() => fail("timed out after 10 minutes"), 600_000).unref();

// The server, and its address from its first line.
const server = spawn(muster, ["serve", scenario, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
children.push(server);
const url = await new Promise((resolve, reject) => {
  let seen = "";
  server.stdout.on("data", (d) => {
    seen += d;
    const m = seen.match(/http:\/\/[^ ]+\//);
    if (m) resolve(m[0]);
  });
  server.on("exit", (code) => reject(new Error(`muster serve exited with ${code}`)));
}).catch((e) => fail(e.message));
const scenarioInfo = await (await fetch(`${url}api/scenario`)).json();

// Chromium, spoken to over fds 3 (commands) and 4 (answers and events).
chrome = spawn("/usr/bin/chromium", [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic", "--hide-scrollbars",
  `--user-data-dir=${join(work, "profile")}`, "--remote-debugging-pipe", "about:blank",
], { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
children.push(chrome);
let chromeLog = "";
chrome.stderr.on("data", (d) => { chromeLog = (chromeLog + d).slice(-4000); });
chrome.on("exit", (code) => { if (!done) fail(`chromium exited (${code}): ${chromeLog}`); });
let nextId = 1;
const waiting = new Map();
let buffer = Buffer.alloc(0);
chrome.stdio[4].on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  let end;
  while ((end = buffer.indexOf(0)) >= 0) {
    const msg = JSON.parse(buffer.subarray(0, end).toString("utf8"));
    buffer = buffer.subarray(end + 1);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) reject(new Error(JSON.stringify(msg.error)));
      else resolve(msg.result);
    }
  }
});
function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  chrome.stdio[3].write(JSON.stringify(msg) + "\0");
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}

const { targetId } = await send("Target.createTarget", { url: "about:blank" });
const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
const page = (method, params) => send(method, params, sessionId);
await page("Runtime.enable");
await page("Emulation.setDeviceMetricsOverride", { width: 1400, height: 1800, deviceScaleFactor: 1, mobile: false });
await page("Page.navigate", { url });

async function evaluate(expression) {
  const r = await page("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
  if (r.exceptionDetails) throw new Error(`${expression}: ${JSON.stringify(r.exceptionDetails)}`);
  return r.result.value;
}
async function waitFor(expression, ms, what) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await evaluate(expression).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  await fail(`waited ${ms} ms for ${what}`);
}

await waitFor("window.muster && window.muster.drawn >= 1", 120_000, "the first answer");
const control = `document.querySelector('.control[data-key="${key}"]')`;
if (!(await evaluate(`!!${control}`))) await fail(`no control for ${key}`);
await evaluate(`${control}.closest("details").open = true`);
await evaluate(`${control}.scrollIntoView({ block: "center" })`);

// Clicks on the slider at a fraction of its width, as a hand would.
async function moveTo(fraction) {
  const r = await evaluate(`(() => { const b = ${control}.querySelector('input[type=range]').getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; })()`);
  const x = r[0] + 8 + fraction * (r[2] - 16);
  const y = r[1] + r[3] / 2;
  const drawn = await evaluate("window.muster.drawn");
  await page("Input.dispatchMouseEvent", { type: "mousePressed", x, y, button: "left", clickCount: 1 });
  await page("Input.dispatchMouseEvent", { type: "mouseReleased", x, y, button: "left", clickCount: 1 });
  await waitFor(`window.muster.drawn > ${drawn} && document.body.classList.contains("busy") === false`, 120_000, `the answer after moving ${key}`);
  return evaluate(`${control}.querySelector('input[type=text]').value`);
}

const headline = () => evaluate("document.getElementById('headline').textContent");
const figure = (m) => evaluate(`document.getElementById('figure-${m}').dataset.value`);
const before = await headline();
const value = await moveTo(0.2);
const after = await headline();
if (after === before) await fail("the headline did not change");

// The same value through `muster run --set`.
const out = join(work, "run");
const printed = execFileSync(muster, ["run", scenario, "--set", `${key}=${value}`, "--trials", String(scenarioInfo.trials), "--out", out],
  { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "ignore"] }).toString();
// The headline muster run prints: the lines after the first, up to a blank one.
const lines = printed.split("\n");
const printedHeadline = lines.slice(1, lines.indexOf("", 1)).join(" ").replace(/\s+/g, " ").trim();
const summary = Object.fromEntries(readFileSync(join(out, "summary.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")).map((c) => [c[0], c[1]]));
for (const m of ["p_success", "mean_personnel", "personnel_p50"]) {
  const shown = await figure(m);
  if (shown !== summary[m]) await fail(`${m}: the page shows ${shown}, muster run --set ${key}=${value} gives ${summary[m]}`);
}
if (after.replace(/\s+/g, " ").trim() !== printedHeadline) await fail(`the headline is not muster run's:\n  page: ${after}\n  run:  ${printedHeadline}`);

// More moves, timed by the page; a value asked before (answered from the
// server's cache of recent runs) is left out of the timings.
const asked = new Set([value]);
const timings = [];
const serverTimes = [];
for (let i = 0; timings.length < moves && i < moves * 4; i++) {
  const start = await evaluate("window.muster.timings.length");
  const v = await moveTo(((i * 0.37) % 0.9) + 0.05);
  const t = (await evaluate("window.muster.timings")).slice(start);
  const st = (await evaluate("window.muster.server")).slice(start);
  if (!asked.has(v) && t.length === 1) {
    timings.push(t[0]);
    serverTimes.push(st[0]);
  }
  asked.add(v);
}
const middle = (xs) => { const v = [...xs].sort((a, b) => a - b); return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN; };
const median = middle(timings);
const serverRun = middle(serverTimes.map((t) => t.run));
const serverAnswer = middle(serverTimes.map((t) => t.answer));
const serverLoad = middle(serverTimes.map((t) => t.load));
const received = middle(serverTimes.map((t) => t.received));

// A bad value: refused beside its control; the answer stays.
const kept = await headline();
const good = await evaluate(`${control}.querySelector('input[type=text]').value`);
await evaluate(`(() => { const b = ${control}.querySelector('input[type=text]'); b.value = "1.3"; b.dispatchEvent(new Event("change")); })()`);
await waitFor(`${control}.querySelector('.msg').textContent.length > 0`, 30_000, "the refusal beside the control");
const message = await evaluate(`${control}.querySelector('.msg').textContent`);
if ((await headline()) !== kept) await fail("a refused value changed the headline");
if ((await evaluate(`${control}.querySelector('input[type=text]').value`)) !== good) await fail("the refused value stayed in its box");

// More precision: ten times the trials.
await evaluate("document.getElementById('precise').click()");
const precise = scenarioInfo.precise_trials.toLocaleString("en-US");
await waitFor(`document.getElementById('headline').textContent.startsWith("In ${precise} ")`, 300_000, "the answer with more precision");

const png = await page("Page.captureScreenshot", { format: "png" });
writeFileSync(shot, Buffer.from(png.data, "base64"));
done = true;
console.log(JSON.stringify({ scenario, key, value, headline: after, trials: scenarioInfo.trials, moves: timings.length, median_ms: Math.round(median), median_answer_received_ms: Math.round(received), median_server_load_ms: Math.round(serverLoad), median_server_run_ms: Math.round(serverRun), median_server_answer_ms: Math.round(serverAnswer), timings_ms: timings.map(Math.round), refused: message, screenshot: shot }));
await cleanup();
process.exit(0);

// The what-if page: builds a control for every input, reruns the scenario
// with the moved controls as overrides, and redraws the answer.
"use strict";

const $ = (id) => document.getElementById(id);
const el = (name, attrs, text) => {
  const e = document.createElement(name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

const state = {
  client: Array.from(crypto.getRandomValues(new Uint32Array(4)), (v) => v.toString(36)).join(""),
  scenario: null,
  overrides: new Map(), // key -> value, as the page sends them
  good: new Map(), // the overrides of the last answer drawn or accepted
  controls: new Map(), // key -> { control, set(value), box }
  seq: 0,
  drawn: 0, // seq of the answer on the page
  inFlight: 0,
  pending: false,
  precise: false,
  changedKey: null,
  changeStart: null,
  sentList: null, // the overrides of the latest request, one per line
  own: null, // the file's own answer at the current precision
  answer: null,
};
// What a test reads: time from a change to its answer drawn (ms), the
// server's share of it, answers drawn, values refused.
window.muster = { timings: [], server: [], drawn: 0, refused: 0 };

function status(text, error) {
  $("status").textContent = text;
  $("status").classList.toggle("error", !!error);
}

function overridesList() {
  return Array.from(state.overrides, ([k, v]) => `${k}=${v}`);
}

async function post(path, body) {
  const r = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

// Sends the current overrides; an older run of this page is cancelled.
async function run() {
  const seq = ++state.seq;
  const sent = new Map(state.overrides);
  state.sentList = overridesList().join("\n");
  const key = state.changedKey;
  const start = state.changeStart;
  state.pending = false;
  state.inFlight++;
  document.body.classList.add("busy");
  status(state.precise ? "running with more precision…" : "running…");
  let r;
  try {
    r = await post("/api/run", { client: state.client, seq, overrides: overridesList(), precise: state.precise });
  } catch (e) {
    state.inFlight--;
    status(`no answer from the server: ${e}`, true);
    return;
  }
  state.inFlight--;
  const received = performance.now();
  if (state.inFlight === 0) document.body.classList.remove("busy");
  if (r.status === 422) {
    refuse(r.body.key || key, r.body.error);
  } else if (r.status !== 200) {
    status(r.body.error || `error ${r.status}`, true);
  } else if (!r.body.superseded && seq > state.drawn) {
    state.drawn = seq;
    state.good = sent;
    clearMessages();
    draw(r.body);
    requestAnimationFrame(() => setTimeout(() => {
      if (start !== null) {
        window.muster.timings.push(performance.now() - start);
        window.muster.server.push({ ...r.body.server_ms, received: received - start, drawn: performance.now() - received });
      }
      window.muster.drawn++;
    }, 0));
    status(`${charts.grouped(r.body.trials)} trials, seed ${r.body.seed}` + (state.overrides.size ? `, ${state.overrides.size} input(s) moved` : ", the file as it is"));
  }
  if (state.pending && state.inFlight === 0) run();
}

// A change the server refused: the message beside its control, which goes
// back to its last accepted value; nothing else changes.
function refuse(key, message) {
  window.muster.refused++;
  if (state.good.has(key)) state.overrides.set(key, state.good.get(key));
  else state.overrides.delete(key);
  const c = state.controls.get(baseKey(key));
  if (c) {
    c.msg.textContent = message;
    c.restore();
    c.row.classList.toggle("moved", [...state.overrides.keys()].some((k) => baseKey(k) === c.key));
  }
  status(message, true);
}

function baseKey(key) {
  if (!key) return key;
  for (const k of state.controls.keys()) if (key.startsWith(k + ".")) return k;
  return key;
}

function clearMessages() {
  for (const c of state.controls.values()) c.msg.textContent = "";
}

// Rounds a slider's value to its step, written without noise.
function stepped(v, step) {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return String(Number((Math.round(v / step) * step).toFixed(decimals)));
}

function changed(key, value, now) {
  if (value === null) state.overrides.delete(key);
  else state.overrides.set(key, value);
  const c = state.controls.get(baseKey(key));
  if (c) c.row.classList.toggle("moved", [...state.overrides.keys()].some((k) => baseKey(k) === c.key));
  // The same overrides already on their way (a slider let go where it was moved to).
  if (state.inFlight > 0 && overridesList().join("\n") === state.sentList) return;
  state.changedKey = key;
  state.changeStart = performance.now();
  if (now || state.inFlight === 0) run();
  else state.pending = true;
}

function slider(c) {
  const row = el("div", { class: "control", "data-key": c.key });
  const label = el("div", { class: "label" });
  label.append(el("span", {}, c.label), el("span", { class: "file" }, `file: ${c.value}`));
  const range = el("input", { type: "range", min: c.min, max: c.max, step: "any", value: c.value, "aria-label": c.label });
  const box = el("input", { type: "text", inputmode: "decimal", value: c.value, "aria-label": `${c.label} (value)` });
  const reset = el("button", { type: "button", class: "reset", title: "back to the file's value" }, "↺");
  const msg = el("div", { class: "msg" });
  const line = el("div", { class: "row" });
  line.append(range, box, reset);
  row.append(label, line, msg);
  const show = (v) => { range.value = v; box.value = v; };
  range.addEventListener("input", () => { const v = stepped(Number(range.value), c.step); box.value = v; changed(c.key, v === c.value ? null : v, false); });
  range.addEventListener("change", () => { const v = stepped(Number(range.value), c.step); box.value = v; changed(c.key, v === c.value ? null : v, true); });
  box.addEventListener("change", () => { const v = box.value.trim(); range.value = v; changed(c.key, v === c.value ? null : v, true); });
  reset.addEventListener("click", () => { show(c.value); changed(c.key, null, true); });
  const restore = () => show(state.good.get(c.key) ?? c.value);
  return { row, msg, restore, reset: () => show(c.value) };
}

function select(c) {
  const row = el("div", { class: "control", "data-key": c.key });
  const label = el("div", { class: "label" });
  label.append(el("span", {}, c.label), el("span", { class: "file" }, `file: ${c.value}`));
  const sel = el("select", { "aria-label": c.label });
  for (const o of c.options) sel.append(el("option", { value: o }, o));
  sel.value = c.value;
  const msg = el("div", { class: "msg" });
  row.append(label, sel, msg);
  sel.addEventListener("change", () => changed(c.key, sel.value === c.value ? null : sel.value, true));
  const restore = () => { sel.value = state.good.get(c.key) ?? c.value; };
  return { row, msg, restore, reset: () => { sel.value = c.value; } };
}

// A categorical condition: a select of a state made certain, and a slider
// per state that sets it alone (the others keep their proportions).
function states(c) {
  const row = el("div", { class: "control", "data-key": c.key });
  const label = el("div", { class: "label" });
  label.append(el("span", {}, c.label), el("span", { class: "file" }, `file: ${c.value}`));
  const sel = el("select", { "aria-label": `${c.label}: a state made certain` });
  sel.append(el("option", { value: "" }, "as the probabilities say"));
  c.options.forEach((s) => sel.append(el("option", { value: s }, `always ${s}`)));
  const msg = el("div", { class: "msg" });
  row.append(label, sel);
  const ranges = [];
  const show = (probs) => ranges.forEach((r, i) => { r.value = probs[i]; r.nextSibling.textContent = stepped(probs[i], 0.01); });
  const clear = () => { for (const k of [...state.overrides.keys()]) if (baseKey(k) === c.key) state.overrides.delete(k); };
  if (c.per_state) {
    c.options.forEach((s, j) => {
      const line = el("div", { class: "state" });
      const r = el("input", { type: "range", min: 0, max: 1, step: "any", value: c.probs[j], "aria-label": `${c.label}: ${s}` });
      line.append(el("span", {}, s), r, el("output", {}, String(c.probs[j])));
      row.append(line);
      ranges.push(r);
      const move = (now) => {
        const v = stepped(Number(r.value), 0.01);
        const rest = 1 - c.probs[j];
        const probs = c.probs.map((p, i) => (i === j ? Number(v) : rest > 0 ? (p * (1 - Number(v))) / rest : (1 - Number(v)) / (c.probs.length - 1)));
        show(probs);
        sel.value = "";
        clear();
        changed(`${c.key}.${s}`, Number(v) === c.probs[j] ? null : v, now);
      };
      r.addEventListener("input", () => move(false));
      r.addEventListener("change", () => move(true));
    });
  }
  row.append(msg);
  sel.addEventListener("change", () => {
    clear();
    if (sel.value === "") { show(c.probs); changed(c.key, null, true); return; }
    const probs = c.options.map((s) => (s === sel.value ? 1 : 0));
    show(probs);
    changed(c.key, `[${probs.join(", ")}]`, true);
  });
  const reset = () => { sel.value = ""; show(c.probs); };
  return { row, msg, restore: reset, reset };
}

function buildControls(groups) {
  const host = $("controls");
  host.replaceChildren();
  groups.forEach((g, i) => {
    const d = el("details");
    if (i < 2) d.open = true;
    d.append(el("summary", {}, g.title));
    for (const c of g.controls) {
      const made = c.kind === "slider" ? slider(c) : c.kind === "select" ? select(c) : states(c);
      made.key = c.key;
      state.controls.set(c.key, made);
      d.append(made.row);
    }
    host.append(d);
  });
}

function changeText(ch, percent) {
  if (!ch) return "";
  const size = (v) => {
    if (!percent) return charts.grouped(v);
    const pts = v * 100;
    return pts !== 0 && pts < 0.01 ? pts.toPrecision(2) : pts.toFixed(2);
  };
  const sign = (v) => (v > 0 ? "+" : v < 0 ? "−" : "±") + size(Math.abs(v));
  return `${sign(ch.diff)}${percent ? " pts" : ""} (${sign(ch.low)} to ${sign(ch.high)})`;
}

function findChange(a, file, row, metric) {
  return a.changes.find((c) => c.file === file && c.row === row && c.metric === metric);
}

function changeNode(ch, percent) {
  const span = el("span", { class: "change", title: "change from the file's own answer, with its 95% interval" },
    state.good.size ? changeText(ch, percent) : "");
  if (ch && (ch.low > 0 || ch.high < 0)) span.classList.add(ch.diff > 0 ? "up" : "down");
  return span;
}

function pct(text) {
  if (text === "") return "–";
  const v = Number(text);
  if (v === 0) return "0%";
  if (v > 0 && v < 0.01) return `${(v * 100).toPrecision(2)}%`;
  return `${(v * 100).toFixed(1)}%`;
}

// A rare probability read as the count of trials it rests on.
function count(text, trials) {
  const v = Number(text);
  return `${charts.grouped(Math.round(v * trials))} in ${charts.grouped(trials)} trials`;
}

function draw(a) {
  state.answer = a;
  if (state.good.size === 0) state.own = a;
  $("headline").textContent = a.headline.join(" ");
  $("command").textContent = a.command;
  const summary = a.tables.summary;
  const figures = $("figures");
  figures.replaceChildren();
  const shown = [
    ["p_success", "P(success)", true],
    ["p_target_reached", "P(target reached)", true],
    ["mean_personnel", "mean personnel in theatre", false],
    ["personnel_p50", "median personnel", false],
  ];
  for (const [metric, what, percent] of shown) {
    const row = summary.rows.find((r) => r[0] === metric);
    if (!row) continue;
    const box = el("div", { class: "figure", id: `figure-${metric}`, "data-value": row[1] });
    box.append(el("div", { class: "what" }, what));
    box.append(el("div", { class: "value" }, percent ? pct(row[1]) : charts.grouped(Number(row[1]))));
    if (percent && Number(row[1]) < 0.01) box.append(el("div", { class: "change" }, count(row[1], a.trials)));
    if (row[2] !== "") box.append(el("div", { class: "change" }, `95%: ${percent ? pct(row[2]) : charts.grouped(Number(row[2]))} to ${percent ? pct(row[3]) : charts.grouped(Number(row[3]))}`));
    const ch = changeNode(findChange(a, "summary.csv", "", metric), percent);
    if (ch.textContent) ch.textContent = `change from the file's own: ${ch.textContent}`;
    box.append(ch);
    figures.append(box);
  }
  drawMilestones(a);
  const own = state.good.size && state.own && state.own.trials === a.trials ? state.own.tables.fan : null;
  charts.fanChart($("fan"), a.tables.fan, { target: a.target, milestones: a.milestones, own });
  drawWaterfall();
  drawContributors(a);
}

function table(host, header, rows) {
  host.replaceChildren();
  const head = el("tr");
  header.forEach((h) => head.append(el("th", {}, h)));
  host.append(head);
  for (const cells of rows) {
    const tr = el("tr");
    cells.forEach((c) => tr.append(c instanceof Node ? (() => { const td = el("td"); td.append(c); return td; })() : el("td", {}, c)));
    host.append(tr);
  }
}

function drawMilestones(a) {
  const t = a.tables.milestones;
  const m = (r, name) => r[t.header.indexOf(name)] || "–";
  table($("milestones"), ["personnel", "chance of reaching it", "change from the file's own (95%)", "by month: 10%", "50%", "90%"],
    t.rows.map((r) => [charts.grouped(Number(r[0])), `${pct(r[1])} (${pct(r[2])} to ${pct(r[3])})`,
      changeNode(findChange(a, "milestones.csv", r[0], "p_reached"), true), m(r, "month_p10"), m(r, "month_p50"), m(r, "month_p90")]));
}

function drawWaterfall() {
  const a = state.answer;
  if (!a) return;
  const who = $("waterfall-who");
  const names = [...new Set(a.tables.losses.rows.map((r) => r[0]))];
  if (who.options.length !== names.length) {
    const keep = who.value;
    who.replaceChildren(...names.map((n) => el("option", { value: n }, n === "(all)" ? "all contributors" : n)));
    who.value = names.includes(keep) ? keep : "(all)";
  }
  charts.waterfallChart($("waterfall"), a.tables.losses, who.value || "(all)");
}

function drawContributors(a) {
  const t = a.tables.contributors;
  const i = (name) => t.header.indexOf(name);
  table($("contributors"), ["contributor", "P(joined)", "change from the file's own (95%)", "mean personnel if joined", "P(pivotal)"],
    t.rows.map((r) => [r[0], `${pct(r[i("p_joined")])} (${pct(r[i("ci_low")])} to ${pct(r[i("ci_high")])})`,
      changeNode(findChange(a, "contributors.csv", r[0], "p_joined"), true),
      r[i("mean_personnel_if_joined")] === "" ? "–" : charts.grouped(Number(r[i("mean_personnel_if_joined")])),
      pct(r[i("p_pivotal")])]));
}

async function save(path, what) {
  status(`saving ${what}…`);
  const r = await post(path, { overrides: overridesList(), precise: state.precise, name: $("save-name").value });
  if (r.status === 200) status(`${what} saved: ${r.body.path}`);
  else status(r.body.error || `error ${r.status}`, true);
}

async function start() {
  const r = await fetch("/api/scenario");
  const s = await r.json();
  state.scenario = s;
  $("name").textContent = s.name;
  document.title = `muster: ${s.name}`;
  $("about").textContent = `${s.file} · seed ${s.seed} · ${charts.grouped(s.trials)} trials per run` + (s.description ? ` · ${s.description}` : "");
  $("precise").textContent = `More precision (${charts.grouped(s.precise_trials)} trials)`;
  buildControls(s.groups);
  $("waterfall-who").addEventListener("change", drawWaterfall);
  $("precise").addEventListener("click", () => {
    state.precise = !state.precise;
    $("precise").textContent = state.precise ? `Back to ${charts.grouped(s.trials)} trials` : `More precision (${charts.grouped(s.precise_trials)} trials)`;
    state.changeStart = null;
    run();
  });
  $("reset").addEventListener("click", () => {
    state.overrides.clear();
    for (const c of state.controls.values()) { c.reset(); c.row.classList.remove("moved"); c.msg.textContent = ""; }
    state.changeStart = null;
    run();
  });
  $("save-scenario").addEventListener("click", () => save("/api/save-scenario", "scenario"));
  $("save-results").addEventListener("click", () => save("/api/save-results", "results"));
  $("copy").addEventListener("click", async () => {
    const text = $("command").textContent;
    try {
      await navigator.clipboard.writeText(text);
      status("command copied");
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents($("command"));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      status("select and copy the command above");
    }
  });
  state.changeStart = null;
  run();
}

start().catch((e) => status(`cannot load the scenario: ${e}`, true));

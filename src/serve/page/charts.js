// The page's charts, drawn as SVG from the result tables: a fan chart of
// personnel in theatre by month and a waterfall of the pledged personnel.
"use strict";

const SVG = "http://www.w3.org/2000/svg";

function svgEl(name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function grouped(x) {
  return Math.round(x).toLocaleString("en-US");
}

// A round step for about n ticks over [0, top].
function tickStep(top, n) {
  const raw = Math.max(top / n, 1e-9);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function column(table, name) {
  const i = table.header.indexOf(name);
  return table.rows.map((r) => (r[i] === "" ? null : Number(r[i])));
}

// Fan chart: 90% and 50% bands, the median, the file's own median (dashed),
// the target and the milestones as lines.
function fanChart(host, fan, opts) {
  const W = 720, H = 300, L = 64, R = 110, T = 12, B = 36;
  const months = column(fan, "month");
  const q = {};
  for (const k of ["p05", "p25", "p50", "p75", "p95"]) q[k] = column(fan, k);
  const own = opts.own ? column(opts.own, "p50") : null;
  const lastMonth = Math.max(...months, 1);
  const highest = Math.max(opts.target, ...q.p95.filter((v) => v !== null));
  const top = highest * 1.05 || 1;
  const x = (m) => L + (m / lastMonth) * (W - L - R);
  const y = (v) => T + (1 - v / top) * (H - T - B);
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img",
    "aria-label": "personnel in theatre by month: median with 50% and 90% bands" });
  const step = tickStep(top, 5);
  for (let v = 0; v <= top; v += step) {
    svg.append(svgEl("line", { class: "grid", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    svg.append(svgEl("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, grouped(v)));
  }
  const mstep = lastMonth > 24 ? 6 : lastMonth > 12 ? 3 : 1;
  for (let m = 0; m <= lastMonth; m += mstep) {
    svg.append(svgEl("text", { x: x(m), y: H - B + 16, "text-anchor": "middle" }, String(m)));
  }
  svg.append(svgEl("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, "month"));
  svg.append(svgEl("line", { class: "axis", x1: L, x2: W - R, y1: y(0), y2: y(0) }));
  svg.append(svgEl("line", { class: "axis", x1: L, x2: L, y1: T, y2: y(0) }));
  const band = (lo, hi, cls) => {
    const pts = [];
    months.forEach((m, i) => { if (q[hi][i] !== null) pts.push(`${x(m)},${y(q[hi][i])}`); });
    for (let i = months.length - 1; i >= 0; i--) if (q[lo][i] !== null) pts.push(`${x(months[i])},${y(q[lo][i])}`);
    svg.append(svgEl("polygon", { class: cls, points: pts.join(" ") }));
  };
  band("p05", "p95", "band1");
  band("p25", "p75", "band2");
  const line = (vals, cls) => {
    const pts = months.map((m, i) => (vals[i] === null ? null : `${x(m)},${y(vals[i])}`)).filter(Boolean);
    svg.append(svgEl("polyline", { class: cls, points: pts.join(" ") }));
  };
  if (own) line(own, "own");
  line(q.p50, "median");
  const level = (v, cls, label) => {
    if (v > top) return;
    svg.append(svgEl("line", { class: cls, x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    svg.append(svgEl("text", { x: W - R + 4, y: y(v) + 4 }, label));
  };
  for (const m of opts.milestones || []) if (m !== opts.target) level(m, "milestone", grouped(m));
  level(opts.target, "target", `target ${grouped(opts.target)}`);
  const legend = [["band1", "90% of trials"], ["band2", "50% of trials"], ["median", "median"]];
  if (own) legend.push(["own", "median, file's own"]);
  legend.forEach(([cls, text], i) => {
    const ly = T + 8 + i * 16;
    const lx = L + 10;
    if (cls.startsWith("band")) svg.append(svgEl("rect", { class: cls, x: lx, y: ly - 8, width: 14, height: 10 }));
    else svg.append(svgEl("line", { class: cls, x1: lx, x2: lx + 14, y1: ly - 3, y2: ly - 3 }));
    svg.append(svgEl("text", { x: lx + 20, y: ly }, text));
  });
  host.replaceChildren(svg);
}

// Waterfall of where the pledged personnel goes (losses.csv), for one
// contributor or `(all)`: pledged at the top, each stage taking its share
// away, and what is in theatre at the bottom.
function waterfallChart(host, losses, who) {
  const rows = losses.rows.filter((r) => r[0] === who);
  const last = ["not delivered", "in theatre"];
  const stages = rows.map((r) => ({ stage: r[1], value: Number(r[2]) || 0 }))
    .filter((s) => !last.includes(s.stage))
    .concat(last.map((name) => rows.find((r) => r[1] === name)).filter(Boolean).map((r) => ({ stage: r[1], value: Number(r[2]) || 0 })));
  const pledged = stages.reduce((a, s) => a + s.value, 0);
  const W = 720, L = 190, R = 80, T = 6, BAR = 20, GAP = 6;
  const H = T + (stages.length + 1) * (BAR + GAP) + 28;
  const top = pledged || 1;
  const x = (v) => L + (v / top) * (W - L - R);
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img",
    "aria-label": `where the pledged personnel of ${who} goes, mean over trials` });
  const bar = (i, from, to, cls, label, value) => {
    const yy = T + i * (BAR + GAP);
    svg.append(svgEl("text", { x: L - 6, y: yy + BAR - 6, "text-anchor": "end" }, label));
    svg.append(svgEl("rect", { class: cls, x: x(Math.min(from, to)), y: yy, width: Math.max(Math.abs(x(to) - x(from)), 1), height: BAR }));
    svg.append(svgEl("text", { x: x(Math.max(from, to)) + 4, y: yy + BAR - 6 }, grouped(value)));
  };
  bar(0, 0, pledged, "pledged", "pledged", pledged);
  let left = pledged;
  stages.forEach((s, i) => {
    if (s.stage === "in theatre") {
      bar(i + 1, 0, s.value, "kept", s.stage, s.value);
    } else {
      bar(i + 1, left - s.value, left, "loss", s.stage, s.value);
      left -= s.value;
    }
  });
  svg.append(svgEl("text", { x: L, y: H - 6 }, "personnel, mean over trials"));
  host.replaceChildren(svg);
}

window.charts = { fanChart, waterfallChart, grouped };

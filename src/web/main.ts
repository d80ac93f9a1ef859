import embed from "vega-embed";
import type { TopLevelSpec } from "vega-lite";
import { histogramHeatmap, histogramRidgeline } from "../charts/histogramChart.js";
import type { LayerSeries } from "../charts/lineCharts.js";
import { lineChart, logSignalChart } from "../charts/lineCharts.js";
import { phaseChart } from "../charts/phaseChart.js";
import { studyCharts } from "../charts/studyCharts.js";
import { bandChart } from "../charts/bandChart.js";
import {
  eventSentences,
  formatStat,
  ACTIVATION_NAMES,
  DTYPES,
  FRAMEWORKS,
  formatFloat,
  formatInitSpec,
  INITIALIZERS,
  kernelContext,
  linspace,
  parseInitSpec,
  resolveInitializer,
  translateShape,
  VERDICT_FACTOR,
  RESIDUAL_SCALES,
  RNG_KINDS,
  transformerBands,
} from "../core/internal.js";
import type { Verdict } from "../core/internal.js";
import { describeDistribution } from "../report/describeInit.js";
import type { AnswerTo, LabAnswer, LabQuery, LabRequest, LabResponse, PropagateView } from "./labProtocol.js";
import type { LabState, View } from "./labState.js";
import {
  DEFAULT_STATE,
  CONTROL_MAX,
  parseKernel,
  parseLabState,
  BLOCKS,
  CONTROLS,
  PRESET_VIEWS,
  PRESETS,
  serializeLabState,
  TRANSFORMER_PRESETS,
  VIEW_CONTROLS,
  VIEWS,
} from "./labState.js";
import { renderAuditView } from "./auditView.js";

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
const g = (x: number | null) => formatStat(x);
/** A fan: integers as integers (256, not 256.0), fractional fans (a framework's average) with their digits. */
const fanText = (x: number) => (Number.isInteger(x) ? String(x) : formatStat(x));

const VIEW_LABELS: Record<View, string> = {
  signal: "Signal",
  distributions: "Distributions",
  phase: "Phase diagram",
  inspector: "Initializer inspector",
  transformer: "Transformer",
  study: "The seed study",
  audit: "Audit a model",
};

let state: LabState;
const parsed = parseLabState(location.search);
state = parsed.state;
showMessages(parsed.errors);

// Two workers: "fast" runs the network (forward first, then the backward pass, which gives way to
// any newer request between matmuls); "slow" takes the phase diagram and the seed study.
const workers = {
  fast: new Worker(new URL("./labWorker.ts", import.meta.url), { type: "module", name: "network" }),
  slow: new Worker(new URL("./labWorker.ts", import.meta.url), { type: "module", name: "theory" }),
};
// a channel between the two workers: drawing new weights, the network worker hands half the layers to the other
const channel = new MessageChannel();
workers.fast.postMessage({ id: 0, kind: "connect", port: channel.port1 } satisfies LabRequest, [channel.port1]);
workers.slow.postMessage({ id: 0, kind: "connect", port: channel.port2 } satisfies LabRequest, [channel.port2]);
let nextId = 1;
const pending = new Map<number, (r: LabAnswer) => void>();
for (const w of Object.values(workers)) {
  w.onmessage = (e: MessageEvent<LabResponse>) => {
    if (e.data.kind === "progress") {
      // only the newest request's progress is shown
      if (e.data.id === nextId - 1 && pending.has(e.data.id)) $("#summary").textContent = e.data.message;
      return;
    }
    pending.get(e.data.id)?.(e.data);
    pending.delete(e.data.id);
  };
}
/** Sends a request to a worker; the answer is typed by the request's kind (its result, or an error). */
function ask<Q extends LabQuery>(req: Q, which: "fast" | "slow" = "slow"): Promise<AnswerTo<Q["kind"]>> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve as (r: LabAnswer) => void);
    workers[which].postMessage({ ...req, id } as LabRequest);
  });
}

function showMessages(errors: string[]): void {
  $("#messages").innerHTML = errors.map((e) => `<div class="warning">${esc(e)}</div>`).join("");
}

/** The form's controls' ids (each also the state field it sets). */
const CONTROL_IDS = CONTROLS;

function field(label: string, control: string, hint = ""): string {
  return `<label>${label}${control}${hint ? `<span class="meta">${hint}</span>` : ""}</label>`;
}

function renderControls(): void {
  const options = (values: readonly string[], current: string) =>
    values.map((v) => `<option value="${esc(v)}"${v === current ? " selected" : ""}>${esc(v)}</option>`).join("");
  const inits = INITIALIZERS.filter((d) => d.name !== "layer_default").map((d) => d.name);
  $("#controls").innerHTML = `
    <fieldset class="presets" data-presets="dense"><legend>Presets</legend>${PRESETS.map((p) => `<button type="button" data-preset="${p.id}">${esc(p.label)}</button>`).join("")}</fieldset>
    <fieldset class="presets" data-presets="transformer"><legend>Transformer presets</legend>${TRANSFORMER_PRESETS.map((p) => `<button type="button" data-preset="${p.id}">${esc(p.label)}</button>`).join("")}</fieldset>
    ${field("Initializer (spec)", `<input id="init" name="init" list="init-names" value="${esc(state.init)}" autocomplete="off" spellcheck="false">`, "e.g. he_normal, normal(std=0.01), orthogonal(gain=2)")}
    <datalist id="init-names">${inits.map((n) => `<option value="${n}">`).join("")}</datalist>
    <fieldset id="init-params" class="params"></fieldset>
    ${field("Activation", `<input id="activation" name="activation" list="act-names" value="${esc(state.activation)}" autocomplete="off" spellcheck="false">`)}
    <datalist id="act-names">${ACTIVATION_NAMES.map((n) => `<option value="${n}">`).join("")}</datalist>
    ${field(`Depth <output id="depth-out">${state.depth}</output>`, `<input id="depth" name="depth" type="range" min="1" max="${CONTROL_MAX.depth}" value="${state.depth}"${state.widths ? " disabled" : ""}>`)}
    ${field("Width", `<input id="width" name="width" type="number" min="1" max="${CONTROL_MAX.width}" value="${state.width}"${state.widths ? " disabled" : ""}>`)}
    ${field("Widths (optional)", `<input id="widths" name="widths" value="${esc(state.widths)}" placeholder="e.g. 784,512,256,128,10" spellcheck="false">`, "input and layer widths; overrides depth and width")}
    ${field("Batch", `<input id="batch" name="batch" type="number" min="1" max="${CONTROL_MAX.batch}" value="${state.batch}">`)}
    ${field("dtype", `<select id="dtype" name="dtype">${options(DTYPES, state.dtype)}</select>`)}
    ${field("Seed", `<input id="seed" name="seed" type="number" min="0" value="${state.seed}">`)}
    ${field("Random numbers", `<select id="rng" name="rng">${options(RNG_KINDS, state.rng)}</select>`, "numpy, numpy-legacy, torch: that framework's generator after seeding it (bit-exact where documented)")}
    ${field("Bias init", `<input id="biasInit" name="biasInit" value="${esc(state.biasInit)}" spellcheck="false">`, "none or a spec")}
    ${field("Normalization", `<select id="norm" name="norm">${options(["none", "layer", "batch"], state.norm)}</select>`)}
    ${field("Residual branch depth", `<input id="residual" name="residual" type="number" min="0" max="100" value="${state.residual}">`, "0 = no residual blocks")}
    ${field("Heads", `<input id="heads" name="heads" type="number" min="1" max="64" value="${state.heads}">`, "must divide the width")}
    ${field("Tokens", `<input id="seq" name="seq" type="number" min="2" max="256" value="${state.seq}">`)}
    ${field("Blocks", `<select id="blocks" name="blocks">${options(BLOCKS, state.blocks)}</select>`, "full: attention + MLP; attention: no MLP; pure: attention alone, no residual, no norm; decoder: + cross-attention over an encoder of the same depth")}
    ${field("Norm", `<select id="tnorm" name="tnorm">${options(["layer", "rms", "none"], state.tnorm)}</select>`)}
    ${field("Norm position", `<select id="normPosition" name="normPosition">${options(["pre", "post"], state.normPosition)}</select>`)}
    ${field("Residual scaling", `<select id="residualScale" name="residualScale">${options(RESIDUAL_SCALES, state.residualScale)}</select>`, "gpt2: 1/√(2L) on output projections; deepnorm: post-LN; tfixup: no norm")}`;
  for (const b of document.querySelectorAll<HTMLButtonElement>("[data-preset]")) {
    b.addEventListener("click", () => {
      const p = [...PRESETS, ...TRANSFORMER_PRESETS].find((x) => x.id === b.dataset.preset);
      if (p)
        setState({
          ...state,
          ...p.state,
          view: p.state.view ?? (state.view === "distributions" ? "distributions" : "signal"),
        });
    });
  }
  renderInitParams();
  for (const id of CONTROL_IDS) {
    const el = document.getElementById(id) as HTMLInputElement;
    el.addEventListener(id === "depth" ? "input" : "change", () => {
      if (id === "depth") ($("#depth-out") as HTMLOutputElement).value = el.value;
      const q = new URLSearchParams(serializeLabState(state));
      q.set(id, el.value);
      const r = parseLabState(q.toString());
      showMessages(r.errors);
      setState(r.state, false);
      if (id === "init") renderInitParams();
      if (id === "widths")
        for (const d of ["depth", "width"])
          (document.getElementById(d) as HTMLInputElement).disabled = state.widths !== "";
    });
  }
}

/**
 * The chosen initializer's parameters as fields (its defaults as placeholders): editing one
 * rewrites the spec, so a learner never has to type the spec grammar.
 */
function renderInitParams(): void {
  const box = $("#init-params");
  let spec: ReturnType<typeof parseInitSpec>;
  try {
    spec = parseInitSpec(state.init);
  } catch {
    box.hidden = true;
    return;
  }
  const def = INITIALIZERS.find((d) => d.name === spec.name || d.aliases.includes(spec.name));
  const keys = def ? Object.keys(def.params) : [];
  box.hidden = keys.length === 0;
  if (!def || keys.length === 0) return;
  box.innerHTML = `<legend>${esc(def.name)} parameters</legend>${keys
    .map((key) => {
      const p = def.params[key];
      const given = spec.params[key];
      const id = `param-${key}`;
      const control =
        p.kind === "number"
          ? `<input id="${id}" data-param="${key}" type="number" step="any"${p.min !== undefined ? ` min="${p.min}"` : ""}${p.max !== undefined ? ` max="${p.max}"` : ""} value="${given === undefined ? "" : esc(String(given))}" placeholder="${p.default === null ? "" : p.default}">`
          : `<select id="${id}" data-param="${key}"><option value="">default${p.default === null ? "" : ` (${esc(p.default)})`}</option>${p.values.map((v) => `<option${v === given ? " selected" : ""}>${esc(v)}</option>`).join("")}</select>`;
      return `<label title="${esc(p.doc)}">${esc(key)}${control}${p.doc !== key ? `<span class="meta">${esc(p.doc)}</span>` : ""}</label>`;
    })
    .join("")}`;
  for (const el of box.querySelectorAll<HTMLInputElement | HTMLSelectElement>("[data-param]")) {
    el.addEventListener("change", () => {
      const params: Record<string, number | string> = {};
      for (const f of box.querySelectorAll<HTMLInputElement | HTMLSelectElement>("[data-param]")) {
        const v = f.value.trim();
        if (v !== "") params[f.dataset.param as string] = f instanceof HTMLInputElement ? Number(v) : v;
      }
      const q = new URLSearchParams(serializeLabState(state));
      q.set("init", formatInitSpec({ name: spec.name, params }));
      const r = parseLabState(q.toString());
      showMessages(r.errors);
      setState(r.state);
    });
  }
}

/** Shows the controls the current view uses and hides the others (the presets and spec parameters belong to the network views and the inspector). */
function showViewControls(): void {
  const used = VIEW_CONTROLS[state.view];
  for (const id of CONTROL_IDS) {
    const label = document.getElementById(id)?.closest("label");
    if (label) label.hidden = !used.includes(id);
  }
  for (const presets of document.querySelectorAll<HTMLElement>("[data-presets]"))
    presets.hidden =
      !PRESET_VIEWS.includes(state.view) ||
      (presets.dataset.presets === "transformer") !== (state.view === "transformer");
  // the spec's parameters: hidden where the view does not use the spec; drawn again only when they were hidden
  const params = document.getElementById("init-params");
  if (params && !used.includes("init")) params.hidden = true;
  else if (params?.hidden) renderInitParams();
}

function renderTabs(): void {
  $("#tabs").innerHTML = VIEWS.map(
    (v) =>
      `<button type="button" role="tab" id="tab-${v}" aria-selected="${v === state.view}" data-view="${v}">${VIEW_LABELS[v]}</button>`,
  ).join("");
  for (const b of document.querySelectorAll<HTMLButtonElement>("[data-view]"))
    b.addEventListener("click", () => setState({ ...state, view: b.dataset.view as View }, false));
}

function setState(next: LabState, rerenderControls = true): void {
  const viewChanged = next.view !== state.view;
  state = next;
  history.replaceState(null, "", `?${serializeLabState(state)}`);
  if (rerenderControls) renderControls();
  // the tabs only change with the view (rebuilding them costs a layout on every control change)
  if (viewChanged || rerenderControls) renderTabs();
  if (viewChanged || rerenderControls) showViewControls();
  void update();
}

/** The charts on screen: a structural key per chart (title, layers, series) and its live Vega view. */
type LiveView = { data(name: string, values: unknown[]): unknown; runAsync(): Promise<unknown> };
let live: { key: string; view: LiveView }[] = [];

/** Swaps a spec's named datasets into a live view (each row mapped by `map`, if given) and re-runs it. */
async function swapData(view: LiveView, spec: TopLevelSpec, map?: (row: unknown) => unknown): Promise<void> {
  const datasets = (spec as unknown as { datasets?: Record<string, unknown[]> }).datasets ?? {};
  for (const [name, rows] of Object.entries(datasets)) view.data(name, map ? rows.map(map) : rows);
  await view.runAsync();
}

function chartKey(spec: TopLevelSpec): string {
  const s = spec as unknown as {
    title?: unknown;
    layer?: { mark?: unknown; encoding?: { color?: { scale?: { domain?: unknown } } } }[];
    datasets?: Record<string, unknown>;
  };
  return JSON.stringify([
    s.title,
    Object.keys(s.datasets ?? {}),
    s.layer?.map((l) => [l.mark, l.encoding?.color?.scale?.domain ?? null]),
    s.datasets ? null : spec,
  ]);
}

/**
 * Shows charts. When the same charts are already on screen (same structure), only their named
 * datasets are swapped in and the views re-run — much faster than rebuilding them — so a control
 * change costs the engine plus a data update.
 */
async function showCharts(specs: { spec: TopLevelSpec; caption: string }[]): Promise<void> {
  const keys = specs.map((s) => chartKey(s.spec));
  const root = $("#charts");
  const same =
    live.length === specs.length &&
    keys.every((k, i) => live[i].key === k) &&
    root.querySelectorAll("figure").length === specs.length;
  if (same) {
    await Promise.all(
      specs.map(async (s, i) => {
        ($(`#cap-${i}`) as HTMLElement).textContent = s.caption;
        await swapData(live[i].view, s.spec);
        labelChart($(`#chart-${i}`), s.caption);
      }),
    );
    return;
  }
  root.innerHTML = specs
    .map((_, i) => `<figure><div id="chart-${i}" role="img"></div><figcaption id="cap-${i}"></figcaption></figure>`)
    .join("");
  live = await Promise.all(
    specs.map(async (s, i) => {
      ($(`#cap-${i}`) as HTMLElement).textContent = s.caption;
      ($(`#chart-${i}`) as HTMLElement).setAttribute("aria-label", s.caption);
      const r = await embed(`#chart-${i}`, s.spec as never, { actions: false, renderer: "svg" });
      labelChart($(`#chart-${i}`), s.caption);
      const view = r.view as unknown as LiveView;
      // two data swaps on the fresh view (other values, then its own), so that the first control
      // change finds Vega's update path (new scales, axes, marks) already compiled
      await swapData(view, s.spec, rescaled);
      await swapData(view, s.spec);
      return { key: keys[i], view };
    }),
  );
}

/**
 * Gives a drawn chart one accessible name: its SVG becomes an image labelled by the caption, and
 * Vega's marks and guides inside it (each a nameless graphics element) are hidden from assistive
 * technology, which reads the caption and the summary's sentences instead.
 */
function labelChart(holder: HTMLElement, caption: string): void {
  const svg = holder.querySelector("svg");
  if (!svg) return;
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", caption);
  svg.removeAttribute("aria-roledescription");
  for (const child of svg.children) child.setAttribute("aria-hidden", "true");
}

/** A row with its numbers (other than the x position) scaled by 10: data for warming a chart's update path. */
function rescaled(row: unknown): unknown {
  if (typeof row !== "object" || row === null) return row;
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, typeof v === "number" && k !== "x" && k !== "layer" ? v * 10 : v]),
  );
}

function eventWords(r: PropagateView): string {
  return eventSentences(r.events).join("; ");
}

let generation = 0;

/** Redraws the current view: the inspector, the phase diagram, the seed study, or a network run (signal, distributions). */
async function update(): Promise<void> {
  const my = ++generation;
  if (state.view !== "signal" && state.view !== "distributions") document.getElementById("grad-holder")?.remove();
  if (state.view === "inspector") return renderInspector();
  if (state.view === "phase") return renderPhase(my);
  if (state.view === "study") return renderStudy(my);
  if (state.view === "transformer") return renderTransformer(my);
  if (state.view === "audit") {
    live = [];
    return renderAuditView(state, showCharts);
  }
  return renderNetwork(my);
}

/** The phase diagram view: ξ_c over a 12 × 7 grid; a click on a cell sets the initializer and bias from it. */
async function renderPhase(my: number): Promise<void> {
  const summary = $("#summary");
  summary.textContent = "Computing the phase diagram (mean-field theory on a 12 × 7 grid)…";
  const r = await ask({
    kind: "phase",
    activation: state.activation,
    sigmaW2: linspace(0.5, 4, 12),
    sigmaB2: linspace(0, 0.3, 7),
  });
  if (my !== generation) return;
  if (r.kind === "error") return void (summary.textContent = r.message);
  const d = r.result;
  summary.innerHTML = `Order/chaos phase diagram for <b>${esc(d.activation)}</b>: the depth scale ξ_c over (σ_w², σ_b²), with the critical line χ₁ = 1 in white. Click a cell to set the initializer to N(0, σ_w²/width) with bias N(0, σ_b²).`;
  await showCharts([
    {
      spec: phaseChart(d),
      caption:
        "ξ_c (log colour): long near the critical line, short deep in the ordered (left) and chaotic (right) phases.",
    },
  ]);
  // the clicked cell's own datum carries its (σ_w², σ_b²) range: set the init to its centre
  const phaseView = live[0]?.view as unknown as
    | {
        addEventListener(
          type: string,
          h: (e: unknown, item: { datum?: { w0: number; w1: number; b0: number; b1: number } } | null) => void,
        ): void;
      }
    | undefined;
  phaseView?.addEventListener("click", (_e, item) => {
    const c = item?.datum;
    if (!c || c.w0 === undefined) return;
    const w = (c.w0 + c.w1) / 2;
    const b = Math.max(0, (c.b0 + c.b1) / 2);
    // N(0, σ_w²/fan_in): a plain normal for equal widths, variance scaling when they differ
    const init = state.widths
      ? `variance_scaling(scale=${w.toPrecision(4)},mode=fan_in,distribution=untruncated_normal)`
      : `normal(std=${Math.sqrt(w / state.width).toPrecision(4)})`;
    setState({
      ...state,
      view: "signal",
      init,
      biasInit: b > 1e-6 ? `normal(std=${Math.sqrt(b).toPrecision(4)})` : "none",
    });
  });
}

/** A verdict as the lab shows it: a sentence, in the event colour unless stable. */
function verdictHtml(v: Verdict, id: string): string {
  const text = v.sentence.charAt(0).toUpperCase() + v.sentence.slice(1);
  return `<div id="${id}" class="${v.kind === "stable" ? "healthy" : "event"}">${esc(text)}.</div>`;
}

/** The verdict at the top of a network run: its events, else the forward verdict of `initlab propagate` (healthy when stable). */
function signalVerdict(p: PropagateView): string {
  const words = eventWords(p);
  if (words) return `<span class="event">${esc(words)}.</span>`;
  const forward = p.verdicts.find((v) => v.signal === "forward");
  if (forward && forward.kind !== "stable") return verdictHtml(forward, "verdict-forward");
  return `<span class="healthy">Healthy forward: no layer's std became non-finite or exactly 0, nor grew or shrank ${VERDICT_FACTOR}-fold; the last layer's std is ${g(p.layers[p.layers.length - 1].std)}.</span>`;
}

/** The signal view's charts: std (log), q measured beside the mean-field theory, and the mean. */
function signalCharts(p: PropagateView): { spec: TopLevelSpec; caption: string }[] {
  const series: LayerSeries[] = [{ name: "q measured = E[pre²]", values: p.layers.map((l) => l.q) }];
  if (p.theoryQ) series.push({ name: "q theory (mean field)", values: p.theoryQ, dashed: true });
  return [
    {
      spec: logSignalChart("std per layer (forward)", "std (log scale)", [
        { name: "forward std", values: p.layers.map((l) => l.std) },
      ]),
      caption: "std of each layer's output; where it becomes inf or exactly 0 is marked.",
    },
    {
      spec: logSignalChart("q per layer: measured and mean-field theory", "q (log scale)", series),
      caption: p.theoryNote ?? "q^{l+1} = σ_w²·E[φ(√q^l z)²] + σ_b², drawn beside the measurement.",
    },
    {
      spec: lineChart("mean per layer (forward)", "layer", "mean", [
        { name: "mean", values: p.layers.map((l) => (Number.isFinite(l.mean) ? l.mean : Number.NaN)) },
      ]),
      caption: "mean of each layer's output.",
    },
  ];
}

/** The distributions view's charts: |activation| by decade per layer, as a ridgeline and a heat map. */
function distributionCharts(p: PropagateView): { spec: TopLevelSpec; caption: string }[] {
  const step = Math.max(1, Math.ceil(p.layers.length / 50));
  const hists = p.layers
    .filter((l) => l.index % step === 0 && l.logHist)
    .map((l) => ({ layer: l.index, ...(l.logHist as NonNullable<typeof l.logHist>) }));
  const few = hists.filter((_, i) => i % Math.max(1, Math.ceil(hists.length / 25)) === 0);
  return [
    {
      spec: histogramRidgeline("Distribution of |activation| per layer (ridgeline)", few),
      caption:
        "One row per layer (top = first): the fraction of its values in each decade of |x|, like TensorBoard's histogram view; 0 and inf/nan at the edges.",
    },
    {
      spec: histogramHeatmap("Distribution of |activation| per layer", hists),
      caption: "The same as a heat map over every layer: colour is the fraction of the layer's values in each decade.",
    },
  ];
}

/** A network run's views (signal, distributions): the forward pass first, then — once the controls rest — the backward pass. */
async function renderNetwork(my: number): Promise<void> {
  const started = performance.now();
  const summary = $("#summary");
  summary.textContent = "Running…";
  // forward first (what a control change must update fast), then the backward pass for the gradient chart
  const r = await ask({ kind: "propagate", state, backward: false }, "fast");
  const answered = performance.now();
  if (my !== generation) return;
  if (r.kind === "error") {
    summary.innerHTML = `<span class="event">${esc(r.message)}</span>`;
    live = [];
    $("#charts").innerHTML = "";
    return;
  }
  const p = r.result;
  summary.innerHTML = `${signalVerdict(p)}
    <div class="meta">${esc(state.init)} · ${esc(state.activation)} · ${state.widths ? `widths ${esc(state.widths)}` : `${state.depth} layers × ${state.width}`} · batch ${state.batch} · ${p.dtype} (accumulate ${p.accumulate}) · seed ${state.seed}${p.sigmaW2 !== null ? ` · σ_w² = ${g(p.sigmaW2)}` : ""}</div>`;
  const drawing = performance.now();
  await showCharts(state.view === "signal" ? signalCharts(p) : distributionCharts(p));
  if (my !== generation) return;
  const ms = performance.now() - started;
  const phases = `answer ${(answered - started).toFixed(1)}, summary ${(drawing - answered).toFixed(1)}, charts ${(performance.now() - drawing).toFixed(1)}`;
  $("#summary").insertAdjacentHTML(
    "beforeend",
    `<div class="meta" id="timing">updated in ${ms.toFixed(0)} ms (engine ${p.computeMs.toFixed(0)} ms, weights ${p.weights})</div>`,
  );
  console.log(
    `initlab-lab: update ${ms.toFixed(1)} ms, engine ${p.computeMs.toFixed(1)} ms (run ${p.runMs.toFixed(1)}, theory ${p.theoryMs.toFixed(1)}), weights ${p.weights}; ${phases}`,
  );
  await renderBackward(my);
}

/** The gradient chart of the network views, after the controls have rested for half a second. */
async function renderBackward(my: number): Promise<void> {
  if (state.view !== "signal" && state.view !== "distributions") return;
  // the backward pass waits until the controls rest for half a second, so it never competes for a
  // core with the forward runs of a user who is still moving a control
  await new Promise((r) => setTimeout(r, 500));
  if (my !== generation) return;
  // same worker as the forward run: it reuses the cached weights, and gives way to a newer request
  const b = await ask({ kind: "propagate", state, backward: true }, "fast");
  if (my !== generation || b.kind !== "propagate") return;
  const backward = b.result.verdicts.find((v) => v.signal === "backward");
  document.getElementById("verdict-backward")?.remove();
  if (backward) $("#summary").insertAdjacentHTML("afterbegin", verdictHtml(backward, "verdict-backward"));
  const layers = b.result.layers;
  if (state.view === "distributions") {
    const step = Math.max(1, Math.ceil(layers.length / 50));
    const hists = layers
      .filter((l) => l.index % step === 0 && l.gradLogHist)
      .map((l) => ({ layer: l.index, ...(l.gradLogHist as NonNullable<typeof l.gradLogHist>) }));
    await showGradientChart(
      histogramHeatmap("Distribution of |∂L/∂activation| per layer", hists),
      "gradient distribution per layer",
      "Backward (L = ½‖out‖²): the distribution of ∂L/∂a per layer, by decade of |value| (Glorot & Bengio (2010), figure 7).",
    );
    return;
  }
  await showGradientChart(
    logSignalChart("gradient norms per layer (backward)", "norm (log scale)", [
      { name: "‖∂L/∂W‖", values: layers.map((l) => l.gradWeightNorm ?? Number.NaN) },
      { name: "‖∂L/∂a‖", values: layers.map((l) => l.gradActivationNorm ?? Number.NaN) },
    ]),
    "gradient norms per layer",
    "Backward (L = ½‖out‖²): the gradient reaching each layer.",
  );
}

/** The backward chart below the others: like {@link showCharts}, a live view whose data is swapped while its structure stays. */
let liveGradient: { key: string; view: LiveView } | null = null;

async function showGradientChart(spec: TopLevelSpec, label: string, caption: string): Promise<void> {
  const key = chartKey(spec);
  let holder = document.getElementById("grad-holder");
  if (holder && liveGradient?.key === key) {
    await swapData(liveGradient.view, spec);
    labelChart($("#chart-grad"), label);
    return;
  }
  if (!holder) {
    holder = document.createElement("div");
    holder.id = "grad-holder";
    $("#view").appendChild(holder);
  }
  holder.innerHTML = `<figure><div id="chart-grad" role="img" aria-label="${esc(label)}"></div><figcaption>${esc(caption)}</figcaption></figure>`;
  const r = await embed("#chart-grad", spec as never, { actions: false, renderer: "svg" });
  labelChart($("#chart-grad"), label);
  liveGradient = { key, view: r.view as unknown as LiveView };
}

function renderInspector(): void {
  let k: ReturnType<typeof parseKernel>;
  try {
    k = parseKernel(state.kernel);
  } catch (e) {
    k = null;
    showMessages([(e as Error).message]);
  }
  const ctx = kernelContext(k?.shape ?? [state.width, state.width], {
    layout: "keras",
    groups: k?.groups,
    transposed: k?.transposed,
    depthwise: k?.depthwise,
  });
  const rows = [null, ...FRAMEWORKS].map((fw) => {
    const layout = fw === "torch" ? "torch" : "keras";
    try {
      const t =
        fw === null
          ? { shape: [...ctx.shape], groups: ctx.groups, depthwise: ctx.depthwise }
          : translateShape(ctx, layout, fw !== "keras" && fw !== "tfjs");
      const r = resolveInitializer(state.init, {
        shape: t.shape,
        framework: fw,
        layout: fw === null ? "keras" : layout,
        groups: t.groups,
        transposed: ctx.transposed,
        depthwise: t.depthwise,
      });
      return `<tr><td>${fw ?? "initlab"}</td><td>${esc(r.frameworkName ?? r.spec)}</td><td>[${t.shape.join(",")}]</td><td>${fanText(r.fanIn)}</td><td>${fanText(r.fanOut)}</td><td>${esc(describeDistribution(r.params))}</td><td>${g(r.variance)}</td><td>${g(r.targetVariance)}</td><td class="quirks">${r.quirks.map(esc).join("<br>") || "—"}</td></tr>`;
    } catch (e) {
      return `<tr><td>${fw ?? "initlab"}</td><td colspan="8" style="text-align:left">${esc((e as Error).message)}</td></tr>`;
    }
  });
  $("#summary").innerHTML =
    `What <b>${esc(state.init)}</b> gives for one layer in initlab and in each framework — exact fans, defaults and truncation, with each framework's shape in its own layout and its quirks in words.
    <label class="meta">Layer (keras shape, blank = dense ${state.width} → ${state.width}; e.g. 3,3,64,128 or 3,3,32,2:depthwise or 3,3,32,16:transposed or 3,3,16,128:groups=4)
    <input id="kernel" value="${esc(state.kernel)}" spellcheck="false"></label>`;
  const kin = document.getElementById("kernel") as HTMLInputElement;
  kin.addEventListener("change", () => {
    const q = new URLSearchParams(serializeLabState(state));
    q.set("kernel", kin.value);
    const r = parseLabState(q.toString());
    showMessages(r.errors);
    setState(r.state, false);
  });
  live = [];
  $("#charts").innerHTML =
    `<div class="table-scroll"><table class="inspector"><caption>What the spec gives for this layer in initlab and in each framework</caption><thead><tr><th scope="col">framework</th><th scope="col">name</th><th scope="col">shape</th><th scope="col">fan_in</th><th scope="col">fan_out</th><th scope="col">distribution</th><th scope="col">variance</th><th scope="col">intended</th><th scope="col">quirks</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

const STUDY_TEXT: Record<string, string> = {
  "exploding-vanishing":
    "Experiments 1 and 2. A 512-wide linear net with N(0,1) weights multiplies the std by about √512 ≈ 22.6 per layer; TensorFlow's reduce_std squares the values, so its float32 sum of squares overflows to inf at layer 13 while the values themselves last until about 28. Scaled by 0.01, the factor is 0.226 and the variance rounds to exactly 0 — below half the smallest float32 subnormal — at layer 31.",
  "xavier-forward":
    "Experiments 3, 4 and 6. Var(out) = n_in·Var(in)·Var(w): with 625 inputs and unit weights the std is 25; scaling the weights' variance by 1/n_in brings it to 1. Xavier/Glorot's 2/(n_in + n_out) does the same for square layers and keeps a 100-layer net near std 1 — a random walk in log std, drawn with its 95% band.",
  "gradients-lecun":
    "Experiment 5. A 5-layer linear net trained by gradient descent with 1/√n weights: every layer gets a gradient of the same order, so all layers learn.",
  "gradients-xavier": "Experiment 7. The same with Xavier-uniform weights.",
  loss: "The loss of both runs over 150 epochs.",
};

async function renderStudy(my: number): Promise<void> {
  $("#summary").textContent =
    `Running the seed study's seven experiments in float32 (seed ${state.seed}, a few seconds)…`;
  live = [];
  $("#charts").innerHTML = "";
  const r = await ask({ kind: "study", seed: state.seed });
  if (my !== generation) return;
  if (r.kind === "error") return void ($("#summary").textContent = r.message);
  const s = r.result;
  $("#summary").innerHTML =
    `<span class="event">Exploding: std becomes inf at layer ${s.exploding.stoppedAt}. Vanishing: std is exactly 0 at layer ${s.vanishing.stoppedAt}.</span> <span class="meta">Variance law: std ${formatFloat(s.varianceLaw.unscaled.std, "float32")} with N(0,1) weights (√625 = 25), ${formatFloat(s.varianceLaw.scaled.std, "float32")} with std 1/25.</span>`;
  const charts = studyCharts(s);
  await showCharts(charts.map((c) => ({ spec: c.spec, caption: STUDY_TEXT[c.id] ?? c.caption })));
  const rows = s.exploding.layers
    .map((l) => `(${l.index}, ${formatFloat(l.mean, "float32")}, ${formatFloat(l.std, "float32")})`)
    .join("\n");
  live = [];
  $("#charts").insertAdjacentHTML(
    "afterbegin",
    `<div class="study"><p>The study that started initlab: random matmuls explode or vanish unless the weights' variance is scaled by the layer's fan-in. Its first experiment, as the notebook printed it:</p><pre>${esc(rows)}</pre><p><button type="button" id="try-exploding">Open the exploding net in the Signal view</button></p></div>`,
  );
  document
    .getElementById("try-exploding")
    ?.addEventListener("click", () => setState({ ...state, ...PRESETS[0].state, view: "signal" }));
}

/**
 * The transformer view: a stack of blocks at init (the CLI's engine, in the page's dtype), its
 * residual stream beside the mean-field band, token cosine per block (rank collapse) and weight
 * gradients per block, with the numbers in words.
 */
async function renderTransformer(my: number): Promise<void> {
  $("#summary").textContent = "Running the transformer stack (forward and backward)…";
  const r = await ask({ kind: "transformer", state });
  if (my !== generation) return;
  if (r.kind === "error") {
    live = [];
    $("#charts").innerHTML = "";
    return void ($("#summary").textContent = r.message);
  }
  const t = r.result;
  const last = t.layers[t.layers.length - 1];
  const first = t.layers[0];
  const L = t.layers.length - 1;
  const collapsed = last.tokenCosine > 0.99;
  $("#summary").innerHTML = [
    `<span class="${collapsed ? "event" : "meta"}">Token cosine ${g(first.tokenCosine)} after block 0 → ${g(last.tokenCosine)} after block ${L}${collapsed ? ": the tokens have collapsed to one direction (rank collapse)" : ""}.</span>`,
    `<span class="meta">Residual stream std ${g(t.input.std)} at the input → ${g(last.stream.std)} after block ${L}; the mean-field band says ${g(t.theory.lo[L])} (independent tokens) to ${g(t.theory.hi[L])} (collapsed). ‖∂L/∂W‖ last block / first: ${first.grad && last.grad ? g(last.grad.weights / first.grad.weights) : "—"}${t.theory.gradRatio ? ` (theory ${g(t.theory.gradRatio.min)} to ${g(t.theory.gradRatio.max)})` : ""}.${t.memory ? ` The decoder reads an encoder's output of ${t.memory.encoderDepth} blocks (token cosine ${g(t.memory.tokenCosine)}).` : ""} ${esc(t.dtype)}, ${Math.round(t.computeMs)} ms.</span>`,
  ].join(" ");
  const b = transformerBands([t.seed], [t]);
  await showCharts([
    {
      spec: bandChart(
        "Residual stream std per block",
        "std (log)",
        [{ name: "measured", band: b.streamStd }],
        "block",
        [{ name: "theory (independent / collapsed tokens)", lo: t.theory.lo, hi: t.theory.hi }],
      ),
      caption: "Std of the residual stream after each block (solid) between the mean-field band's edges (dashed).",
    },
    {
      spec: bandChart(
        "Rank collapse: token cosine per block",
        "token cosine (log)",
        [{ name: "token cosine", band: b.tokenCosine }],
        "block",
      ),
      caption: "Mean pairwise cosine of the token vectors after each block: 1 means every token points the same way.",
    },
    {
      spec: bandChart(
        "Weight gradient per block",
        "‖∂L/∂W‖ (log)",
        [{ name: "‖∂L/∂W‖", band: b.gradWeights ?? [] }],
        "block",
      ),
      caption: "‖∂L/∂W‖ of each block (L = Σ out ⊙ T, a fixed random readout).",
    },
  ]);
}

renderControls();
renderTabs();
showViewControls();
history.replaceState(null, "", `?${serializeLabState(state)}`);
void update();
export { DEFAULT_STATE };

import type { TopLevelSpec } from "vega-lite";
import type { AuditReport } from "../audit/auditReport.js";
import { fitLabel, formatFan } from "../audit/auditText.js";
import { escapeHtml } from "../report/html.js";
import { FRAMEWORKS, formatPValue, formatStat } from "../core/internal.js";
import type { AuditRequest, AuditResponse, PickedFile } from "./auditProtocol.js";
import { LAB_AUDIT_MAX_BYTES } from "./auditProtocol.js";
import type { LabState } from "./labState.js";

type ShowCharts = (specs: { spec: TopLevelSpec; caption: string }[]) => Promise<void>;

const esc = escapeHtml;
const fan = formatFan;
const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;

/** The audit's own worker (created on the first audit): the same core code as `initlab audit`, onnxruntime-web for the graph. */
let worker: Worker | null = null;
let nextId = 1;
/** The last audit's files and answer, kept while the user visits other views. */
let last: {
  files: PickedFile[];
  answer: Extract<AuditResponse, { kind: "audit" }> | null;
  error: string | null;
} | null = null;
let downloads: string[] = [];

function auditWorker(): Worker {
  worker ??= new Worker(new URL("./auditWorker.ts", import.meta.url), { type: "module", name: "audit" });
  return worker;
}

/** Runs the audit of `files` in the worker, showing its progress in the summary. */
function runAudit(
  files: PickedFile[],
  state: LabState,
  reinit: string | null,
  framework: string | null,
  lsuv: boolean,
): Promise<AuditResponse> {
  const id = nextId++;
  const w = auditWorker();
  return new Promise((resolve) => {
    w.onmessage = (e: MessageEvent<AuditResponse>) => {
      if (e.data.id !== id) return;
      if (e.data.kind === "progress") {
        const p = document.getElementById("audit-progress");
        if (p) p.textContent = e.data.message;
        return;
      }
      resolve(e.data);
    };
    // the files are copied, not transferred: the same pick can be audited again with other options
    const request: AuditRequest = {
      id,
      files: files.map((f) => ({ name: f.name, bytes: f.bytes.slice(0) })),
      seed: state.seed,
      batch: null,
      reinit,
      framework,
      lsuv,
    };
    w.postMessage(
      request,
      request.files.map((f) => f.bytes),
    );
  });
}

/** One row per layer, as `initlab audit` prints it: shape, real and framework fans, the identified init with its p-value, the findings. */
function layerTable(r: AuditReport, likely: readonly string[]): string {
  const rows = r.layers.map((l, i) => {
    const fw = Object.entries(l.frameworkFans)
      .map(([name, f]) => `${name} ${fan(f.fanIn)}/${fan(f.fanOut)}`)
      .join("<br>");
    const top = l.matches[0];
    return `<tr><td>${i}</td><th scope="row">${esc(l.name)}</th><td>${esc(l.op)}</td><td>[${l.shape.join(",")}]</td><td>${fan(l.fanIn)}/${fan(l.fanOut)}</td><td>${fw || "—"}</td><td class="init likely">${esc(likely[i])}</td><td class="init recorded">${l.recorded ? `${esc(l.recorded.spec)} (${esc(l.recorded.framework)})${l.recordedCheck ? (l.recordedCheck.consistent ? " — the weights agree" : ` — the weights disagree (std × ${formatStat(l.recordedCheck.stdRatio, 3)})`) : ""}` : "—"}</td><td>${esc(fitLabel(l))}</td><td>${top ? esc(formatPValue(top.pValue)) : "—"}</td><td class="findings">${l.findings.map(esc).join("<br>") || "—"}</td></tr>`;
  });
  return `<div class="table-scroll"><table class="audit"><caption>Each layer's weights: fans, the initializer that made them, and what is wrong with them</caption><thead><tr><th scope="col">#</th><th scope="col">layer</th><th scope="col">op</th><th scope="col">shape</th><th scope="col">fan in/out</th><th scope="col">framework fans (in/out)</th><th scope="col">most likely init</th><th scope="col">recorded in the file</th><th scope="col">fitted law</th><th scope="col">p (KS)</th><th scope="col">findings</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

function offerDownloads(answer: Extract<AuditResponse, { kind: "audit" }>): string {
  for (const url of downloads) URL.revokeObjectURL(url);
  downloads = [];
  if (!answer.download) return "";
  const links = answer.download.map((f) => {
    const url = URL.createObjectURL(new Blob([f.bytes], { type: "application/octet-stream" }));
    downloads.push(url);
    return `<a class="download" href="${url}" download="${esc(f.name)}">${esc(f.name)}</a>`;
  });
  return `<p class="meta">Re-initialized copy (${esc(answer.downloadNote ?? "")}): ${links.join(" ")}</p>`;
}

async function showAnswer(showCharts: ShowCharts): Promise<void> {
  const out = $("#audit-result");
  if (!last) return;
  if (last.error) {
    out.innerHTML = `<p class="event" role="alert">${esc(last.error)}</p>`;
    await showCharts([]);
    return;
  }
  const a = last.answer!;
  const r = a.report;
  out.innerHTML = `<p><b>${esc(r.format)}</b>${r.producer ? ` written by ${esc(r.producer)}` : ""} · ${r.layers.length} layer(s) · seed ${r.seed} · ${a.seconds.toFixed(2)} s</p>
    <ul class="audit-summary">${r.summary.map((s) => `<li>${esc(s)}</li>`).join("")}</ul>
    ${offerDownloads(a)}
    ${r.notes.length ? `<ul class="meta">${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : ""}
    ${layerTable(r, a.likely)}`;
  await showCharts(a.charts.map((c) => ({ spec: c.spec as TopLevelSpec, caption: c.caption })));
}

/**
 * The audit view: pick or drop a model (ONNX; TF.js model.json with its shards, picked together;
 * safetensors). It is audited in a Web Worker by the same code as `initlab audit` — nothing leaves
 * the page — and shown as the CLI's table, findings and charts, with an optional re-initialized copy
 * to download.
 */
export async function renderAuditView(state: LabState, showCharts: ShowCharts): Promise<void> {
  $("#summary").innerHTML =
    `<p>Audit your own model in this tab: which initializer made each layer, where its signal dies, and a re-initialized copy. Nothing is uploaded: the files are read here, by the same code as <code>initlab audit</code>.</p>
    <div id="drop" class="drop" tabindex="-1">
      <label>Model files (ONNX; TF.js <code>model.json</code> with its shard files; safetensors) — pick or drop them here
        <input id="audit-files" type="file" multiple accept=".onnx,.json,.bin,.safetensors,.data"></label>
      <label>Re-initialize with (optional spec) <input id="audit-reinit" placeholder="e.g. he_normal" spellcheck="false"></label>
      <label><span><input id="audit-lsuv" type="checkbox"> then LSUV on the real graph (ONNX; from an orthogonal start unless a spec is given)</span></label>
      <label>as <select id="audit-framework"><option value="">initlab</option>${FRAMEWORKS.map((f) => `<option>${f}</option>`).join("")}</select></label>
    </div>
    <p class="meta">Up to ${Math.round(LAB_AUDIT_MAX_BYTES / 2 ** 20)} MB of files; seed ${state.seed} from the controls; a batch of 16 random inputs (fewer for large inputs) through the graph, as <code>initlab audit</code> does. <span id="audit-progress" role="status"></span></p>
    <div id="audit-result"></div>`;
  const input = $("#audit-files") as HTMLInputElement;
  const go = async (list: FileList | File[]) => {
    const files = await Promise.all([...list].map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
    await audit(files, state, showCharts);
  };
  input.addEventListener("change", () => void (input.files && go(input.files)));
  const drop = $("#drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer?.files.length) void go(e.dataTransfer.files);
  });
  for (const id of ["audit-reinit", "audit-framework", "audit-lsuv"])
    document.getElementById(id)!.addEventListener("change", () => {
      if (last) void audit(last.files, state, showCharts);
    });
  if (last) await showAnswer(showCharts);
  else await showCharts([]);
}

async function audit(files: PickedFile[], state: LabState, showCharts: ShowCharts): Promise<void> {
  const reinit = ($("#audit-reinit") as HTMLInputElement).value.trim() || null;
  const framework = ($("#audit-framework") as HTMLSelectElement).value || null;
  const lsuv = ($("#audit-lsuv") as HTMLInputElement).checked;
  $("#audit-progress").textContent = `reading ${files.map((f) => f.name).join(", ")}…`;
  const answer = await runAudit(files, state, reinit, framework, lsuv);
  $("#audit-progress").textContent = "";
  last = {
    files,
    answer: answer.kind === "audit" ? answer : null,
    error: answer.kind === "error" ? answer.message : null,
  };
  await showAnswer(showCharts);
}

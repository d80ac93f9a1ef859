/// <reference lib="webworker" />
import * as ort from "onnxruntime-web/wasm";
import wasmUrl from "onnxruntime-web/ort-wasm-simd-threaded.wasm?url";
import type { OrtApi } from "../adapters/onnx/graphPropagation.js";
import { propagateOnnxGraph } from "../adapters/onnx/graphPropagation.js";
import { lsuvOnnxGraph } from "../adapters/onnx/graphLsuv.js";
import { auditReportOf } from "../audit/auditReport.js";
import { likelyScheme } from "../audit/auditText.js";
import { auditWeights } from "../audit/auditWeights.js";
import { openModel } from "../audit/openModel.js";
import type { PropagationResult } from "../audit/propagationPlan.js";
import { defaultAuditBatch } from "../audit/propagationPlan.js";
import { drawReinit, planReinit } from "../audit/reinit.js";
import { auditCharts } from "../charts/auditCharts.js";
import { parseFramework } from "../core/internal.js";
import { ModelFileError } from "../model/modelFileError.js";
import { rewriteModel } from "../model/rewriteModel.js";
import type { AuditRequest, AuditResponse, PickedFile } from "./auditProtocol.js";
import { checkAuditBudget } from "./auditProtocol.js";

// onnxruntime-web from the lab's own files: its WebAssembly binary is an asset of this build (no
// CDN, works offline); one thread (threads would need cross-origin isolation)
ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, self.location.href).href };
ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.logLevel = "error";

const ORT_WEB: OrtApi = {
  Tensor: ort.Tensor as unknown as OrtApi["Tensor"],
  session: (bytes) =>
    ort.InferenceSession.create(bytes, {
      executionProviders: ["wasm"],
      graphOptimizationLevel: "disabled",
    }) as unknown as ReturnType<OrtApi["session"]>,
  engine: "onnxruntime-web (WebAssembly, float32, graph optimizations off)",
};

const post = (r: AuditResponse, transfer: Transferable[] = []) =>
  (self as DedicatedWorkerGlobalScope).postMessage(r, transfer);

/** The model among the picked files: model.json if there is one, else the first .onnx / .safetensors, else the first file. */
function mainFile(files: readonly PickedFile[]): PickedFile {
  return (
    files.find((f) => f.name === "model.json") ??
    files.find((f) => /\.(onnx|safetensors)$/i.test(f.name)) ??
    files.find((f) => f.name.endsWith(".json")) ??
    files[0]
  );
}

/** A side file (TF.js shard, ONNX external data) from the picked files, by its base name; never a path outside them. */
function pickedReader(files: readonly PickedFile[]) {
  return (relative: string, what: string): Uint8Array => {
    if (relative.includes("\0") || relative.startsWith("/") || relative.split(/[\\/]/).includes(".."))
      throw new ModelFileError(`${what}: path ${JSON.stringify(relative)} points outside the model's folder`);
    const base = relative.split(/[\\/]/).pop()!;
    const f = files.find((x) => x.name === base);
    if (!f)
      throw new ModelFileError(
        `${what}: ${JSON.stringify(relative)} was not among the files you picked; pick the model with all its files`,
      );
    return new Uint8Array(f.bytes);
  };
}

async function propagate(
  opened: ReturnType<typeof openModel>,
  bytes: Uint8Array,
  req: AuditRequest & { batch: number },
): Promise<PropagationResult | null> {
  if (opened.format === "onnx")
    return propagateOnnxGraph(ORT_WEB, bytes, opened.model, {
      batch: req.batch,
      seed: req.seed,
      inputShapes: new Map(),
      externalData: opened.sideFiles,
    });
  if (opened.format === "tfjs-layers") {
    const tf = await import("@tensorflow/tfjs-core");
    await import("@tensorflow/tfjs-backend-cpu");
    const tfl = await import("@tensorflow/tfjs-layers");
    const { layersModelOf, propagateLayersModel } = await import("../adapters/tfjs/layersPropagation.js");
    tf.enableProdMode();
    await tf.setBackend("cpu");
    const loaded = await layersModelOf(tf, tfl, opened.model);
    try {
      return await propagateLayersModel(
        tf,
        tfl,
        loaded,
        opened.model,
        { batch: req.batch, seed: req.seed, inputShapes: new Map() },
        "cpu",
      );
    } finally {
      loaded.dispose();
    }
  }
  return null;
}

/**
 * The re-initialized model's files: every layer drawn from `req.reinit` (orthogonal when only LSUV
 * is asked), then for ONNX optionally rescaled by LSUV on the real graph, written by the CLI's
 * rewriteModel. @throws a one-line error for LSUV on a model that is not ONNX.
 */
async function reinitialized(
  opened: ReturnType<typeof openModel>,
  bytes: Uint8Array,
  fileName: string,
  req: AuditRequest,
  batch: number,
): Promise<{ download: { name: string; bytes: ArrayBuffer }[]; downloadNote: string }> {
  const model = opened.model;
  const framework = req.framework ? parseFramework(req.framework) : null;
  const plan = planReinit(model, { spec: req.reinit ?? "orthogonal" });
  let replaced = drawReinit(model, plan, { seed: req.seed, framework });
  let downloadNote = `${plan.size} layer(s) re-initialized with ${req.reinit ?? "orthogonal"}${framework ? ` as ${framework} does` : ""}, seed ${req.seed}`;
  if (req.lsuv) {
    if (opened.format !== "onnx")
      throw new Error(
        `lsuv: runs on the real graph through onnxruntime, so it needs an ONNX model (got ${opened.format}); re-initialize without LSUV for others`,
      );
    const result = await lsuvOnnxGraph(ORT_WEB, bytes, model, replaced, {
      batch,
      seed: req.seed,
      inputShapes: new Map(),
      tol: 0.1,
      maxIterations: 10,
      onLayer: (done, n) => post({ id: req.id, kind: "progress", message: `LSUV: ${done}/${n} layers` }),
    });
    replaced = result.weights;
    const bad = result.reports.filter((r) => !r.report.converged);
    downloadNote = `LSUV (${req.reinit ?? "orthogonal"} start, tol 0.1): ${result.reports.length} layers rescaled${bad.length > 0 ? `, ${bad.length} did not converge (${bad.map((b) => b.name).join(", ")})` : ", all converged"}`;
  }
  const mainName = opened.format === "tfjs-layers" ? "model.json" : fileName.replace(/(\.[^.]+)?$/, "-reinit$1");
  const rewritten = rewriteModel(model, bytes, opened.sideFiles, replaced, mainName);
  const download = [...rewritten.files].map(([name, b]) => ({
    name,
    bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
  }));
  return { download, downloadNote };
}

async function audit(req: AuditRequest): Promise<void> {
  const started = performance.now();
  checkAuditBudget(req.files);
  const main = mainFile(req.files);
  const bytes = new Uint8Array(main.bytes);
  const opened = openModel(main.name, bytes, pickedReader(req.files));
  const model = opened.model;
  const batch = req.batch ?? defaultAuditBatch(model.inputs);
  const { reports, audits } = await auditWeights(model, {
    seed: req.seed,
    onLayer: (done, n, name) =>
      post({ id: req.id, kind: "progress", message: `auditing weights: ${done}/${n} (${name})` }),
  });
  post({ id: req.id, kind: "progress", message: `propagating a batch of ${batch} through the graph…` });
  const notes: string[] = [];
  let prop: PropagationResult | null = null;
  try {
    prop = await propagate(opened, bytes, { ...req, batch });
  } catch (e) {
    notes.push(`propagation: ${(e as Error).message.split("\n")[0]}`);
  }
  const report = auditReportOf(model, reports, prop, req.seed, notes);
  const { download, downloadNote } =
    req.reinit || req.lsuv
      ? await reinitialized(opened, bytes, main.name, req, batch)
      : { download: null, downloadNote: null };
  post(
    {
      id: req.id,
      kind: "audit",
      report,
      charts: auditCharts(report, audits),
      likely: report.layers.map((l) => likelyScheme(l, report.origin)),
      download,
      downloadNote,
      seconds: (performance.now() - started) / 1000,
    },
    download?.map((d) => d.bytes) ?? [],
  );
}

self.onmessage = (e: MessageEvent<AuditRequest>) => {
  const req = e.data;
  audit(req).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    post({ id: req.id, kind: "error", message: message.split("\n")[0] });
  });
};

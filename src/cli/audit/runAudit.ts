import type { ProgressListener } from "../../core/study/progress.js";
import type { AuditReport } from "../../audit/auditReport.js";
import { auditReportOf } from "../../audit/auditReport.js";
import type { TensorAudit } from "../../core/audit/auditTensor.js";
import { auditWeights } from "../../audit/auditWeights.js";
import type { PropagationResult } from "../../audit/propagationPlan.js";
import { parallelLayerAudits } from "../../adapters/audit/parallelLayerAudits.js";
import type { ModelFile } from "./readModelFile.js";

export interface RunAuditOptions {
  seed: number;
  batch: number;
  inputShapes: ReadonlyMap<string, number[]>;
  propagate: boolean;
  spectrum: boolean;
  onProgress?: ProgressListener;
}

/** Audits an opened model: every weight tensor, then (ONNX, TF.js) a random batch through its real graph. */
export async function runAudit(
  file: ModelFile,
  options: RunAuditOptions,
): Promise<{ report: AuditReport; audits: TensorAudit[]; propagation: PropagationResult | null }> {
  const model = file.model;
  const total = model.layers.reduce(
    (a, l) => a + (model.tensors.get(l.weight)?.shape.reduce((x, y) => x * y, 1) ?? 0),
    0,
  );
  const pool = parallelLayerAudits(total);
  let weights: Awaited<ReturnType<typeof auditWeights>>;
  try {
    weights = await auditWeights(model, {
      seed: options.seed,
      spectrum: options.spectrum,
      run: pool.run,
      onLayer: (done, n) => options.onProgress?.({ step: "auditing weights", done, total: n }),
    });
  } finally {
    await pool.close();
  }
  const { reports, audits } = weights;
  let prop: PropagationResult | null = null;
  const notes: string[] = [];
  const { onnxRuntimeAvailable, ONNX_RUNTIME_MISSING } = await import("../../adapters/onnx/onnxRuntime.js");
  if (options.propagate && model.format === "onnx" && !(await onnxRuntimeAvailable())) {
    notes.push(`${ONNX_RUNTIME_MISSING}: weights audited, nothing propagated`);
  } else if (options.propagate && model.format === "onnx") {
    const { propagateOnnx } = await import("../../adapters/onnx/onnxPropagation.js");
    prop = await propagateOnnx(file.bytes, model, {
      batch: options.batch,
      seed: options.seed,
      inputShapes: options.inputShapes,
      externalData: file.sideFiles,
    });
  } else if (options.propagate && model.format === "tfjs-layers") {
    const { propagateTfjs } = await import("../../adapters/tfjs/tfjsPropagation.js");
    prop = await propagateTfjs(model, { batch: options.batch, seed: options.seed, inputShapes: options.inputShapes });
  }
  const report = auditReportOf(model, reports, prop, options.seed, notes);
  return { report, audits, propagation: prop };
}

import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { TensorAudit } from "../../core/audit/auditTensor.js";
import type { LayerAuditRunner, LayerAuditTask } from "../../audit/auditWeights.js";
import { compiledWorker } from "../compiledWorker.js";

/**
 * A pool of worker threads (piscina) that audits layers in parallel, each task's values
 * transferred, not copied. Every layer has its own random stream, so results are identical to
 * auditing in one thread. Small models (under `minValues` weights in all) run in this thread.
 */
export function parallelLayerAudits(
  totalValues: number,
  threads = availableParallelism(),
  minValues = 2_000_000,
): { run: LayerAuditRunner | undefined; close(): Promise<void> } {
  if (threads < 2 || totalValues < minValues) return { run: undefined, close: async () => {} };
  const pool = new Piscina({
    filename: compiledWorker(import.meta.url, "./layerAuditWorker.js", "adapters/audit/layerAuditWorker.js"),
    minThreads: threads,
    maxThreads: threads,
  });
  return {
    run: (task: LayerAuditTask) =>
      pool.run(task, { transferList: [task.values.buffer as ArrayBuffer] }) as Promise<TensorAudit>,
    close: () => pool.destroy(),
  };
}

import type { LsuvLayerReport } from "../../core/init/lsuv.js";
import { lsuv } from "../../core/init/lsuv.js";
import type { AuditModel } from "../../model/modelTypes.js";
import { encodeValues } from "../../model/tensorValues.js";
import type { OnnxPropagationOptions } from "./graphPropagation.js";
import type { OrtApi } from "./graphPropagation.js";
import { randomFeeds, withOutputs } from "./graphPropagation.js";

/**
 * LSUV (Mishkin & Matas (2016), "All you need is a good init") on the model's real graph through
 * onnxruntime: starting from `start` (the orthonormal weights, drawn by the caller), for each
 * dense/conv layer in graph order, rescale its weights until the variance of its output on one
 * fixed random batch is 1 ± tol ({@link lsuv}). Each measurement runs the model (rewritten in
 * memory) up to that layer's output. Layers inside subgraphs are left as they are.
 * @returns the final weights (tensor name → values) and a report per rescaled layer
 */
export async function lsuvOnnxGraph(
  ort: OrtApi,
  bytes: Uint8Array,
  model: AuditModel,
  start: ReadonlyMap<string, ArrayLike<number>>,
  options: Pick<OnnxPropagationOptions, "batch" | "seed" | "inputShapes"> & {
    tol: number;
    maxIterations: number;
    onLayer?: (done: number, total: number) => void;
  },
): Promise<{
  weights: Map<string, Float64Array>;
  reports: { layer: number; name: string; report: LsuvLayerReport }[];
}> {
  const work = bytes.slice();
  const weights = new Map<string, Float64Array>();
  for (const [name, v] of start) weights.set(name, Float64Array.from(v));
  const write = (name: string) => {
    const t = model.tensors.get(name)!;
    if (t.file !== null || t.offset < 0)
      throw new RangeError(`lsuv: ${name} is not stored inside the model file; LSUV rewrites weights in place`);
    work.set(encodeValues(weights.get(name)!, t.encoding), t.offset);
  };
  for (const name of weights.keys()) write(name);
  const { feeds } = randomFeeds(ort, model, options);
  const targets = model.layers
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => l.output !== null && !l.embedding && weights.has(l.weight));
  const reports: { layer: number; name: string; report: LsuvLayerReport }[] = [];
  for (const [k, { l, i }] of targets.entries()) {
    const [report] = await lsuv(
      [
        {
          scale(factor) {
            const w = weights.get(l.weight)!;
            for (let j = 0; j < w.length; j++) w[j] *= factor;
            write(l.weight);
          },
          async output() {
            const session = await ort.session(
              model.outputs.includes(l.output!) ? work : withOutputs(work, [l.output!]),
            );
            try {
              const out = await session.run(feeds, [l.output!]);
              return out[l.output!].data as Float32Array;
            } finally {
              await session.release();
            }
          },
        },
      ],
      { tol: options.tol, maxIterations: options.maxIterations },
    );
    reports.push({ layer: i, name: l.name, report });
    options.onLayer?.(k + 1, targets.length);
  }
  return { weights, reports };
}

import { defaultAccumulate, rounder } from "../numeric/dtype.js";
import { rngStream } from "../random/Rng.js";
import { fillNormal } from "../random/normal.js";
import { referenceBackend } from "./backend.js";
import { buildNetwork } from "./buildNetwork.js";
import { denseForward, layerOutput } from "./denseForward.js";
import type { RunOptions } from "./networkSpec.js";

export interface CorrelationLayer {
  index: number;
  /** q = ‖pre‖²/n of each input's pre-activation (the mean-field length) */
  q1: number;
  q2: number;
  /** c = ⟨pre¹, pre²⟩/(‖pre¹‖·‖pre²‖) */
  c: number;
}

/**
 * Propagates two inputs with correlation c₀ through the same network — x¹ ~ N(0, s²),
 * x² = c₀·x¹ + √(1 − c₀²)·ξ with ξ ~ N(0, s²) (streams "corr-x1", "corr-xi") — and records per
 * layer the lengths q and the correlation c of their pre-activations, the finite-width version of
 * the correlation map of Poole et al. (2016) and Schoenholz et al. (2017).
 */
export async function propagateCorrelation(
  options: RunOptions,
  c0: number,
): Promise<{ c0: number; layers: CorrelationLayer[] }> {
  if (!(c0 >= -1 && c0 <= 1)) throw new RangeError(`correlation: must be in [-1, 1], got ${c0}`);
  const dtype = options.dtype ?? "float32";
  const acc = options.accumulate ?? defaultAccumulate(dtype);
  const round = rounder(dtype);
  const net = buildNetwork(options.network, options.seed, dtype);
  const n0 = net.spec.inputWidth * (net.spec.conv ? net.spec.conv.height * net.spec.conv.width : 1);
  const s = options.inputScale ?? 1;
  const x1 = fillNormal(rngStream(options.seed, "corr-x1"), new Float64Array(n0), 0, s) as Float64Array;
  const xi = fillNormal(rngStream(options.seed, "corr-xi"), new Float64Array(n0), 0, s) as Float64Array;
  let a: Float64Array = new Float64Array(2 * n0);
  for (let i = 0; i < n0; i++) {
    a[i] = round(x1[i]);
    a[n0 + i] = round(c0 * x1[i] + Math.sqrt(1 - c0 * c0) * xi[i]);
  }
  let blockInput = a;
  const layers: CorrelationLayer[] = [];
  for (let l = 0; l < net.layers.length; l++) {
    if (net.layers[l].blockPosition === 0) blockInput = a;
    const f = await denseForward(net, l, a, 2, dtype, acc, referenceBackend);
    const n = f.pre.length / 2;
    let q1 = 0;
    let q2 = 0;
    let q12 = 0;
    for (let j = 0; j < n; j++) {
      q1 += f.pre[j] ** 2;
      q2 += f.pre[n + j] ** 2;
      q12 += f.pre[j] * f.pre[n + j];
    }
    layers.push({ index: l, q1: q1 / n, q2: q2 / n, c: q12 / Math.sqrt(q1 * q2) });
    a = layerOutput(net, l, f.post, blockInput, dtype).out;
  }
  return { c0, layers };
}

import { symmetricEigenvalues } from "../linalg/symmetricEigenvalues.js";
import { gemm } from "../numeric/gemm.js";
import { referenceBackend } from "./backend.js";
import { buildNetwork } from "./buildNetwork.js";
import { denseForward, layerOutput } from "./denseForward.js";
import type { RunOptions } from "./networkSpec.js";
import { drawInput } from "./propagate.js";

export interface JacobianResult {
  /** singular values of the input–output Jacobian J = ∂out/∂x, descending */
  singularValues: number[];
  /** mean and variance of the squared singular values (the eigenvalues of JJᵀ) */
  squaredSingularValues: { mean: number; variance: number };
  inputWidth: number;
  outputWidth: number;
}

/**
 * Singular values of the input–output Jacobian at one input x ~ N(0, inputScale²) (stream
 * "jacobian-input"), the quantity behind dynamical isometry (Saxe, McClelland & Ganguli (2014);
 * Pennington, Schoenholz & Ganguli (2017)). Forward-mode: the tangent matrix T (n₀ × n_l) starts
 * at I and follows T ← (T·W_l)·diag(φ'(u_l)) — through LayerNorm's Jacobian
 * dz = (dh − mean(dh) − z·mean(z ⊙ dh))/σ, and T ← T_in + scale·T at residual block ends — so
 * J = T_Lᵀ. Squared singular values are the eigenvalues of T·Tᵀ or Tᵀ·T (the smaller), in float64;
 * the forward values themselves follow the run's dtype.
 * BatchNorm has no per-example Jacobian at batch size 1 and is refused.
 */
export async function jacobianSpectrum(options: RunOptions): Promise<JacobianResult> {
  if (options.network.conv) throw new RangeError("conv: the Jacobian spectrum is computed for dense networks only");
  if (options.network.norm === "batch")
    throw new RangeError("norm: batch norm has no per-example Jacobian (batch size 1); use layer or none");
  const dtype = options.dtype ?? "float32";
  const acc = options.accumulate ?? (dtype === "bfloat16" || dtype === "float16" ? "float32" : dtype);
  const net = buildNetwork(options.network, options.seed, dtype);
  const n0 = net.spec.inputWidth;
  let a: Float64Array = drawInput(options.seed, 1, n0, options.inputScale ?? 1, dtype, "jacobian-input");
  let T: Float64Array = new Float64Array(n0 * n0);
  for (let i = 0; i < n0; i++) T[i * n0 + i] = 1;
  let blockInput = a;
  let blockT = T;
  for (let l = 0; l < net.layers.length; l++) {
    const layer = net.layers[l];
    if (layer.blockPosition === 0) {
      blockInput = a;
      blockT = T;
    }
    const f = await denseForward(net, l, a, 1, dtype, acc, referenceBackend);
    let t = gemm(T, layer.weights, n0, layer.nIn, layer.nOut, false, false, "float64") as Float64Array;
    if (f.z && f.invStd) {
      const z = f.z;
      const inv = f.invStd[0];
      const n = layer.nOut;
      for (let r = 0; r < n0; r++) {
        let m1 = 0;
        let m2 = 0;
        for (let j = 0; j < n; j++) {
          m1 += t[r * n + j];
          m2 += t[r * n + j] * z[j];
        }
        m1 /= n;
        m2 /= n;
        for (let j = 0; j < n; j++) t[r * n + j] = (t[r * n + j] - m1 - z[j] * m2) * inv;
      }
    }
    for (let r = 0; r < n0; r++)
      for (let j = 0; j < layer.nOut; j++) t[r * layer.nOut + j] *= (f.deriv as Float64Array)[j];
    const { out } = layerOutput(net, l, f.post, blockInput, dtype);
    if (layer.blockEnd) {
      const sum = new Float64Array(t.length);
      for (let i = 0; i < t.length; i++) sum[i] = blockT[i] + net.branchScale * t[i];
      t = sum;
    }
    T = t;
    a = out;
  }
  const nL = net.layers[net.layers.length - 1].nOut;
  const small = Math.min(n0, nL);
  const gram =
    n0 <= nL ? gemm(T, T, n0, nL, n0, false, true, "float64") : gemm(T, T, nL, n0, nL, true, false, "float64");
  const eig = symmetricEigenvalues(gram, small);
  const sq = Array.from(eig, (v) => Math.max(0, v)).sort((x, y) => y - x);
  const mean = sq.reduce((s, v) => s + v, 0) / small;
  const variance = sq.reduce((s, v) => s + (v - mean) ** 2, 0) / small;
  return {
    singularValues: sq.map(Math.sqrt),
    squaredSingularValues: { mean, variance },
    inputWidth: n0,
    outputWidth: nL,
  };
}

import type { Rng } from "../random/Rng.js";
import { fillNormal } from "../random/normal.js";
import type { Reflector } from "./householder.js";
import { applyReflectors } from "./householder.js";

/** Reflectors per panel: 32 vectors of ≤ 1024 doubles (256 KiB) stay in L2 while they sweep Q's columns. */
const PANEL = 32;

/**
 * An m×n matrix (m ≥ n) with orthonormal columns, Haar-distributed: the Q factor, with the sign
 * fix Q ← Q·diag(sign(R_kk)), of the Householder QR of an m×n matrix of i.i.d. N(0, 1) entries
 * (Mezzadri (2007), "How to generate random matrices from the classical compact groups").
 *
 * Householder QR (Golub & Van Loan (2013), "Matrix Computations", §5.2) takes reflector k from
 * column k of the partly reduced matrix: x = A[k:, k], α = −sign(x₀)·‖x‖, v = x − α·e₁,
 * τ = 2/(vᵀv), R_kk = α. For a Gaussian A, the reduced trailing block is again i.i.d. N(0, 1) —
 * the reflectors so far depend only on earlier columns and are orthogonal — so drawing each
 * x fresh gives the same distribution of Q without computing the trailing updates (Stewart
 * (1980), "The efficient generation of random orthogonal matrices with an application to
 * condition estimators"): the work is only the backward accumulation of Q from [I; 0],
 * ≈ 2mn² − 2n³/3 flops, in panels of 32 reflectors.
 *
 * @param rng the stream the Gaussian columns come from (x_k uses m − k draws, in order k = 0 … n−1).
 * @returns Q, m×n, column-major (q[j·m + i] = Q[i, j]).
 */
export function haarOrthonormalColumns(rng: Rng, m: number, n: number): Float64Array {
  if (!(Number.isInteger(m) && Number.isInteger(n) && n >= 1 && m >= n)) {
    throw new RangeError(`haarOrthonormalColumns: need integers rows >= cols >= 1, got ${m}x${n}`);
  }
  const reflectors: Reflector[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const len = m - k;
    const v = fillNormal(rng, new Float64Array(len)) as Float64Array;
    let norm2 = 0;
    for (let i = 0; i < len; i++) norm2 += v[i] * v[i];
    const x0 = v[0];
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    v[0] = x0 - alpha;
    const vv = norm2 - x0 * x0 + v[0] * v[0];
    reflectors.push({ row: k, v, tau: vv > 0 ? 2 / vv : 0 });
    signs[k] = alpha < 0 ? -1 : 1;
  }
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k0 = Math.floor((n - 1) / PANEL) * PANEL; k0 >= 0; k0 -= PANEL) {
    const panel = reflectors.slice(k0, Math.min(n, k0 + PANEL)).reverse();
    applyReflectors(q, m, k0, n, panel, true);
  }
  for (let k = 0; k < n; k++) {
    if (signs[k] < 0) for (let i = 0; i < m; i++) q[k * m + i] = -q[k * m + i];
  }
  return q;
}

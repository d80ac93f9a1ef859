import type { MeanFieldParams } from "./meanField.js";
import { qStar } from "./meanField.js";
import { gaussianExpectation } from "./gaussian.js";

/**
 * Pennington, Schoenholz & Ganguli (2017), "Resurrecting the sigmoid in deep learning through
 * dynamical isometry": the variance of the squared singular values of the input–output Jacobian of
 * a depth-L network, σ²_{JJᵀ} = L·(μ₂/μ₁² − 1 − s₁), with μ_k = E[φ'(h)^{2k}] for h ~ N(0, q*) and
 * s₁ = 0 for orthogonal weights, −1 for Gaussian ones. (Its derivation assumes criticality,
 * σ_w²·μ₁ = 1.)
 */
export function jacobianSpectrumTheory(
  p: MeanFieldParams,
  weights: "orthogonal" | "gaussian",
  depth: number,
): { eigVariance: number; mu1: number; mu2: number; qStar: number } {
  if (!Number.isSafeInteger(depth) || depth < 1)
    throw new RangeError(`depth: must be a positive integer, got ${depth}`);
  const q = qStar(p);
  const phi = p.activation;
  const mu1 = gaussianExpectation((u) => phi.df(u) ** 2, q, phi.kinks);
  const mu2 = gaussianExpectation((u) => phi.df(u) ** 4, q, phi.kinks);
  const s1 = weights === "orthogonal" ? 0 : -1;
  return { eigVariance: depth * (mu2 / (mu1 * mu1) - 1 - s1), mu1, mu2, qStar: q };
}

/**
 * Hanin & Rolnick (2018), "How to Start Training: The Effect of Initialization and Architecture":
 * for a He-normal ReLU net, the second moment of the squared activation length M_d = ‖x_d‖²/n_d
 * grows as E[M_d²]/M_0² = ∏_j (1 + 5/n_j), so its fluctuations scale with β = Σ 1/n_j.
 */
export function haninRolnickGrowth(widths: readonly number[]): { beta: number; secondMomentRatio: number } {
  let prod = 1;
  let beta = 0;
  for (const n of widths) {
    if (!(Number.isFinite(n) && n > 0)) throw new RangeError(`widths: must be positive, got ${n}`);
    prod *= 1 + 5 / n;
    beta += 1 / n;
  }
  return { beta, secondMomentRatio: prod };
}

/** The seed study's variance law for one linear layer: Var(out) = n_in·Var(in)·Var(w). */
export function linearVarianceLaw(nIn: number, varIn: number, varW: number): number {
  return nIn * varIn * varW;
}

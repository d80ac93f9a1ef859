/**
 * What the length map q ↦ σ_w²·E[φ(√q z)²] + σ_b² does from q⁰ = 1:
 * - "finite": converges to a fixed point q* > 0;
 * - "vanishes": q^l → 0 (q* = 0, a degenerate fixed point);
 * - "marginal": every q is a fixed point (ReLU at σ_w² = 2, σ_b² = 0): q^l stays at q⁰;
 * - "grows": no finite fixed point — geometrically by `factor` = lim q^{l+1}/q^l > 1 (ReLU:
 *   σ_w²/2), linearly by `increment` per layer when the factor is 1 (ReLU at σ_w² = 2: σ_b²), or
 *   faster than linearly but sub-geometrically (softplus, elu, mish at σ_w² = 2).
 */
export interface LengthFixedPoint {
  kind: "finite" | "vanishes" | "marginal" | "grows";
  /** q* for "finite", 0 for "vanishes", Infinity for "grows", NaN for "marginal" */
  qStar: number;
  /** lim q^{l+1}/q^l as q → ∞ (growth) */
  factor: number | null;
  /** q^{l+1} − q^l for large q, when it is constant (linear growth) */
  increment: number | null;
  /** what happens, in words */
  sentence: string;
}

const fmt = (x: number) => Number(x.toPrecision(6)).toString();

/**
 * Classifies the behaviour of the length map `lengthMap` (see meanField's) from q⁰ = 1, given the
 * fixed-point iteration's answer from q = 1 (finite, 0 or Infinity; below 1e-12 counts as 0): a
 * check that every q is fixed (q = ¼, 1, 4), then, for maps that grow, the increments
 * L(Q) − Q at Q = 10⁶ and 10⁸: ×100 apart for geometric growth (factor 1 + inc/Q), equal for
 * linear growth, in between for growth faster than linear but slower than geometric.
 */
export function lengthFixedPoint(lengthMap: (q: number) => number, qStarFromOne: number): LengthFixedPoint {
  const F = (q: number) => lengthMap(q) - q;
  const flat = [0.25, 1, 4].every((q) => Math.abs(F(q)) <= 1e-12 * q);
  if (flat)
    return {
      kind: "marginal",
      qStar: Number.NaN,
      factor: 1,
      increment: 0,
      sentence: "every q is a fixed point: q^l stays at its input value q⁰",
    };
  if (qStarFromOne < 1e-12)
    return {
      kind: "vanishes",
      qStar: 0,
      factor: null,
      increment: null,
      sentence: "q^l → 0: the signal vanishes (degenerate fixed point q* = 0); χ₁ and c* are its q → 0⁺ limits",
    };
  if (Number.isFinite(qStarFromOne))
    return {
      kind: "finite",
      qStar: qStarFromOne,
      factor: null,
      increment: null,
      sentence: `q^l → q* = ${fmt(qStarFromOne)}`,
    };
  // increments at two q a factor 100 apart: ×100 for geometric growth, equal for linear growth
  const [q1, q2] = [1e6, 1e8];
  const inc1 = F(q1);
  const inc2 = F(q2);
  const ratio = inc2 / inc1;
  const grows = "no finite fixed point: q grows without bound";
  if (Math.abs(ratio / 100 - 1) < 1e-3) {
    const factor = 1 + inc2 / q2;
    return {
      kind: "grows",
      qStar: Infinity,
      factor,
      increment: null,
      sentence: `${grows}, geometrically: ×${fmt(factor)} a layer as q → ∞; χ₁ and c* are their q → ∞ limits`,
    };
  }
  if (Math.abs(ratio - 1) < 1e-3)
    return {
      kind: "grows",
      qStar: Infinity,
      factor: 1,
      increment: inc2,
      sentence: `${grows}, linearly: by ${fmt(inc2)} a layer; χ₁ and c* are their q → ∞ limits`,
    };
  return {
    kind: "grows",
    qStar: Infinity,
    factor: 1,
    increment: null,
    sentence: `${grows}, faster than linearly but slower than geometrically (q^{l+1}/q^l → 1); χ₁ and c* are their q → ∞ limits`,
  };
}

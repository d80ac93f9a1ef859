import type { Activation } from "../engine/activations.js";
import { brentRoot } from "../math/brent.js";
import { gaussianExpectation, gaussianExpectationDq, gaussianPairExpectation } from "./gaussian.js";
import type { LengthFixedPoint } from "./lengthFixedPoint.js";
import { lengthFixedPoint } from "./lengthFixedPoint.js";

/** A mean-field setting: activation and the weight and bias variances σ_w² = fan_in·Var(w), σ_b² = Var(b). */
export interface MeanFieldParams {
  activation: Activation;
  sigmaW2: number;
  sigmaB2: number;
}

function check(p: MeanFieldParams): void {
  if (!(Number.isFinite(p.sigmaW2) && p.sigmaW2 >= 0))
    throw new RangeError(`sigma-w2: must be a finite number >= 0, got ${p.sigmaW2}`);
  if (!(Number.isFinite(p.sigmaB2) && p.sigmaB2 >= 0))
    throw new RangeError(`sigma-b2: must be a finite number >= 0, got ${p.sigmaB2}`);
}

/**
 * The length map (Poole et al. (2016), "Exponential expressivity in deep neural networks through
 * transient chaos"): q^{l+1} = σ_w²·E_z[φ(√q^l·z)²] + σ_b².
 */
export function lengthMap(p: MeanFieldParams, q: number): number {
  const phi = p.activation;
  return p.sigmaW2 * gaussianExpectation((u) => phi.f(u) ** 2, q, phi.kinks) + p.sigmaB2;
}

/**
 * The fixed point q* of the length map, from q = 1: fixed-point iteration, then Brent's method on
 * q ↦ lengthMap(q) − q once a sign change brackets the stable fixed point. Infinity where q grows
 * without bound (e.g. ReLU with σ_w² > 2), 0 where it vanishes. Where every q is fixed (ReLU at
 * σ_w² = 2, σ_b² = 0) the starting q = 1 is returned.
 */
export function qStar(p: MeanFieldParams): number {
  check(p);
  let q = 1;
  for (let i = 0; i < 400; i++) {
    const next = lengthMap(p, q);
    if (!Number.isFinite(next) || next > 1e200) return Infinity;
    if (next < 1e-200) return 0;
    if (Math.abs(next - q) <= 1e-15 * q) return next;
    q = next;
  }
  const F = (x: number) => lengthMap(p, x) - x;
  // a sign of F counts only beyond its rounding error (≈ 1e-12·x): L(x) − x for a map that grows by a
  // constant (ReLU at σ_w² = 2 with a bias) rounds to 0 or below at x ≈ 1e16, which is no fixed point
  const up = (x: number) => F(x) > 1e-12 * x;
  const down = (x: number) => F(x) < -1e-12 * x;
  let lo = q;
  let hi = q;
  for (let i = 0; i < 400 && !(up(lo) && down(hi)); i++) {
    if (!up(lo)) lo /= 10;
    if (!down(hi)) hi *= 10;
    if (hi > 1e200) return Infinity;
    if (lo < 1e-200) return 0;
  }
  return up(lo) && down(hi) ? brentRoot(F, lo, hi) : q;
}

/** χ₁ = σ_w²·E[φ'(√q*·z)²] (Schoenholz et al. (2017), "Deep Information Propagation"): > 1 chaotic, < 1 ordered. */
export function chi1(p: MeanFieldParams, q = qStar(p)): number {
  const phi = p.activation;
  return p.sigmaW2 * gaussianExpectation((u) => phi.df(u) ** 2, q, phi.kinks);
}

/** The correlation map at the fixed length: c^{l+1} = (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²)/q*, (u₁, u₂) with variance q* and correlation c. */
export function correlationMap(p: MeanFieldParams, c: number, q = qStar(p)): number {
  const phi = p.activation;
  return (p.sigmaW2 * gaussianPairExpectation(phi.f, phi.f, q, q, c, phi.kinks) + p.sigmaB2) / q;
}

/**
 * The stable fixed point c* of the correlation map: 1 in the ordered phase (χ₁ ≤ 1); in the
 * chaotic phase the root of C(c) − c below 1, by Brent's method.
 */
export function cStar(p: MeanFieldParams, q = qStar(p), chi = chi1(p, q)): number {
  if (!Number.isFinite(q) || q === 0) return Number.NaN;
  if (chi <= 1) return 1;
  const G = (c: number) => correlationMap(p, c, q) - c;
  const hi = 1 - 1e-7;
  if (G(hi) >= 0) return 1;
  let lo = 0;
  while (G(lo) < 0 && lo > -1 + 1e-7) lo = Math.max(-1 + 1e-7, lo - 0.5);
  return brentRoot(G, lo, hi, 1e-13);
}

/**
 * Depth scales (Schoenholz et al. 2017): ξ_q = −1/ln(∂q^{l+1}/∂q^l at q*), with
 * ∂/∂q E[φ(√q z)²] taken through the Gaussian density; ξ_c = −1/ln(σ_w²·E[φ'(u₁)φ'(u₂)]) with
 * (u₁, u₂) at q* and correlation c* — which is −1/ln χ₁ when c* = 1. Infinity at criticality.
 */
export function depthScales(p: MeanFieldParams, q = qStar(p), c = cStar(p, q)): { xiQ: number; xiC: number } {
  const phi = p.activation;
  const chiC = c >= 1 ? chi1(p, q) : p.sigmaW2 * gaussianPairExpectation(phi.df, phi.df, q, q, c, phi.kinks);
  return { xiQ: lengthDepthScale(p, q), xiC: depthScale(chiC) };
}

/** ξ_q alone: −1/ln(∂q^{l+1}/∂q^l at q*) (see {@link depthScales}). */
export function lengthDepthScale(p: MeanFieldParams, q = qStar(p)): number {
  const phi = p.activation;
  return depthScale(p.sigmaW2 * gaussianExpectationDq((u) => phi.f(u) ** 2, q, phi.kinks));
}

/** ξ = −1/ln r for a per-layer contraction r < 1; Infinity at r = 1 (within 1e-9) and beyond, where nothing converges. */
function depthScale(r: number): number {
  return Math.abs(r - 1) < 1e-9 || r > 1 ? Infinity : -1 / Math.log(r);
}

/** Everything `initlab theory` prints for one (σ_w², σ_b²). */
export interface MeanFieldSummary {
  activation: string;
  sigmaW2: number;
  sigmaB2: number;
  qStar: number;
  chi1: number;
  cStar: number;
  xiQ: number;
  xiC: number;
  /** 6ξ_c: the depth beyond which Schoenholz et al. found networks untrainable */
  trainableDepth: number;
  /** what the length map does: a finite q*, vanishing, marginal (every q fixed) or growth without bound */
  fixedPoint: LengthFixedPoint;
}

/** Where χ₁ and c* are evaluated when there is no finite q*: the q → 0⁺ and q → ∞ limits, and q = 1 where every q is fixed. */
export const Q_LIMIT_SMALL = 1e-12;
export const Q_LIMIT_LARGE = 1e12;

/**
 * q*, χ₁, c*, ξ_q, ξ_c and 6ξ_c for one (activation, σ_w², σ_b²), with the length map's regime.
 * Without a finite fixed point, χ₁ and c* are their limits — q → 0⁺ where q vanishes (which
 * averages both sides of a kink at 0: SELU's (λ²α² + λ²)/2), q → ∞ where it grows, any q where
 * every q is fixed (ReLU: χ₁ = σ_w²/2 and the correlation map do not depend on q) — and ξ_q,
 * a rate of convergence to q*, is NaN.
 * @param options.correlation false skips c*, ξ_c and 6ξ_c (NaN then): the length map and χ₁ alone
 *   are a fraction of the time. Default true.
 */
export function meanField(p: MeanFieldParams, options: { correlation?: boolean } = {}): MeanFieldSummary {
  const fp = lengthFixedPoint((q) => lengthMap(p, q), qStar(p));
  const q =
    fp.kind === "finite" ? fp.qStar : fp.kind === "vanishes" ? Q_LIMIT_SMALL : fp.kind === "grows" ? Q_LIMIT_LARGE : 1;
  const chi = chi1(p, q);
  const xiQ = fp.kind === "finite" ? lengthDepthScale(p, q) : Number.NaN;
  // without the correlation map: c* and ξ_c take most of the time (a root of the correlation map)
  const c = options.correlation === false ? Number.NaN : cStar(p, q, chi);
  let xiC = Number.NaN;
  if (options.correlation !== false) {
    // growing q: the normalised correlation map's slope at c = 1 is χ₁·q^l/q^{l+1} = χ₁/factor (ReLU: 1, ξ_c = ∞)
    xiC = fp.kind === "grows" && c >= 1 && fp.factor !== null ? depthScale(chi / fp.factor) : depthScales(p, q, c).xiC;
  }
  return {
    activation: p.activation.name,
    sigmaW2: p.sigmaW2,
    sigmaB2: p.sigmaB2,
    qStar: fp.qStar,
    chi1: chi,
    cStar: c,
    xiQ,
    xiC,
    trainableDepth: 6 * xiC,
    fixedPoint: fp,
  };
}

/**
 * The critical σ_w² for a given σ_b²: the root of χ₁(σ_w²) = 1 (the order-to-chaos transition),
 * by Brent's method after bracketing from [0.5, 2], with χ₁ as {@link meanField} computes it (its
 * q → 0⁺ / q → ∞ limits where there is no finite q*). Where χ₁ does not cross 1 continuously but
 * jumps over it — the length map from q⁰ = 1 switching from vanishing to growing (GELU, SiLU at
 * σ_b² = 0) — the result is a "jump", not a critical point.
 */
export function criticalSigmaW2(
  activation: Activation,
  sigmaB2: number,
): { sigmaW2: number; qStar: number; kind: "critical" | "jump"; fixedPoint: LengthFixedPoint; sentence: string } {
  check({ activation, sigmaW2: 1, sigmaB2 });
  const f = (w: number) => meanField({ activation, sigmaW2: w, sigmaB2 }).chi1 - 1;
  let lo = 0.5;
  let hi = 2;
  for (let i = 0; i < 60 && f(lo) > 0; i++) lo /= 2;
  for (let i = 0; i < 60 && f(hi) < 0; i++) hi *= 2;
  if (!(f(lo) <= 0 && f(hi) >= 0))
    throw new RangeError(`${activation.name}: no order-to-chaos transition found for sigma-b2 = ${sigmaB2}`);
  const w = brentRoot(f, lo, hi, 1e-13);
  const at = meanField({ activation, sigmaW2: w, sigmaB2 });
  const below = meanField({ activation, sigmaW2: w * (1 - 1e-9), sigmaB2 });
  const above = meanField({ activation, sigmaW2: w * (1 + 1e-9), sigmaB2 });
  if (below.fixedPoint.kind !== above.fixedPoint.kind && Math.abs(above.chi1 - below.chi1) > 1e-3) {
    return {
      sigmaW2: w,
      qStar: at.qStar,
      kind: "jump",
      fixedPoint: at.fixedPoint,
      sentence: `no critical point: at σ_w² ≈ ${Number(w.toPrecision(8))} the length map from q⁰ = 1 switches from ${below.fixedPoint.kind} (χ₁ = ${Number(below.chi1.toPrecision(4))}) to ${above.fixedPoint.kind} (χ₁ = ${Number(above.chi1.toPrecision(4))}); χ₁ jumps over 1`,
    };
  }
  return { sigmaW2: w, qStar: at.qStar, kind: "critical", fixedPoint: at.fixedPoint, sentence: at.fixedPoint.sentence };
}

import { describe, expect, it } from "vitest";
import {
  chi1,
  criticalSigmaW2,
  cStar,
  depthScales,
  gaussianExpectation,
  gaussianPairExpectation,
  gaussLegendre,
  haninRolnickGrowth,
  jacobianSpectrumTheory,
  linearVarianceLaw,
  meanField,
  networkTheory,
  parseActivation,
  propagate,
  propagateCorrelation,
  qStar,
} from "../../../src/core/internal.js";

const act = parseActivation;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** An independent reference: composite Simpson on [−14, 14] with 40 000 intervals (error ≪ 1e−10 for these integrands). */
function simpson(g: (z: number) => number, n = 40000, L = 14): number {
  const h = (2 * L) / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const z = -L + i * h;
    s += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * g(z) * Math.exp(-0.5 * z * z);
  }
  return (s * h) / 3 / Math.sqrt(2 * Math.PI);
}

/** Reference q*, χ₁ and critical σ_w² by plain iteration/bisection on Simpson integrals. */
function refQStar(f: (u: number) => number, w: number, b: number): number {
  let q = 1;
  for (let i = 0; i < 20000; i++) {
    const next = w * simpson((z) => f(Math.sqrt(q) * z) ** 2, 4000) + b;
    if (Math.abs(next - q) < 1e-15) return next;
    q = next;
  }
  return q;
}

describe("quadrature", () => {
  it("n-point Gauss–Legendre integrates polynomials of degree 2n − 1 exactly", () => {
    const { nodes, weights } = gaussLegendre(8);
    expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(2, 14);
    const x14 = nodes.reduce((s, x, i) => s + weights[i] * x ** 14, 0);
    expect(x14).toBeCloseTo(2 / 15, 14);
  });

  it("E[f(√q z)] matches closed forms to 1e-13, kinked activations included", () => {
    expect(gaussianExpectation((u) => u * u, 2.5)).toBeCloseTo(2.5, 13);
    const relu = act("relu");
    expect(
      rel(
        gaussianExpectation((u) => relu.f(u) ** 2, 1.7, relu.kinks),
        0.85,
      ),
    ).toBeLessThan(1e-13);
    expect(rel(gaussianExpectation(Math.abs, 3, [0]), Math.sqrt((2 * 3) / Math.PI))).toBeLessThan(1e-13);
    const selu = act("selu");
    // Klambauer et al. (2017): SELU maps N(0,1) to mean 0, variance 1
    expect(Math.abs(gaussianExpectation(selu.f, 1, selu.kinks))).toBeLessThan(1e-9);
    expect(Math.abs(gaussianExpectation((u) => selu.f(u) ** 2, 1, selu.kinks) - 1)).toBeLessThan(1e-9);
  });

  it("E[f(u₁)g(u₂)] matches the ReLU arc-cosine kernel (Cho & Saul 2009) and linear correlation", () => {
    const relu = act("relu");
    for (const c of [-0.9, -0.3, 0, 0.4, 0.95, 1]) {
      const q = 1.3;
      const exact = (q / (2 * Math.PI)) * (Math.sqrt(1 - c * c) + (Math.PI - Math.acos(c)) * c);
      expect(Math.abs(gaussianPairExpectation(relu.f, relu.f, q, q, c, relu.kinks) - exact)).toBeLessThan(1e-12);
    }
    expect(
      gaussianPairExpectation(
        (u) => u,
        (u) => u,
        2,
        0.5,
        0.3,
      ),
    ).toBeCloseTo(0.3, 13);
  });
});

describe("fixed points and χ₁ (Poole et al. 2016; Schoenholz et al. 2017)", () => {
  it("linear: q* = σ_b²/(1 − σ_w²), χ₁ = σ_w²; ReLU: q* = σ_b²/(1 − σ_w²/2), χ₁ = σ_w²/2", () => {
    expect(rel(qStar({ activation: act("linear"), sigmaW2: 0.6, sigmaB2: 0.2 }), 0.5)).toBeLessThan(1e-12);
    expect(chi1({ activation: act("linear"), sigmaW2: 0.6, sigmaB2: 0.2 })).toBeCloseTo(0.6, 13);
    expect(rel(qStar({ activation: act("relu"), sigmaW2: 1.5, sigmaB2: 0.1 }), 0.1 / 0.25)).toBeLessThan(1e-12);
    expect(chi1({ activation: act("relu"), sigmaW2: 1.5, sigmaB2: 0.1 })).toBeCloseTo(0.75, 13);
  });

  it("ReLU at σ_w² = 2 has χ₁ = 1 (He et al. 2015 is critical)", () => {
    expect(Math.abs(chi1({ activation: act("relu"), sigmaW2: 2, sigmaB2: 0 }) - 1)).toBeLessThan(1e-13);
  });

  it("SELU's fixed point is q* = 1 at σ_w² = 1, σ_b² = 0 (Klambauer et al. 2017)", () => {
    expect(Math.abs(qStar({ activation: act("selu"), sigmaW2: 1, sigmaB2: 0 }) - 1)).toBeLessThan(1e-9);
  });

  it("q* diverges to Infinity for ReLU with σ_w² > 2 and vanishes for linear nets with σ_w² < 1, σ_b² = 0", () => {
    expect(qStar({ activation: act("relu"), sigmaW2: 3, sigmaB2: 0 })).toBe(Infinity);
    expect(qStar({ activation: act("linear"), sigmaW2: 0.5, sigmaB2: 0 })).toBe(0);
  });

  it("tanh: q* and χ₁ agree with an independent Simpson computation to 1e-6 relative", () => {
    for (const [w, b] of [
      [1.5, 0.05],
      [3, 0.1],
      [0.8, 0.3],
    ]) {
      const p = { activation: act("tanh"), sigmaW2: w, sigmaB2: b };
      const q = qStar(p);
      const qRef = refQStar(Math.tanh, w, b);
      expect(rel(q, qRef)).toBeLessThan(1e-6);
      const chiRef = w * simpson((z) => (1 - Math.tanh(Math.sqrt(qRef) * z) ** 2) ** 2, 4000);
      expect(rel(chi1(p, q), chiRef)).toBeLessThan(1e-6);
    }
  });

  it("odd activations without bias have c* = 0 in the chaotic phase", () => {
    expect(Math.abs(cStar({ activation: act("tanh"), sigmaW2: 3, sigmaB2: 0 }))).toBeLessThan(1e-12);
  });
});

describe("critical σ_w² and depth scales", () => {
  it("tanh at σ_b² = 0.05 is critical at σ_w² ≈ 1.76 (Schoenholz et al. 2017), to 1e-6 of an independent bisection", () => {
    const { sigmaW2 } = criticalSigmaW2(act("tanh"), 0.05);
    expect(Math.abs(sigmaW2 - 1.76)).toBeLessThan(0.005);
    let lo = 1.5;
    let hi = 2;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      const q = refQStar(Math.tanh, mid, 0.05);
      const chi = mid * simpson((z) => (1 - Math.tanh(Math.sqrt(q) * z) ** 2) ** 2, 4000);
      if (chi < 1) lo = mid;
      else hi = mid;
    }
    expect(rel(sigmaW2, (lo + hi) / 2)).toBeLessThan(1e-6);
  });

  it("ReLU's critical σ_w² is 2 for σ_b² = 0", () => {
    expect(criticalSigmaW2(act("relu"), 0).sigmaW2).toBeCloseTo(2, 9);
  });

  it("ordered phase: ξ_c = −1/ln χ₁; at criticality ξ_c = Infinity", () => {
    const p = { activation: act("tanh"), sigmaW2: 1.2, sigmaB2: 0.05 };
    expect(depthScales(p).xiC).toBeCloseTo(-1 / Math.log(chi1(p)), 12);
    expect(meanField({ activation: act("relu"), sigmaW2: 2, sigmaB2: 0 }).xiC).toBe(Infinity);
  });

  it("chaotic phase: c* and ξ_c = −1/ln(σ_w² E[φ'(u₁)φ'(u₂)]) agree with a 2-D Simpson reference (ξ_c to 1e-4)", () => {
    const [w, b] = [2.5, 0.05];
    const s = meanField({ activation: act("tanh"), sigmaW2: w, sigmaB2: b });
    const q = s.qStar;
    const pair = (f: (u: number) => number, c: number) =>
      simpson(
        (z1) =>
          simpson((z2) => f(Math.sqrt(q) * z1) * f(Math.sqrt(q) * (c * z1 + Math.sqrt(1 - c * c) * z2)), 1200, 10),
        1200,
        10,
      );
    // c* satisfies c = (σ_w² E[tanh tanh] + σ_b²)/q*
    expect(Math.abs((w * pair(Math.tanh, s.cStar) + b) / q - s.cStar)).toBeLessThan(1e-8);
    const d = (u: number) => 1 - Math.tanh(u) ** 2;
    const xiRef = -1 / Math.log(w * pair(d, s.cStar));
    expect(rel(s.xiC, xiRef)).toBeLessThan(1e-4);
  });

  it("rejects negative variances and unknown activations with one-line errors", () => {
    expect(() => qStar({ activation: act("tanh"), sigmaW2: -1, sigmaB2: 0 })).toThrow(
      /^sigma-w2: must be a finite number >= 0/,
    );
    expect(() => meanField({ activation: act("tanh"), sigmaW2: 1, sigmaB2: Number.NaN })).toThrow(/^sigma-b2:/);
    expect(() => act("swishy")).toThrow(/^activation: unknown "swishy"/);
  });
});

describe("Jacobian spectrum and length fluctuations", () => {
  it("Pennington et al. (2017): σ²(JJᵀ) = L(μ₂/μ₁² − 1 − s₁) — linear nets: L for Gaussian, 0 for orthogonal", () => {
    const p = { activation: act("linear"), sigmaW2: 1, sigmaB2: 0 };
    expect(jacobianSpectrumTheory(p, "gaussian", 7).eigVariance).toBeCloseTo(7, 12);
    expect(jacobianSpectrumTheory(p, "orthogonal", 7).eigVariance).toBeCloseTo(0, 12);
    const t = jacobianSpectrumTheory({ activation: act("tanh"), sigmaW2: 1.05, sigmaB2: 2e-5 }, "orthogonal", 100);
    expect(t.eigVariance).toBeCloseTo(100 * (t.mu2 / t.mu1 ** 2 - 1), 10);
  });

  it("Hanin & Rolnick (2018): E[M_d²]/M_0² = ∏(1 + 5/n_j); the seed's variance law Var(out) = n·Var(in)·Var(w)", () => {
    const h = haninRolnickGrowth([10, 20, 40]);
    expect(h.secondMomentRatio).toBeCloseTo(1.5 * 1.25 * 1.125, 14);
    expect(h.beta).toBeCloseTo(0.1 + 0.05 + 0.025, 15);
    expect(linearVarianceLaw(625, 1, 1)).toBe(625);
    expect(linearVarianceLaw(625, 1, 1 / 625)).toBe(1);
  });
});

describe("theory against initlab's finite-width simulations", () => {
  const tanhNet = (n: number, depth: number, w: number, b: number) => ({
    inputWidth: n,
    widths: new Array(depth).fill(n),
    init: `normal(std=${Math.sqrt(w / n)})`,
    biasInit: `normal(std=${Math.sqrt(b)})`,
    activation: "tanh",
    residual: null,
    norm: null,
    framework: null,
  });

  it("q^l is within a few percent of the prediction at width 2000 (tanh, σ_w² = 1.5, σ_b² = 0.05)", async () => {
    const spec = tanhNet(2000, 8, 1.5, 0.05);
    const theory = networkTheory(spec, 1);
    // the weights make each layer's q fluctuate by ≈ √(2/n) = 3.2% relative; 4 seeds × 8 layers averaged: sd ≈ 0.6%
    let sum = 0;
    let count = 0;
    for (const seed of [0, 1, 2, 3]) {
      const r = await propagate({ network: spec, batch: 8, seed, dtype: "float32" });
      r.layers.forEach((l, i) => {
        const ratio = l.pre.rms ** 2 / theory.q[i];
        expect(Math.abs(ratio - 1)).toBeLessThan(5 * Math.sqrt(2 / 2000));
        sum += ratio - 1;
        count++;
      });
    }
    expect(Math.abs(sum / count)).toBeLessThan(0.03);
  }, 30_000);

  it("the fitted correlation depth scale is within 15% of ξ_c (tanh, σ_w² = 1.2, σ_b² = 0.05, width 1000)", async () => {
    const [w, b, n, depth] = [1.2, 0.05, 1000, 16];
    const mf = meanField({ activation: act("tanh"), sigmaW2: w, sigmaB2: b });
    const spec = tanhNet(n, depth, w, b);
    const avg = new Array(depth).fill(0);
    const seeds = 6;
    for (let s = 0; s < seeds; s++) {
      const r = await propagateCorrelation(
        { network: spec, batch: 2, seed: s, dtype: "float64", inputScale: Math.sqrt(mf.qStar) },
        0.2,
      );
      r.layers.forEach((l, i) => (avg[i] += Math.log(1 - l.c) / seeds));
    }
    // least-squares slope of ln(1 − c^l) over layers 4…15: 1 − c^l ∝ e^{−l/ξ_c}
    const xs = Array.from({ length: 12 }, (_, i) => i + 4);
    const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
    const my = xs.reduce((s, x) => s + avg[x], 0) / xs.length;
    const slope = xs.reduce((s, x) => s + (x - mx) * (avg[x] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    expect(rel(-1 / slope, mf.xiC)).toBeLessThan(0.15);
  }, 30_000);
});

describe("meanField without the correlation map", () => {
  it("gives the same q*, χ₁, ξ_q and regime as the full summary, and NaN for c*, ξ_c and 6ξ_c", () => {
    for (const [name, w, b] of [
      ["tanh", 512, 0],
      ["tanh", 1.76, 0.05],
      ["relu", 2, 0.1],
      ["gelu", 2.2, 0],
      ["selu", 1, 0],
    ] as const) {
      const p = { activation: parseActivation(name), sigmaW2: w, sigmaB2: b };
      const full = meanField(p);
      const light = meanField(p, { correlation: false });
      expect([light.qStar, light.chi1, light.fixedPoint]).toEqual([full.qStar, full.chi1, full.fixedPoint]);
      expect(Object.is(light.xiQ, full.xiQ) || light.xiQ === full.xiQ).toBe(true);
      expect([light.cStar, light.xiC, light.trainableDepth].every(Number.isNaN)).toBe(true);
    }
  });
});

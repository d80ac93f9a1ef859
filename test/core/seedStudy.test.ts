import { describe, expect, it } from "vitest";
import type { SeedStudyResult } from "../../src/core/internal.js";
import {
  linearNetGradients,
  matmul,
  matmulChain,
  rngStream,
  scaledNormal,
  seedStudy,
  symmetricUniform,
  toJson,
  varianceLaw,
} from "../../src/core/internal.js";

const FLT_MAX = 3.4028234663852886e38;
const SEEDS = [0, 1, 2];

/**
 * The layers where the seed study's events must happen, derived from float32's limits (not from
 * a run): with width n and weight std s the variance after layer k (0-based) is
 * v_k = v_in·(n·s²)^{k+1}. reduce_std's sum of squares n·v_k overflows once it passes FLT_MAX; the
 * variance rounds to 0 once v_k < 2⁻¹⁵⁰. The per-layer log-variance noise is ≈ √(2/n) ≈ 0.06, so
 * at these depths the prediction is off by at most a layer, and only where v_k is near the limit.
 */
function predictedLayer(vin: number, n: number, s: number, hit: (v: number) => boolean): number {
  for (let k = 0; k < 200; k++) if (hit(vin * (n * s * s) ** (k + 1))) return k;
  return -1;
}

describe.each(SEEDS)("seedStudy, seed %i", (seed) => {
  const r: SeedStudyResult = seedStudy({ seed });

  it("computes in float32 and says so", () => {
    expect(r.dtype).toBe("float32");
    expect(r.seed).toBe(seed);
  });

  it("exploding: std is non-finite first at layer 13, predicted from FLT_MAX", () => {
    // the run stops where the variance law says float32's sum of squares overflows
    expect(r.exploding.stoppedAt).toBe(predictedLayer(1, 512, 1, (v) => 512 * v > FLT_MAX));
    expect(r.exploding.stoppedAt).toBe(13);
    expect(r.exploding.reason).toBe("std-non-finite");
    const last = r.exploding.layers[r.exploding.layers.length - 1];
    expect(last.index).toBe(13);
    expect(last.std).toBe(Infinity);
    expect(r.exploding.layers.slice(0, -1).every((l) => Number.isFinite(l.std) && Number.isFinite(l.mean))).toBe(true);
  });

  it("exploding: the values themselves overflow near layer 28, once ≈ 3σ exceeds FLT_MAX", () => {
    // the largest of 512 normals is ≈ 3σ, so values overflow about when 3·√v_k > FLT_MAX
    const k = predictedLayer(1, 512, 1, (v) => 3 * Math.sqrt(v) > FLT_MAX);
    expect(r.exploding.events.valueNonFinite).toBeGreaterThanOrEqual(k - 1);
    expect(r.exploding.events.valueNonFinite).toBeLessThanOrEqual(k + 1);
  });

  it("exploding: the std grows by ≈ √512 a layer", () => {
    const ratios = r.exploding.layers.slice(1, 12).map((l, i) => l.std / r.exploding.layers[i].std);
    // each ratio is √(χ²₅₁₂/512)·√512 ⇒ relative sd ≈ 1/√(2·512) ≈ 0.031; 5 sd
    for (const q of ratios) expect(Math.abs(q / Math.sqrt(512) - 1)).toBeLessThan(5 * 0.031);
  });

  it("vanishing: std is exactly 0 first at layer 31 or 32, predicted from 2⁻¹⁵⁰", () => {
    const k = predictedLayer(1e-4, 512, 0.01, (v) => v < 2 ** -150);
    expect([k, k + 1]).toContain(r.vanishing.stoppedAt);
    expect([31, 32]).toContain(r.vanishing.stoppedAt);
    expect(r.vanishing.reason).toBe("std-zero");
    expect(r.vanishing.layers[r.vanishing.layers.length - 1].std).toBe(0);
    expect(r.vanishing.layers.slice(0, -1).every((l) => l.std > 0)).toBe(true);
  });

  it("variance law: std ≈ 25 = √625 with N(0,1) weights, ≈ 1 with std 1/25", () => {
    // given x the outputs are N(0, ‖x‖²) and ‖x‖ ≈ 25 ± 0.71 (‖x‖² ~ χ²₆₂₅): 5 sd = 3.5 (relative 0.14)
    expect(Math.abs(r.varianceLaw.unscaled.std - 25)).toBeLessThan(3.5);
    expect(Math.abs(r.varianceLaw.scaled.std - 1)).toBeLessThan(0.14);
    expect(r.varianceLaw.unscaled.predictedStd).toBe(25);
    expect(r.varianceLaw.scaled.predictedStd).toBeCloseTo(1, 12);
    // the mean is ≈ 0: SE of the mean of 10000 outputs with std σ is σ/100; 5 SE
    expect(Math.abs(r.varianceLaw.unscaled.mean)).toBeLessThan((5 * 25) / 100 + 0.5);
  });

  it("Xavier forward: 100 finite layers, the std a random walk around 1 inside its 5-sd envelope", () => {
    const layers = r.xavierForward.layers;
    expect(layers).toHaveLength(100);
    expect(r.xavierForward.bound).toBeCloseTo(Math.sqrt(6 / 1250), 15);
    // ln std performs a random walk with per-layer sd √(1/(2·625)) ≈ 0.028 (from Var ln χ²ₙ/n ≈ 2/n);
    // after l+1 layers its sd is 0.028·√(l+1). 5 sd envelope (plus the −1/(2n) per-layer drift).
    for (const l of layers) {
      const sd = Math.sqrt((l.index + 1) / (2 * 625));
      expect(Number.isFinite(l.std)).toBe(true);
      expect(Math.abs(Math.log(l.std))).toBeLessThan(5 * sd + (l.index + 1) / 1250);
    }
  });

  it("gradients: 150 × 5 finite mean gradients and a falling loss for both inits", () => {
    for (const g of [r.gradients.lecun, r.gradients.xavier]) {
      expect(g.epochs).toBe(150);
      expect(g.meanGradient).toHaveLength(150);
      expect(g.loss).toHaveLength(150);
      for (const row of g.meanGradient) {
        expect(row).toHaveLength(5);
        expect(row.every(Number.isFinite)).toBe(true);
      }
      expect(g.loss[149]).toBeLessThan(g.loss[0]);
      for (let e = 1; e < 150; e++) expect(g.loss[e]).toBeLessThanOrEqual(g.loss[e - 1]);
    }
  });
});

describe("seedStudy determinism", () => {
  it("gives bit-identical results for the same seed, and different ones for another seed", () => {
    const a = toJson(seedStudy({ seed: 5, epochs: 3 }));
    expect(toJson(seedStudy({ seed: 5, epochs: 3 }))).toBe(a);
    expect(toJson(seedStudy({ seed: 6, epochs: 3 }))).not.toBe(a);
  });

  it("matmulChain's layers do not depend on how many layers run (one stream per layer)", () => {
    const run = (depth: number) =>
      matmulChain({
        seed: 3,
        stream: "t",
        width: 64,
        depth,
        dtype: "float32",
        input: scaledNormal(1),
        weights: scaledNormal(0.125),
        stop: "none",
      });
    expect(run(10).layers).toEqual(run(20).layers.slice(0, 10));
  });

  it("float64 moves the events: with n = 512 the float64 std never overflows within 100 layers", () => {
    const r = matmulChain({
      seed: 0,
      stream: "e",
      width: 512,
      depth: 100,
      dtype: "float64",
      input: scaledNormal(1),
      weights: scaledNormal(1),
      stop: "std-non-finite",
    });
    // 512·v_k > 1.8e308 needs (k+2)·ln 512 > 709.8, i.e. k ≥ 112: beyond the run's depth, so float64 never stops
    expect(predictedLayer(1, 512, 1, (v) => 512 * v > Number.MAX_VALUE)).toBeGreaterThan(r.layers.length);
    expect(r.stoppedAt).toBeNull();
    expect(r.reason).toBe("completed");
  });
});

describe("varianceLaw", () => {
  it("follows Var(out) = n_in·Var(in)·Var(w) for other fans", () => {
    // n_in = 100: σ = 10 with unit weights; ‖x‖ ≈ 10 ± 0.71 ⇒ relative sd 0.071; 5 sd
    const r = varianceLaw(4, 100, 20000, "float64");
    expect(Math.abs(r.unscaled.std / 10 - 1)).toBeLessThan(5 * 0.071);
    expect(r.unscaled.predictedStd).toBe(10);
  });
});

describe("linearNetGradients", () => {
  it("the mean gradient of layer l is mean(h_{l−1})·mean(δ_l) (the mean of an outer product), checked in float64", () => {
    const n = 40;
    const w = 1 / Math.sqrt(n);
    const g = linearNetGradients({
      seed: 1,
      stream: "id",
      weights: scaledNormal(w),
      width: n,
      layers: 3,
      epochs: 1,
      dtype: "float64",
    });
    // rebuild the same forward and backward pass from the same streams
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    scaledNormal(1)(rngStream(1, "id", "x"), x, "float64");
    scaledNormal(1)(rngStream(1, "id", "y"), y, "float64");
    const W = [0, 1, 2].map((l) => {
      const m = new Float64Array(n * n);
      scaledNormal(w)(rngStream(1, "id", "weights", l), m, "float64");
      return m;
    });
    const h: Float64Array[] = [x];
    for (let l = 0; l < 3; l++) h.push(matmul(h[l], W[l], 1, n, n, "float64") as Float64Array);
    const deltas: Float64Array[] = [];
    deltas[3] = h[3].map((o, j) => (2 * (o - y[j])) / n);
    for (let l = 3; l > 1; l--)
      deltas[l - 1] = Float64Array.from({ length: n }, (_, p) =>
        deltas[l].reduce((s, d, j) => s + d * W[l - 1][p * n + j], 0),
      );
    const mean = (v: Float64Array) => v.reduce((s, t) => s + t, 0) / n;
    for (let l = 0; l < 3; l++) {
      expect(g.meanGradient[0][l]).toBeCloseTo(mean(h[l]) * mean(deltas[l + 1]), 12);
      const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, t) => s + t * t, 0));
      expect(g.gradientNorm[0][l]).toBeCloseTo(norm(h[l]) * norm(deltas[l + 1]), 10);
    }
  });

  it("reproduces the notebook's literal loop when asked: feeding the output back changes the run", () => {
    const base = { seed: 2, stream: "fb", weights: symmetricUniform(Math.sqrt(6 / 1250)), epochs: 3 };
    const fixed = linearNetGradients(base);
    const fed = linearNetGradients({ ...base, feedOutputBack: true });
    expect(fed.feedOutputBack).toBe(true);
    expect(fed.loss[0]).toBe(fixed.loss[0]);
    expect(fed.loss[2]).not.toBe(fixed.loss[2]);
  });

  it("plain gradient descent with lr 0 leaves the loss unchanged", () => {
    const g = linearNetGradients({ seed: 0, stream: "lr0", weights: scaledNormal(1 / 25), epochs: 3, learningRate: 0 });
    expect(g.loss[2]).toBe(g.loss[0]);
  });
});

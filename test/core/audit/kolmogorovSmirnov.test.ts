import { describe, expect, it } from "vitest";
import { kolmogorovQ, ksStatistic, ksTest } from "../../../src/core/audit/kolmogorovSmirnov.js";
import { normalCdf } from "../../../src/core/math/normalDistribution.js";
import { fillNormal } from "../../../src/core/random/normal.js";
import { rngStream } from "../../../src/core/random/Rng.js";

describe("Kolmogorov–Smirnov", () => {
  it("Q(λ) matches the tabulated critical values of Kolmogorov's distribution", () => {
    // P(K > 1.3581) = 0.05, P(K > 1.6276) = 0.01, P(K > 1.2238) = 0.10 (Smirnov's table)
    expect(kolmogorovQ(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovQ(1.6276)).toBeCloseTo(0.01, 4);
    expect(kolmogorovQ(1.2238)).toBeCloseTo(0.1, 4);
  });

  it("both series of Q agree where they meet (λ = 1.18)", () => {
    const below = kolmogorovQ(1.18 - 1e-12);
    const above = kolmogorovQ(1.18);
    expect(Math.abs(below - above)).toBeLessThan(1e-9);
  });

  it("D of an evenly spaced sample against its own uniform law is 1/(2n)", () => {
    const n = 100;
    const sorted = Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    expect(ksStatistic(sorted, (x) => x)).toBeCloseTo(1 / (2 * n), 12);
  });

  it("a quantized sample of the right law passes the grouped test and fails the plain one", () => {
    const rng = rngStream(0, "ks-quantized");
    const step = 0.05;
    const x = fillNormal(rng, new Float64Array(50_000))
      .map((v) => Math.round(v / step) * step)
      .sort();
    expect(ksTest(x, normalCdf, step).pValue).toBeGreaterThan(0.001);
    expect(ksTest(x, normalCdf).pValue).toBeLessThan(1e-3); // rejected at the audit's level FIT_ALPHA
  });

  it("p-values of samples from the tested law are uniform: ≈ 5 % below 0.05", () => {
    // 400 seeded samples of n = 300; the count below 0.05 is Binomial(400, 0.05): mean 20, sd 4.4 — allow 4 sd
    let below = 0;
    for (let s = 0; s < 400; s++) {
      const x = fillNormal(rngStream(s, "ks-uniformity"), new Float64Array(300)).sort();
      if (ksTest(x, normalCdf).pValue < 0.05) below++;
    }
    expect(below).toBeGreaterThan(20 - 4 * 4.4);
    expect(below).toBeLessThan(20 + 4 * 4.4);
  });
});

describe("the fit sample of a large tensor", () => {
  it("takes exactly maxCount distinct values (without replacement), sorted", async () => {
    const { sortedSample } = await import("../../../src/core/audit/weightStats.js");
    const values = Float64Array.from({ length: 10_000 }, (_, i) => i);
    const s = sortedSample(values, 3000, rngStream(0, "s"));
    expect(s.length).toBe(3000);
    expect(new Set(s).size).toBe(3000);
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
  });

  it("keeps the KS test exact: subsamples of normal tensors reject at ≈ 5 % (drawing with replacement would give ≈ 12 %)", async () => {
    const { sortedSample } = await import("../../../src/core/audit/weightStats.js");
    // 200 tensors of 5000 N(0,1) values, 2000 sampled from each: rejections at 0.05 are Binomial(200, 0.05),
    // mean 10, sd 3.1 — allow 4 sd; with replacement the statistic is inflated by √(1 + 2000/5000)
    let below = 0;
    for (let t = 0; t < 200; t++) {
      const v = fillNormal(rngStream(t, "tensor"), new Float64Array(5000));
      if (ksTest(sortedSample(v, 2000, rngStream(t, "sample")), normalCdf).pValue < 0.05) below++;
    }
    expect(below).toBeLessThan(10 + 4 * 3.1);
  });
});

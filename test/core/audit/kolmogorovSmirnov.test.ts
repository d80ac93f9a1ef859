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

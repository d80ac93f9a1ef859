import { describe, expect, it } from "vitest";
import {
  erf,
  erfc,
  normalCdf,
  TRUNCATED_NORMAL_STD_2SIGMA,
  truncatedNormalCdf,
  truncatedNormalMoments,
} from "../../../src/core/internal.js";

describe("erf / erfc", () => {
  it("match reference values to 1e-15 relative", () => {
    // values from Abramowitz & Stegun Table 7.1 extended to 16 digits (mpmath)
    const cases: [number, number][] = [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [-1.5, -0.9661051464753108],
    ];
    for (const [x, v] of cases) expect(Math.abs(erf(x) - v) / Math.abs(v)).toBeLessThan(1e-15);
    expect(Math.abs(erfc(3) / 2.209049699858544e-5 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(erfc(5) / 1.5374597944280349e-12 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(erfc(-3) - (2 - 2.209049699858544e-5))).toBeLessThan(1e-15);
  });

  it("erf is exactly ±1 for |x| ≥ 6, where 1 − erfc(x) rounds to 1 (erfc(6) < 2⁻⁵⁴)", () => {
    expect(erfc(6)).toBeLessThan(2 ** -54);
    expect(1 - erfc(6)).toBe(1);
    expect(1 - erfc(5.9)).toBeLessThan(1);
    for (const x of [6, 7.5, 1e10, Infinity]) {
      expect(erf(x)).toBe(1);
      expect(erf(-x)).toBe(-1);
    }
  });

  it("normalCdf(x) = erfc(−x/√2)/2: Φ(0) = 1/2, Φ(1.959963984540054) = 0.975", () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
  });
});

describe("truncatedNormalMoments", () => {
  it("gives the 0.87962566103423978 constant: std of N(0,1) truncated to (−2, 2) is √(1 − 4φ(2)/(2Φ(2) − 1))", () => {
    const m = truncatedNormalMoments(0, 1, -2, 2);
    expect(m.mean).toBe(0);
    expect(Math.abs(Math.sqrt(m.variance) - TRUNCATED_NORMAL_STD_2SIGMA)).toBeLessThan(1e-15);
  });

  it("matches numerical integration for asymmetric bounds (mean and variance formulas)", () => {
    const [mu, s, lo, hi] = [0.3, 1.7, -1, 4];
    // Simpson's rule on the truncated density
    const n = 20000;
    const h = (hi - lo) / n;
    let z = 0;
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i <= n; i++) {
      const x = lo + i * h;
      const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
      const p = Math.exp(-0.5 * ((x - mu) / s) ** 2);
      z += w * p;
      m1 += w * p * x;
      m2 += w * p * x * x;
    }
    const mean = m1 / z;
    const variance = m2 / z - mean * mean;
    const got = truncatedNormalMoments(mu, s, lo, hi);
    expect(got.mean).toBeCloseTo(mean, 10);
    expect(got.variance).toBeCloseTo(variance, 10);
  });

  it("truncatedNormalCdf is 0 at low, 1 at high and Φ-shaped between", () => {
    expect(truncatedNormalCdf(-2, 0, 1, -2, 2)).toBe(0);
    expect(truncatedNormalCdf(2, 0, 1, -2, 2)).toBe(1);
    expect(truncatedNormalCdf(0, 0, 1, -2, 2)).toBeCloseTo(0.5, 15);
  });
});

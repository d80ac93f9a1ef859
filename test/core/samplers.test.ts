import { describe, expect, it } from "vitest";
import { fillNormal, fillUniform, rngStream, standardNormal } from "../../src/core/internal.js";
import { ksCritical001, ksStatistic, moments, normalCdf } from "./stats.js";

const N = 1_000_000;

describe("fillNormal (ziggurat)", () => {
  const z = fillNormal(rngStream(11, "normal-test"), new Float64Array(N));
  const m = moments(z);

  it("has mean 0 and variance 1 within 5 standard errors at n = 1e6", () => {
    // SE(mean) = 1/√n = 1e-3; SE(variance) = √(2/n) ≈ 1.41e-3
    expect(Math.abs(m.mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(m.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
  });

  it("has skewness 0 and excess kurtosis 0 within 5 standard errors", () => {
    // SE(skewness) ≈ √(6/n), SE(excess kurtosis) ≈ √(24/n)
    expect(Math.abs(m.skewness)).toBeLessThan(5 * Math.sqrt(6 / N));
    expect(Math.abs(m.kurtosis)).toBeLessThan(5 * Math.sqrt(24 / N));
  });

  it("passes a Kolmogorov–Smirnov test against Φ at α = 0.001", () => {
    expect(ksStatistic(z, normalCdf)).toBeLessThan(ksCritical001(N));
  });

  it("puts the right mass in the tail beyond the ziggurat's base r = 3.4426", () => {
    // P(|Z| > r) = 2(1 − Φ(r)) ≈ 5.76e-4; binomial SE = √(p(1−p)/n)
    const r = 3.442619855899;
    const p = 2 * (1 - normalCdf(r));
    let count = 0;
    for (const v of z) if (Math.abs(v) > r) count++;
    expect(Math.abs(count / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
  });

  it("scales by mean and std: out = mean + std·z", () => {
    const a = fillNormal(rngStream(5, "s"), new Float64Array(10), 3, 2);
    const b = fillNormal(rngStream(5, "s"), new Float64Array(10));
    a.forEach((v, i) => expect(v).toBeCloseTo(3 + 2 * b[i], 12));
  });

  it("standardNormal draws the same numbers as fillNormal from the same stream", () => {
    const r = rngStream(2, "single");
    const singles = Array.from({ length: 1000 }, () => standardNormal(r));
    expect(singles).toEqual(Array.from(fillNormal(rngStream(2, "single"), new Float64Array(1000))));
  });

  it("rejects a negative or non-finite std with a one-line error", () => {
    expect(() => fillNormal(rngStream(0), new Float64Array(1), 0, -1)).toThrow(/^std: must be a finite number >= 0/);
    expect(() => fillNormal(rngStream(0), new Float64Array(1), Number.NaN, 1)).toThrow(/^mean:/);
  });
});

describe("fillUniform", () => {
  const u = fillUniform(rngStream(12, "uniform-test"), new Float64Array(N), -2, 3);

  it("has mean (a+b)/2 and variance (b−a)²/12 within 5 standard errors", () => {
    const m = moments(u);
    // SE(mean) = √(25/12)/√n; Var of (U−μ)² for U(a,b) is (b−a)⁴/180, so SE(variance) = (b−a)²/√(180 n)
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(5 * Math.sqrt(25 / 12 / N));
    expect(Math.abs(m.variance - 25 / 12)).toBeLessThan((5 * 25) / Math.sqrt(180 * N));
  });

  it("stays in [a, b) and passes a KS test at α = 0.001", () => {
    let outside = 0;
    for (const v of u) if (!(v >= -2 && v < 3)) outside++;
    expect(outside).toBe(0);
    expect(ksStatistic(u, (x) => Math.min(1, Math.max(0, (x + 2) / 5)))).toBeLessThan(ksCritical001(N));
  });

  it("rejects low > high", () => {
    expect(() => fillUniform(rngStream(0), new Float64Array(1), 1, 0)).toThrow(/uniform bounds/);
  });
});

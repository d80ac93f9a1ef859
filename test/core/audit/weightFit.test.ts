import { describe, expect, it } from "vitest";
import {
  fitWeights,
  orthogonalityProbe,
  symmetricTruncatedCdf,
  truncatedBoundRatio,
} from "../../../src/core/audit/weightFit.js";
import { sortedSample, weightStats } from "../../../src/core/audit/weightStats.js";
import { haarOrthonormalColumns } from "../../../src/core/linalg/haarOrthogonal.js";
import { TRUNCATED_NORMAL_STD_2SIGMA, truncatedNormal } from "../../../src/core/init/truncatedNormal.js";
import { fillNormal } from "../../../src/core/random/normal.js";
import { rngStream } from "../../../src/core/random/Rng.js";
import { fillUniform } from "../../../src/core/random/uniform.js";

function fit(values: ArrayLike<number>, matrix: { rows: number; cols: number } | null = null) {
  const stats = weightStats(values);
  const sorted = sortedSample(values, 200_000, rngStream(0, "fit-sample"));
  return fitWeights(values, sorted, stats, { matrix, rng: rngStream(0, "fit-probe") });
}

describe("fitWeights", () => {
  const n = 20_000;

  it("truncatedBoundRatio(c) = c/τ(c): 2/0.8796 at c = 2, → √3 (uniform) as c → 0", () => {
    expect(truncatedBoundRatio(2)).toBeCloseTo(2 / TRUNCATED_NORMAL_STD_2SIGMA, 12);
    // τ(c)² = c²/3·(1 − 2c²/15 + …) for small c, so c/τ(c) = √3·(1 + c²/15 + …)
    expect(truncatedBoundRatio(0.01)).toBeCloseTo(Math.sqrt(3) * (1 + 1e-4 / 15), 8);
  });

  it("symmetricTruncatedCdf is 0, ½ and 1 at −cσ, μ and cσ", () => {
    const f = symmetricTruncatedCdf(1, 2, 2);
    expect(f(1 - 4)).toBe(0);
    expect(f(1)).toBeCloseTo(0.5, 14);
    expect(f(1 + 4)).toBe(1);
  });

  it("identifies a uniform tensor and its bound (relative error ~ 1/n)", () => {
    const v = fillUniform(rngStream(1, "u"), new Float64Array(n), -0.3, 0.3);
    const f = fit(v);
    expect(f.family).toBe("uniform");
    expect(Math.abs((f.bound ?? 0) - 0.3)).toBeLessThan(0.3 * (10 / n));
  });

  it("identifies a normal tensor and its std (5 standard errors σ/√(2n))", () => {
    const v = fillNormal(rngStream(2, "n"), new Float64Array(n), 0, 0.05);
    const f = fit(v);
    expect(f.family).toBe("normal");
    expect(Math.abs(f.std - 0.05)).toBeLessThan(5 * (0.05 / Math.sqrt(2 * n)));
  });

  it("identifies a ±2σ truncated normal and its cut", () => {
    const rng = rngStream(3, "t");
    const v = Float64Array.from({ length: n }, () => truncatedNormal(rng, 0, 0.1, -0.2, 0.2));
    const f = fit(v);
    expect(f.family).toBe("truncated_normal");
    // the cut comes from the sample max (within ~ σ/(n·φ(2)) of the bound) and the sample std
    expect(Math.abs((f.cut ?? 0) - 2)).toBeLessThan(0.05);
    expect(Math.abs(f.std - 0.1)).toBeLessThan(0.1 * 0.03);
  });

  it("reads a torch trunc_normal_(std=0.02), whose bounds ±2 sit at 100σ, as a normal", () => {
    const rng = rngStream(4, "t");
    const v = Float64Array.from({ length: n }, () => truncatedNormal(rng, 0, 0.02, -2, 2));
    expect(fit(v).family).toBe("normal");
  });

  it("identifies an orthogonal matrix and its gain from equal singular values", () => {
    // 128 × 64 with orthonormal columns, column-major: row-major it is the 64 × 128 transpose, with orthonormal rows
    const q = haarOrthonormalColumns(rngStream(5, "o"), 128, 64);
    const g = Math.SQRT2;
    const v = Float64Array.from(q, (x) => g * x);
    const f = fit(v, { rows: 64, cols: 128 });
    expect(f.family).toBe("orthogonal");
    expect(f.gain).toBeCloseTo(g, 6);
    expect(
      orthogonalityProbe(fillNormal(rngStream(6, "g"), new Float64Array(128 * 64)), 128, 64, rngStream(0, "p")).spread,
    ).toBeGreaterThan(1e-2);
  });

  it("identifies constants and sparse tensors", () => {
    expect(fit(new Float64Array(100).fill(0)).family).toBe("constant");
    const v = fillNormal(rngStream(7, "s"), new Float64Array(n), 0, 0.01);
    for (let i = 0; i < n; i += 10) v[i] = 0;
    const f = fit(v);
    expect(f.family).toBe("sparse");
    expect(f.sparsity).toBeCloseTo(0.1, 6);
  });

  it("reports heavy-tailed (trained-looking) values as unknown", () => {
    // Laplace(0, 0.05) by inversion: kurtosis 6, no family of the catalog
    const u = fillUniform(rngStream(8, "l"), new Float64Array(n), -0.5, 0.5);
    const v = u.map((x) => -0.05 * Math.sign(x) * Math.log(1 - 2 * Math.abs(x)));
    const f = fit(v);
    expect(f.family).toBe("unknown");
    expect(f.tried.length).toBeGreaterThanOrEqual(2);
    expect(f.pValue).toBeLessThan(1e-3);
  });
});

import { describe, expect, it } from "vitest";
import {
  marchenkoPasturDensity,
  marchenkoPasturEdges,
  spikeThreshold,
} from "../../../src/core/audit/marchenkoPastur.js";
import { powerLawFit } from "../../../src/core/audit/powerLawFit.js";
import { weightSpectrum } from "../../../src/core/audit/weightSpectrum.js";
import { haarOrthonormalColumns } from "../../../src/core/linalg/haarOrthogonal.js";
import { fillNormal } from "../../../src/core/random/normal.js";
import { rngStream } from "../../../src/core/random/Rng.js";
import { fillUniform } from "../../../src/core/random/uniform.js";

/** U·diag(s)·Vᵀ, row-major rows × cols, from Haar U (rows × k) and V (cols × k). */
function withSingularValues(rows: number, cols: number, s: readonly number[]): Float64Array {
  const k = s.length;
  const u = haarOrthonormalColumns(rngStream(1, "U"), rows, k); // column-major
  const v = haarOrthonormalColumns(rngStream(2, "V"), cols, k);
  const w = new Float64Array(rows * cols);
  for (let j = 0; j < k; j++)
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) w[r * cols + c] += s[j] * u[j * rows + r] * v[j * cols + c];
  return w;
}

describe("weightSpectrum", () => {
  it("the Marchenko–Pastur density integrates to 1 over its bulk σ²(√N ± √M)²", () => {
    const [rows, cols, v] = [400, 100, 0.01];
    const { lower, upper } = marchenkoPasturEdges(rows, cols, v);
    expect(lower).toBeCloseTo(v * (20 - 10) ** 2, 12);
    expect(upper).toBeCloseTo(v * (20 + 10) ** 2, 12);
    let sum = 0;
    const steps = 200_000;
    const h = (upper - lower) / steps;
    for (let i = 0; i < steps; i++) sum += marchenkoPasturDensity(lower + (i + 0.5) * h, rows, cols, v) * h;
    expect(sum).toBeCloseTo(1, 3);
  });

  it("every singular value of a small view: the known spectrum of U·diag(s)·Vᵀ", () => {
    const s = [5, 4, 3, 2, 1, 0.5];
    const sp = weightSpectrum(withSingularValues(40, 30, s), 40, 30, rngStream(0, "l"));
    expect(sp.method).toBe("full");
    for (let i = 0; i < s.length; i++) expect(Math.sqrt(sp.eigenvalues[i])).toBeCloseTo(s[i], 9);
    expect(sp.spectralNorm).toBeCloseTo(5, 9);
    // stable rank = Σ s² / s_max²
    expect(sp.stableRank).toBeCloseTo(s.reduce((a, x) => a + x * x, 0) / 25, 9);
  });

  it("Lanczos finds the largest singular values of a large view", () => {
    const s = Array.from({ length: 40 }, (_, i) => 10 / (1 + i));
    const sp = weightSpectrum(withSingularValues(700, 600, s), 700, 600, rngStream(0, "l"));
    expect(sp.method).toBe("lanczos");
    expect(sp.eigenvalues.length).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < 10; i++) expect(Math.sqrt(sp.eigenvalues[i])).toBeCloseTo(s[i], 6);
  });

  it("a Gaussian matrix has no spike above the Tracy–Widom threshold; a planted rank-one signal has one", () => {
    const [rows, cols] = [300, 200];
    const w = fillNormal(rngStream(3, "g"), new Float64Array(rows * cols), 0, 0.05);
    const sp = weightSpectrum(w, rows, cols, rngStream(0, "l"));
    expect(sp.spikes).toBe(0);
    // the top eigenvalue sits at the bulk edge, within a few Tracy–Widom scales
    expect(sp.eigenvalues[0]).toBeLessThan(spikeThreshold(rows, cols, 0.05 ** 2));
    expect(sp.eigenvalues[0]).toBeGreaterThan(0.9 * sp.mpBulkEdge);
    const a = fillUniform(rngStream(4, "a"), new Float64Array(rows), -1, 1);
    const b = fillUniform(rngStream(5, "b"), new Float64Array(cols), -1, 1);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) w[r * cols + c] += 0.05 * a[r] * b[c];
    expect(weightSpectrum(w, rows, cols, rngStream(0, "l")).spikes).toBe(1);
  });

  it("powerLawFit recovers the exponent of a Pareto tail (MLE, 5 standard errors (α−1)/√n)", () => {
    const alpha = 3;
    const u = fillUniform(rngStream(6, "p"), new Float64Array(4000), 0, 1);
    const x = u.map((v) => (1 - v) ** (-1 / (alpha - 1)));
    const fit = powerLawFit(x)!;
    expect(Math.abs(fit.alpha - alpha)).toBeLessThan((5 * (alpha - 1)) / Math.sqrt(fit.tail));
  });

  it("an orthogonal matrix's flat spectrum has no power law", () => {
    expect(powerLawFit(new Float64Array(100).fill(1))).toBeNull();
  });
});

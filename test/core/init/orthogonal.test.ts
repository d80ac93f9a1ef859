import { describe, expect, it } from "vitest";
import {
  centreTap,
  haarOrthonormalColumns,
  initialize,
  orthogonalityError,
  orthogonalView,
  rngStream,
} from "../../../src/core/internal.js";
import { ksCritical001, ksStatistic } from "../stats.js";

describe("orthogonal", () => {
  it.each([[[256, 256]], [[64, 300]], [[300, 64]], [[32, 8, 3, 3]]])(
    "float32 values of shape %j are orthogonal to < 1e-5 (max |QᵀQ − I| of the flattened matrix)",
    (shape) => {
      for (const layout of ["keras", "torch"] as const) {
        const { values, resolved } = initialize(
          "orthogonal(gain=2)",
          { shape, layout },
          rngStream(7, "orth"),
          "float32",
        );
        const p = resolved.params as { kind: "orthogonal"; flatten: "first" | "last" };
        const [r, c] = orthogonalView(shape, p.flatten);
        expect(orthogonalityError(values, r, c, 2)).toBeLessThan(1e-5);
        expect(resolved.variance).toBeCloseTo(4 / Math.max(r, c), 15);
      }
    },
  );

  it("flattens over output units: torch [out, rest], keras [rest, out]", () => {
    const t = initialize("orthogonal", { shape: [8, 4, 3, 3], layout: "torch" }, rngStream(0)).resolved;
    expect(t.params).toMatchObject({ flatten: "first" });
    const k = initialize("orthogonal", { shape: [3, 3, 4, 8] }, rngStream(0)).resolved;
    expect(k.params).toMatchObject({ flatten: "last" });
  });

  it("is Haar: every entry of a 3×3 Haar orthogonal matrix is uniform on [−1, 1] (Archimedes), KS at α = 0.001", () => {
    // a column of a Haar orthogonal 3×3 matrix is uniform on the sphere S², whose coordinates are U(−1, 1)
    const N = 20000;
    const q00 = new Float64Array(N);
    const q12 = new Float64Array(N);
    for (let s = 0; s < N; s++) {
      const q = haarOrthonormalColumns(rngStream(s, "haar"), 3, 3);
      q00[s] = q[0];
      q12[s] = q[2 * 3 + 1];
    }
    const cdf = (x: number) => (x + 1) / 2;
    expect(ksStatistic(q00, cdf)).toBeLessThan(ksCritical001(N));
    expect(ksStatistic(q12, cdf)).toBeLessThan(ksCritical001(N));
  });

  it("has a random sign of det: det(Q) = ±1 with probability 1/2 each (binomial 5-SE bound)", () => {
    const N = 4000;
    let pos = 0;
    for (let s = 0; s < N; s++) {
      const q = haarOrthonormalColumns(rngStream(s, "det"), 2, 2);
      const det = q[0] * q[3] - q[2] * q[1];
      expect(Math.abs(Math.abs(det) - 1)).toBeLessThan(1e-12);
      if (det > 0) pos++;
    }
    expect(Math.abs(pos / N - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / N));
  });

  it("1024×1024 is orthogonal to float32 precision", () => {
    const { values } = initialize("orthogonal", { shape: [1024, 1024] }, rngStream(0), "float32");
    // check a band of 32 columns against all others (the full Gram matrix is 1 GFLOP)
    let err = 0;
    for (let a = 0; a < 32; a++) {
      for (let b = 0; b < 1024; b++) {
        let s = 0;
        for (let t = 0; t < 1024; t++) s += values[t * 1024 + a] * values[t * 1024 + b];
        err = Math.max(err, Math.abs(s - (a === b ? 1 : 0)));
      }
    }
    expect(err).toBeLessThan(1e-5);
  });
});

describe("delta_orthogonal", () => {
  it("puts gain × an orthogonal [in, out] matrix at the centre tap and zeros elsewhere (Xiao et al. 2018)", () => {
    const shape = [3, 3, 16, 32];
    const { values, resolved } = initialize("delta_orthogonal(gain=1.5)", { shape }, rngStream(2), "float32");
    const tap = centreTap(resolved.ctx, values);
    expect([tap.rows, tap.cols]).toEqual([16, 32]);
    expect(orthogonalityError(tap.matrix, 16, 32, 1.5)).toBeLessThan(1e-5);
    const total = values.reduce((s, v) => s + v * v, 0);
    const centre = tap.matrix.reduce((s, v) => s + v * v, 0);
    expect(total).toBeCloseTo(centre, 10);
    // E[w²] = gain²·in/(∏k·in·out) = gain²/(∏k·out)
    expect(resolved.variance + resolved.mean ** 2).toBeCloseTo(2.25 / (9 * 32), 15);
  });

  it("works in torch layout too", () => {
    const { values, resolved } = initialize(
      "delta_orthogonal",
      { shape: [32, 16, 3, 3], layout: "torch" },
      rngStream(2),
      "float32",
    );
    const tap = centreTap(resolved.ctx, values);
    expect(orthogonalityError(tap.matrix, 16, 32)).toBeLessThan(1e-5);
  });
});

import { describe, expect, it } from "vitest";
import { avxLog, avxSinCos } from "../../../src/core/internal.js";

describe("avx_mathfun's float32 log and sincos (PyTorch's AVX2 Box–Muller)", () => {
  it("avxLog is ln within 2 float32 units on (0, 1] and gives ln 1 = 0", () => {
    for (let j = 1; j <= 10_000; j++) {
      const x = Math.fround(j / 10_000);
      expect(Math.abs(avxLog(x) - Math.log(x))).toBeLessThanOrEqual(
        Math.max(Math.abs(Math.log(x)) * 2 ** -22, 2 ** -24),
      );
    }
    expect(avxLog(1)).toBe(0);
    expect(avxLog(0)).toBeNaN();
  });

  it("avxSinCos is [sin, cos] within 2⁻²³ on [0, 2π) and gives [0, 1] at 0", () => {
    for (let j = 0; j < 10_000; j++) {
      const x = Math.fround((j / 10_000) * 2 * Math.PI);
      const [s, c] = avxSinCos(x);
      expect(Math.abs(s - Math.sin(x))).toBeLessThan(2 ** -23);
      expect(Math.abs(c - Math.cos(x))).toBeLessThan(2 ** -23);
    }
    expect(avxSinCos(0)).toEqual([0, 1]);
  });
});

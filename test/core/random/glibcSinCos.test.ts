import { describe, expect, it } from "vitest";
import {
  glibcCos,
  glibcCosFused,
  glibcSin,
  glibcSinCos,
  glibcSinFused,
  GLIBC_SINCOS_TABLE,
} from "../../../src/core/internal.js";

const bitsOf = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0].toString(16).padStart(16, "0");

describe("glibcSin, glibcCos: glibc's sin and cos (IBM's usncs), bit for bit", () => {
  it("derives glibc's table: row 1 is sin(1/128), its rest, cos(1/128), its rest, as glibc publishes them", () => {
    expect(Array.from(GLIBC_SINCOS_TABLE.subarray(4, 8), bitsOf)).toEqual([
      "3f7fffeaaaaeeeef",
      "bc1e45e2ec67b77c",
      "3fefffc000155552",
      "3c8f4a01a0196dae",
    ]);
  });

  it("each table row is sin and cos of k/128 split into a rounded value and a rest below half its unit", () => {
    for (let k = 0; k < 110; k++) {
      const [sn, ssn, cs, ccs] = GLIBC_SINCOS_TABLE.subarray(4 * k, 4 * k + 4);
      expect(Math.abs(sn - Math.sin(k / 128))).toBeLessThanOrEqual(Math.abs(sn) * 2 ** -52);
      expect(Math.abs(cs - Math.cos(k / 128))).toBeLessThanOrEqual(2 ** -52);
      expect(sn + ssn).toBe(sn);
      expect(cs + ccs).toBe(cs);
    }
  });

  it("is within one unit in the last place of Math.sin and Math.cos over [−8, 8] (40 000 arguments)", () => {
    for (let j = 0; j < 40_000; j++) {
      const x = -8 + (16 * j) / 40_000 + 1e-7;
      expect(Math.abs(glibcSin(x) - Math.sin(x))).toBeLessThanOrEqual(
        Math.max(Math.abs(Math.sin(x)), 2 ** -30) * 2 ** -52,
      );
      expect(Math.abs(glibcCos(x) - Math.cos(x))).toBeLessThanOrEqual(
        Math.max(Math.abs(Math.cos(x)), 2 ** -30) * 2 ** -52,
      );
    }
  });

  it("the unfused first try and the reduction's shortcuts never change a result: equal to the fused evaluation on 3·10⁵ arguments (seed 3)", () => {
    let state = 3;
    const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    let differ = 0;
    for (let i = 0; i < 150_000; i++) {
      // PyTorch's θ = 2πu, the Taylor range, the reduced range, and tiny arguments
      const x = [
        2 * Math.PI * (next() + next() * 2 ** -32),
        (next() - 0.5) * 0.3,
        (next() - 0.5) * 1e4,
        (next() - 0.5) * 2e-6,
      ][i % 4];
      if (glibcSin(x) !== glibcSinFused(x)) differ++;
      if (glibcCos(x) !== glibcCosFused(x)) differ++;
    }
    expect(differ).toBe(0);
  });

  it("glibcSinCos is [glibcSin, glibcCos] with one reduction (2·10⁴ arguments over [−100, 100], the ties below too)", () => {
    for (let j = 0; j < 20_000; j++) {
      const x = -100 + j / 100 + 1e-9;
      expect(glibcSinCos(x)).toEqual([glibcSin(x), glibcCos(x)]);
    }
    for (let m = 3; m < 400; m++) {
      const x = ((m + 0.5) * Math.PI) / 2;
      expect(glibcSinCos(x)).toEqual([glibcSinFused(x), glibcCosFused(x)]);
    }
  });

  it("settles a tie in rounding x·2/π to the quadrant as one rounding would (x = (m + ½)·π/2 ± units)", () => {
    for (let m = 3; m < 400; m++)
      for (let d = -3; d <= 3; d++) {
        const x0 = ((m + 0.5) * Math.PI) / 2;
        const x = x0 + d * 2 ** (Math.floor(Math.log2(x0)) - 52);
        expect(glibcSin(x)).toBe(glibcSinFused(x));
        expect(glibcCos(x)).toBe(glibcCosFused(x));
      }
  });

  it("keeps the special values: sin 0 = 0, sin −0 = −0, cos 0 = 1, tiny x: sin x = x, cos x = 1; odd sin, even cos", () => {
    expect(glibcSin(0)).toBe(0);
    expect(Object.is(glibcSin(-0), -0)).toBe(true);
    expect(glibcCos(0)).toBe(1);
    expect(glibcSin(1e-10)).toBe(1e-10);
    expect(glibcCos(1e-10)).toBe(1);
    for (const x of [0.3, 1.2, 3, 50]) {
      expect(glibcSin(-x)).toBe(-glibcSin(x));
      expect(glibcCos(-x)).toBe(glibcCos(x));
    }
  });
});

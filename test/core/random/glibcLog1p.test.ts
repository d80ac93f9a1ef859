import { describe, expect, it } from "vitest";
import {
  glibcLog1p,
  glibcLog1pf,
  LN2,
  LOG1P_LN2,
  LOG1P_LP,
  LOG1PF_LN2,
  LOG1PF_LP,
} from "../../../src/core/internal.js";

describe("glibcLog1pf: glibc's float32 log1pf (FDLIBM), bit for bit", () => {
  it("ln2_hi has 17 significant bits (k·ln2_hi exact for |k| < 2⁷) and ln2_hi + ln2_lo = ln 2 within 2⁻⁴⁰", () => {
    expect(Number.isInteger(LOG1PF_LN2.hi * 2 ** 17)).toBe(true);
    expect(Math.abs(LOG1PF_LN2.hi + LOG1PF_LN2.lo - LN2[0])).toBeLessThan(2 ** -40);
  });

  it("Lp₁…Lp₆ are the atanh series' 2/(2j + 1) within 1 %; Lp₇ also absorbs the series' rest (within 15 %)", () => {
    LOG1PF_LP.forEach((lp, j) => {
      const series = 2 / (2 * j + 3);
      expect(Math.abs(lp - series) / series).toBeLessThan(j < 6 ? 0.01 : 0.15);
    });
  });

  it("is within one float32 unit of the correctly rounded log1p over the tail's arguments −U (20 000, seed 3)", () => {
    let state = 3;
    for (let j = 0; j < 20_000; j++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const x = -Math.fround((state >>> 8) / 2 ** 24);
      const [g, c] = [glibcLog1pf(x), Math.fround(Math.log1p(x))];
      expect(Math.abs(g - c)).toBeLessThanOrEqual(Math.abs(c) * 2 ** -23);
    }
  });

  it("keeps log1p's special values: −1 → −∞, below −1 or NaN → NaN, ∞ → ∞, 0 → 0, tiny x → x", () => {
    expect(glibcLog1pf(-1)).toBe(-Infinity);
    expect(glibcLog1pf(-2)).toBeNaN();
    expect(glibcLog1pf(NaN)).toBeNaN();
    expect(glibcLog1pf(Infinity)).toBe(Infinity);
    expect(glibcLog1pf(0)).toBe(0);
    expect(glibcLog1pf(2 ** -60)).toBe(2 ** -60);
  });
});

describe("glibcLog1p: glibc's float64 log1p (FDLIBM with Shimizu's polynomial), bit for bit", () => {
  it("ln2_hi has 32 significant bits (n·ln2_hi exact for |n| < 2000) and ln2_hi + ln2_lo = ln 2 within 2⁻⁸⁰", () => {
    expect(Number.isInteger(LOG1P_LN2.hi * 2 ** 33)).toBe(true);
    expect(Math.abs(LOG1P_LN2.hi - LN2[0] + LOG1P_LN2.lo - LN2[1])).toBeLessThan(2 ** -80);
  });

  it("Lp₁…Lp₆ are the atanh series' 2/(2j + 1) within 1 %; Lp₇ also absorbs the series' rest (within 15 %)", () => {
    LOG1P_LP.forEach((lp, j) => {
      const series = 2 / (2 * j + 3);
      expect(Math.abs(lp - series) / series).toBeLessThan(j < 6 ? 0.01 : 0.15);
    });
  });

  it("is within one unit in the last place of JavaScript's Math.log1p over the tail's arguments −U (20 000, seed 4)", () => {
    let state = 4;
    for (let j = 0; j < 20_000; j++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const x = -(state / 2 ** 32);
      expect(Math.abs(glibcLog1p(x) - Math.log1p(x))).toBeLessThanOrEqual(Math.abs(Math.log1p(x)) * 2 ** -52);
    }
  });

  it("keeps log1p's special values: −1 → −∞, below −1 or NaN → NaN, ∞ → ∞, 0 → 0, tiny x → x", () => {
    expect(glibcLog1p(-1)).toBe(-Infinity);
    expect(glibcLog1p(-2)).toBeNaN();
    expect(glibcLog1p(NaN)).toBeNaN();
    expect(glibcLog1p(Infinity)).toBe(Infinity);
    expect(glibcLog1p(0)).toBe(0);
    expect(glibcLog1p(2 ** -60)).toBe(2 ** -60);
  });
});

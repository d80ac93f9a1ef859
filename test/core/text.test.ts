import { describe, expect, it } from "vitest";
import { eventSentences, NO_EVENTS } from "../../src/core/text/signalSentences.js";
import { formatPValue, formatStat } from "../../src/core/text/formatStat.js";

describe("one voice for numbers and events", () => {
  it("formatStat writes 4 significant digits, scientific outside [1e-3, 1e4), and names the special values", () => {
    expect(formatStat(22.627)).toBe("22.63");
    expect(formatStat(1.4e48)).toBe("1.400e+48");
    expect(formatStat(0.000123)).toBe("1.230e-4");
    expect(formatStat(0.587, 3)).toBe("0.587");
    expect([formatStat(0), formatStat(NaN), formatStat(Infinity), formatStat(-Infinity), formatStat(null)]).toEqual([
      "0",
      "nan",
      "inf",
      "-inf",
      "—",
    ]);
  });

  it("formatPValue: three decimals, then scientific, and the bottom of float64", () => {
    expect([formatPValue(0.5), formatPValue(2.4e-5), formatPValue(0)]).toEqual(["0.500", "2.4e-5", "< 1e-300"]);
  });

  it("events: the seed study's explosion in words, the values' overflow said apart", () => {
    expect(eventSentences({ stdNonFinite: 13, valueNonFinite: 28, stdZero: null, allZero: null })).toEqual([
      "std becomes non-finite at layer 13",
      "the values themselves overflow at layer 28",
    ]);
    expect(eventSentences({ stdNonFinite: 3, valueNonFinite: 3, stdZero: null, allZero: null })).toEqual([
      "std becomes non-finite (the values overflow) at layer 3",
    ]);
    expect(eventSentences({ stdNonFinite: null, valueNonFinite: null, stdZero: 31, allZero: 66 })).toEqual([
      "std is exactly 0 at layer 31",
      "every value is 0 at layer 66",
    ]);
    expect(eventSentences({ stdNonFinite: null, valueNonFinite: null, stdZero: null, allZero: null })).toEqual([]);
    expect(NO_EVENTS).toMatch(/no layer/);
  });
});

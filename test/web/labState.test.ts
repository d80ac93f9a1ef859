import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, parseLabState, PRESETS, serializeLabState } from "../../src/web/labState.js";

describe("lab URL state", () => {
  it("reads the must-show query", () => {
    const { state, errors } = parseLabState("?init=normal(std%3D1)&activation=linear&depth=100&width=512&dtype=float32");
    expect(errors).toEqual([]);
    expect(state).toMatchObject({ init: "normal(std=1)", activation: "linear", depth: 100, width: 512, dtype: "float32", batch: 1 });
  });

  it("round-trips every field through the query", () => {
    const s = { ...DEFAULT_STATE, view: "phase" as const, init: "orthogonal(gain=2)", bias: "normal(std=0.1)", norm: "layer" as const, residual: 2, seed: 7, kernel: "3,3,32,2:depthwise" };
    expect(parseLabState(serializeLabState(s))).toEqual({ state: s, errors: [] });
  });

  it("reports each invalid value in words and falls back to its default", () => {
    const { state, errors } = parseLabState("depth=abc&dtype=int8&init=he_normal((&activation=swishy&zoom=3");
    expect(state).toEqual(DEFAULT_STATE);
    expect(errors).toHaveLength(5);
    expect(errors[0]).toBe('init="he_normal((" ignored: init: missing ")" in "he_normal(("; using lecun_normal');
    expect(errors.join(" ")).toContain("depth must be an integer from 1 to 500");
    expect(errors.join(" ")).toContain("unknown parameter zoom ignored");
  });

  it("presets are valid states", () => {
    for (const p of PRESETS) expect(parseLabState(serializeLabState({ ...DEFAULT_STATE, ...p.state })).errors).toEqual([]);
  });
});

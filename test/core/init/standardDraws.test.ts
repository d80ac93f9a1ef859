import { describe, expect, it } from "vitest";
import type { DrawCache, Dtype, NetworkSpec } from "../../../src/core/internal.js";
import {
  buildNetwork,
  fromStandardDraws,
  initialize,
  layerStandardDraws,
  rngStream,
  runNetwork,
  standardDraws,
  toJson,
} from "../../../src/core/internal.js";

const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

describe("standard draws (location–scale reuse)", () => {
  it("fromStandardDraws is bit-identical to sampling the distribution, for normal and uniform inits in every dtype", () => {
    const specs = [
      "normal(std=1)",
      "normal(mean=0.25,std=0.01)",
      "lecun_normal",
      "he_normal",
      "glorot_normal",
      "glorot_uniform",
      "uniform(low=-3,high=0.5)",
      "variance_scaling(scale=2,mode=fan_in,distribution=untruncated_normal)",
    ];
    for (const dtype of ["float64", "float32", "bfloat16", "float16"] as Dtype[]) {
      for (const spec of specs) {
        const options = { shape: [37, 29], framework: null };
        const sampled = initialize(spec, options, rngStream(4, "w"), dtype);
        const cache: DrawCache = new Map();
        const reused = initialize(spec, options, rngStream(4, "w"), dtype, { cache, key: "w" });
        expect(same(reused.values, sampled.values), `${spec} ${dtype}`).toBe(true);
        // a second scale from the same cached draws: no new draws needed (the stream is not touched)
        const again = initialize(spec, options, rngStream(999, "unused"), dtype, { cache, key: "w" });
        expect(same(again.values, sampled.values), `${spec} ${dtype} from the cache`).toBe(true);
      }
    }
  });

  it("the draws are the stream's standard normals / uniforms; the affine map is mean + std·z, low + (high − low)·u", () => {
    const z = standardDraws("normal", rngStream(1, "s"), 5);
    const w = fromStandardDraws({ kind: "normal", mean: 1, std: 2 }, z, "float64");
    expect(Array.from(w)).toEqual(Array.from(z, (v) => 1 + 2 * v));
    const u = standardDraws("uniform", rngStream(1, "s"), 5);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(Array.from(fromStandardDraws({ kind: "uniform", low: -1, high: 3 }, u, "float64"))).toEqual(
      Array.from(u, (v) => -1 + 4 * v),
    );
    expect(() => fromStandardDraws({ kind: "normal", mean: 0, std: 1 }, z, "float64", new Float64Array(4))).toThrow(
      "fromStandardDraws: output length 4 is not 5",
    );
  });

  it("buildNetwork with a draw cache and the previous network equals a fresh build, and overwrites the previous weights in place", () => {
    const base: NetworkSpec = {
      inputWidth: 24,
      widths: [16, 16, 8],
      init: "normal(std=1)",
      biasInit: "normal(std=0.1)",
      activation: "tanh",
      residual: null,
      norm: null,
      framework: null,
    };
    const draws: DrawCache = new Map();
    const first = buildNetwork(base, 3, "float32", { draws });
    const arrays = first.layers.map((l) => l.weights);
    for (const init of ["he_normal", "normal(std=0.01)", "glorot_uniform", "orthogonal", "lecun_uniform"]) {
      const fresh = buildNetwork({ ...base, init }, 3, "float32");
      const rebuilt = buildNetwork({ ...base, init }, 3, "float32", { draws, previous: first });
      rebuilt.layers.forEach((l, i) =>
        expect(same(l.weights, fresh.layers[i].weights), `${init} layer ${i}`).toBe(true),
      );
      rebuilt.layers.forEach((l, i) =>
        expect(same(l.bias as Float64Array, fresh.layers[i].bias as Float64Array)).toBe(true),
      );
      if (init !== "orthogonal") rebuilt.layers.forEach((l, i) => expect(l.weights).toBe(arrays[i]));
    }
    // torch layout (drawn [out, in], then transposed) and another seed
    const torch = { ...base, framework: "torch" as const, init: "kaiming_normal" };
    expect(
      same(
        buildNetwork(torch, 5, "float32", { draws }).layers[1].weights,
        buildNetwork(torch, 5, "float32").layers[1].weights,
      ),
    ).toBe(true);
  });

  it("float32 storage holds the same values (exact: they are float32 already), reuses previous float32 arrays, and runs identically", async () => {
    const base: NetworkSpec = {
      inputWidth: 20,
      widths: [20, 20, 20],
      init: "he_normal",
      biasInit: null,
      activation: "relu",
      residual: { branchDepth: 3, branchScale: "fixup" },
      norm: null,
      framework: null,
    };
    const f64 = buildNetwork(base, 2, "float32");
    const draws: DrawCache = new Map();
    const f32 = buildNetwork(base, 2, "float32", { storage: "float32", draws });
    f32.layers.forEach((l, i) => {
      expect(l.weights).toBeInstanceOf(Float32Array);
      expect(same(l.weights, f64.layers[i].weights)).toBe(true);
    });
    const again = buildNetwork({ ...base, init: "normal(std=0.3)" }, 2, "float32", {
      storage: "float32",
      draws,
      previous: f32,
    });
    expect(again.layers[1].weights).toBe(f32.layers[1].weights);
    expect(
      same(again.layers[1].weights, buildNetwork({ ...base, init: "normal(std=0.3)" }, 2, "float32").layers[1].weights),
    ).toBe(true);
    const o = { network: base, batch: 3, seed: 2, dtype: "float32" as const, backward: true };
    expect(toJson((await runNetwork(buildNetwork(base, 2, "float32", { storage: "float32" }), o)).layers)).toBe(
      toJson((await runNetwork(f64, o)).layers),
    );
    expect(() => buildNetwork(base, 2, "float64", { storage: "float32" })).toThrow(
      "storage: float32 weights need a dtype of float32, bfloat16 or float16",
    );
  });

  it("layerStandardDraws gives the very entries buildNetwork caches (drawn elsewhere, a build then draws nothing)", () => {
    for (const spec of [
      {
        inputWidth: 12,
        widths: [10, 8],
        init: "he_normal",
        biasInit: null,
        activation: "relu",
        residual: null,
        norm: null,
        framework: null,
      },
      {
        inputWidth: 12,
        widths: [10, 8],
        init: "kaiming_uniform",
        biasInit: null,
        activation: "relu",
        residual: null,
        norm: null,
        framework: "torch" as const,
      },
      {
        inputWidth: 3,
        widths: [4, 4],
        init: "glorot_normal",
        biasInit: null,
        activation: "tanh",
        residual: null,
        norm: null,
        framework: null,
        conv: { kernel: 3, stride: 1, padding: "same" as const, height: 5, width: 5 },
      },
    ] satisfies NetworkSpec[]) {
      const own: DrawCache = new Map();
      const built = buildNetwork(spec, 7, "float32", { draws: own });
      const prefilled: DrawCache = new Map();
      spec.widths.forEach((_, l) => {
        const entry = layerStandardDraws(spec, 7, l);
        if (entry) prefilled.set(entry[0], entry[1]);
      });
      expect([...prefilled.keys()]).toEqual([...own.keys()]);
      for (const [k, v] of own) expect(same(prefilled.get(k) as Float64Array, v)).toBe(true);
      const size = prefilled.size;
      const rebuilt = buildNetwork(spec, 7, "float32", { draws: prefilled });
      expect(prefilled.size).toBe(size);
      rebuilt.layers.forEach((l, i) => expect(same(l.weights, built.layers[i].weights)).toBe(true));
    }
    expect(
      layerStandardDraws(
        {
          inputWidth: 4,
          widths: [4],
          init: "orthogonal",
          biasInit: null,
          activation: "tanh",
          residual: null,
          norm: null,
          framework: null,
        },
        0,
        0,
      ),
    ).toBeNull();
  });
});

describe("initializeInChunks", () => {
  it("gives exactly initialize's values for the streamed kinds, whatever the chunk size", async () => {
    const { initialize, initializeInChunks, rngStream } = await import("../../../src/core/internal.js");
    for (const [spec, framework] of [
      ["lecun_normal", null],
      ["he_uniform", null],
      ["glorot_normal", "keras"],
      ["constant(value=0.5)", null],
      ["truncated_normal(std=0.3)", null],
    ] as const) {
      for (const dtype of ["float32", "float16", "float64"] as const) {
        const shape = [96, 35];
        const whole = initialize(spec, { shape, framework }, rngStream(3, "x"), dtype).values;
        const parts: number[] = [];
        const r = initializeInChunks(spec, { shape, framework }, rngStream(3, "x"), dtype, 1000, 2);
        for (const v of r?.chunks ?? []) {
          expect(v).toBeInstanceOf(dtype === "float32" ? Float32Array : Float64Array);
          parts.push(...v);
        }
        expect(r?.resolved.spec).toBe(initialize(spec, { shape, framework }, rngStream(3, "x"), dtype).resolved.spec);
        expect(parts).toEqual(Array.from(whole));
      }
    }
  });

  it("draws nothing for a kind drawn as a whole (orthogonal)", async () => {
    const { initializeInChunks, rngStream } = await import("../../../src/core/internal.js");
    expect(initializeInChunks("orthogonal", { shape: [8, 8] }, rngStream(0, "x"), "float32")).toBeNull();
  });
});

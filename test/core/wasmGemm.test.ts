import { describe, expect, it } from "vitest";
import {
  buildNetwork,
  exactBackend,
  exactBackendBytes,
  fillNormal,
  gemm,
  propagate,
  referenceBackend,
  rngStream,
  runNetwork,
  toJson,
  WASM_MAX_WEIGHT_BYTES,
  WasmFloat32Gemm,
  wasmFloat32Backend,
} from "../../src/core/internal.js";

describe("WasmFloat32Gemm (WebAssembly SIMD)", () => {
  it("is bit-identical to the reference float32 matmul, remainders, overflow, subnormals and NaN included", () => {
    const w = new WasmFloat32Gemm();
    for (const [m, k, n, scale] of [
      [1, 512, 512, 1],
      [3, 7, 9, 1],
      [5, 33, 17, 1e19],
      [2, 1, 3, 1],
      [4, 64, 6, 1e-22],
      [2, 5, 23, 1],
      [16, 40, 36, 1e-19],
    ] as const) {
      const a = Float64Array.from(fillNormal(rngStream(1, "a", m, k), new Float64Array(m * k)), (x) =>
        Math.fround(x * scale),
      );
      const b = Float64Array.from(fillNormal(rngStream(1, "b", k, n), new Float64Array(k * n)), (x) =>
        Math.fround(x * scale),
      );
      if (m === 5) a[3] = Number.NaN;
      const ref = gemm(a, b, m, k, n, false, false, "float32");
      const got = w.gemm(a, b, m, k, n, false, false, "float32");
      for (let i = 0; i < ref.length; i++)
        expect(Object.is(got[i], ref[i]), `(${m},${k},${n}) entry ${i}: ${got[i]} vs ${ref[i]}`).toBe(true);
    }
  });

  it("writes into a given output array, and refuses one of the wrong length", () => {
    const w = new WasmFloat32Gemm();
    const a = Float64Array.from([1, 2, 3, 4]);
    const out = new Float64Array(4).fill(Number.NaN);
    expect(w.gemm(a, a, 2, 2, 2, false, false, "float32", out)).toBe(out);
    expect(Array.from(out)).toEqual([7, 10, 15, 22]);
    expect(() => w.gemm(a, a, 2, 2, 2, false, false, "float32", new Float64Array(3))).toThrow(
      "gemm: output length 3 is not 2x2",
    );
  });

  it("refresh re-copies a matrix overwritten in place; without it the stale copy would be used", () => {
    const w = new WasmFloat32Gemm();
    const a = Float64Array.from([1, 2]);
    const b = Float64Array.from([1, 0, 0, 1]);
    expect(Array.from(w.gemm(a, b, 1, 2, 2, false, false, "float32"))).toEqual([1, 2]);
    b.set([2, 0, 0, 2]);
    expect(Array.from(w.gemm(a, b, 1, 2, 2, false, false, "float32"))).toEqual([1, 2]);
    w.refresh(b);
    expect(Array.from(w.gemm(a, b, 1, 2, 2, false, false, "float32"))).toEqual([2, 4]);
    // the transposed copy too
    const c = Float64Array.from([1, 2, 3, 4]);
    expect(Array.from(w.gemm(a, c, 1, 2, 2, false, true, "float32"))).toEqual([5, 11]);
    c.set([4, 3, 2, 1]);
    w.refresh(c);
    expect(Array.from(w.gemm(a, c, 1, 2, 2, false, true, "float32"))).toEqual([10, 4]);
  });

  it("is bit-identical for transposed operands too (NT, TN, TT: the same sums over a transposed copy), and falls back for other dtypes", () => {
    const w = new WasmFloat32Gemm();
    for (const [m, k, n, scale] of [
      [3, 7, 9, 1],
      [5, 33, 17, 1e19],
      [16, 40, 36, 1e-19],
      [64, 2, 5, 1],
    ] as const) {
      for (const [tA, tB] of [
        [false, true],
        [true, false],
        [true, true],
      ] as const) {
        const a = Float64Array.from(fillNormal(rngStream(2, "a", m, k), new Float64Array(m * k)), (x) =>
          Math.fround(x * scale),
        );
        const b = Float64Array.from(fillNormal(rngStream(2, "b", k, n), new Float64Array(k * n)), (x) =>
          Math.fround(x * scale),
        );
        a[1] = Number.NaN;
        const ref = gemm(a, b, m, k, n, tA, tB, "float32");
        const got = w.gemm(a, b, m, k, n, tA, tB, "float32");
        // twice: the second finds a weight matrix's transposed copy already placed
        const again = w.gemm(a, b, m, k, n, tA, tB, "float32");
        for (let i = 0; i < ref.length; i++) {
          expect(
            Object.is(got[i], ref[i]),
            `(${m},${k},${n}) ${tA ? "T" : "N"}${tB ? "T" : "N"} entry ${i}: ${got[i]} vs ${ref[i]}`,
          ).toBe(true);
          expect(Object.is(again[i], ref[i])).toBe(true);
        }
      }
    }
    const a = Float64Array.from([1, 2, 3, 4]);
    expect(Array.from(w.gemm(a, a, 2, 2, 2, false, false, "float64"))).toEqual([7, 10, 15, 22]);
  });

  it("gives a whole network run identical to the reference backend (float32)", async () => {
    const spec = {
      inputWidth: 96,
      widths: new Array(12).fill(96),
      init: "normal(std=1)",
      biasInit: "normal(std=0.1)",
      activation: "tanh",
      residual: null,
      norm: null,
      framework: null,
    };
    const net = buildNetwork(spec, 3, "float32");
    const o = { network: spec, batch: 4, seed: 3, dtype: "float32" as const };
    const ref = await runNetwork(net, o);
    const fast = await runNetwork(net, { ...o, backend: wasmFloat32Backend() });
    expect(toJson(fast.layers)).toBe(toJson(ref.layers));
    expect(fast.events).toEqual(ref.events);
  });

  it("exactBackend: WebAssembly for float32 accumulation (named reference, identical runs), the TypeScript reference otherwise", async () => {
    expect(exactBackend("float64", 100)).toBe(referenceBackend);
    // what it holds: 4 bytes a weight, twice (as they are and transposed), only on the WebAssembly path
    expect(exactBackendBytes("float32", 1000)).toBe(8000);
    expect(exactBackendBytes("float64", 1000)).toBe(0);
    expect(exactBackendBytes("float32", WASM_MAX_WEIGHT_BYTES / 8 + 1)).toBe(0);
    expect(exactBackend("float32", WASM_MAX_WEIGHT_BYTES / 8 + 1)).toBe(referenceBackend);
    const fast = exactBackend("float32", 1000);
    expect(fast).not.toBe(referenceBackend);
    expect(fast.name).toBe("reference");
    const spec = {
      inputWidth: 40,
      widths: [40, 40, 40],
      init: "normal(std=1)",
      biasInit: null,
      activation: "relu",
      residual: null,
      norm: null,
      framework: null,
    };
    const o = { network: spec, batch: 5, seed: 9, dtype: "float32" as const, backward: true };
    expect(toJson((await propagate({ ...o, backend: fast })).layers)).toBe(toJson((await propagate(o)).layers));
  });
});

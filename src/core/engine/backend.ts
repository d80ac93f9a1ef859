import type { Dtype } from "../numeric/dtype.js";
import { gemm } from "../numeric/gemm.js";

export type Matrix = Float64Array | Float32Array;

/**
 * What the engine needs from a compute backend: C = op(A)·op(B) (see {@link gemm} for the
 * shapes). The reference backend rounds every product and partial sum to `acc`; a fast backend
 * may accumulate in a different order (and with FMA), so it agrees with the reference only to
 * float32 tolerance, and only serves acc = float32. With `out` (length m·n) the result is written
 * into it and returned — the engine passes slices of one per-run buffer, so a run allocates
 * once instead of once per matmul.
 */
export interface Backend {
  name: string;
  /** the accumulation dtypes this backend computes exactly as specified */
  accumulates: readonly Dtype[];
  gemm(
    a: Matrix,
    b: Matrix,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
    acc: Dtype,
    out?: Matrix,
  ): Promise<Matrix>;
}

/** Pure TypeScript, every dtype, exact rounding semantics; also what the browser uses. */
export const referenceBackend: Backend = {
  name: "reference",
  accumulates: ["float64", "float32", "bfloat16", "float16"],
  gemm: async (a, b, m, k, n, transA, transB, acc, out) => {
    // float32 accumulates fastest into a Float32Array (its stores do the rounding): copy after
    if (!out || acc !== "float32" || out instanceof Float32Array) return gemm(a, b, m, k, n, transA, transB, acc, out);
    out.set(gemm(a, b, m, k, n, transA, transB, acc));
    return out;
  },
};

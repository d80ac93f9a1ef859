import type { Dtype } from "../numeric/dtype.js";
import { WasmFloat32Gemm, wasmFloat32Backend } from "../numeric/wasmGemm.js";
import type { Backend } from "./backend.js";
import { referenceBackend } from "./backend.js";

/**
 * Runs whose weights, in float32 and once more transposed for the backward pass, exceed this many
 * bytes stay on the TypeScript path (WebAssembly memory is 32-bit).
 */
export const WASM_MAX_WEIGHT_BYTES = 2 ** 31;

/** Whether a run goes to WebAssembly: float32 accumulation, and its weights (twice, 4 bytes each) within the limit. */
function onWasm(acc: Dtype, weightCount: number): boolean {
  return acc === "float32" && 8 * weightCount <= WASM_MAX_WEIGHT_BYTES;
}

/**
 * The reference semantics on the fastest engine that keeps them exactly: for float32
 * accumulation, the WebAssembly SIMD matmul (bit-identical to the TypeScript reference: same
 * products, same sums, same order; tested), when this JavaScript engine has WebAssembly SIMD and
 * the weights fit its 32-bit memory; the pure TypeScript reference otherwise. A fresh instance
 * each call: it holds a copy of the weights it multiplies by, so a run that changes weights in
 * place needs a new one. Its name stays "reference": the results are the reference's.
 * @param acc the accumulation dtype of the run.
 * @param weightCount how many weights the run multiplies by (all layers).
 */
export function exactBackend(acc: Dtype, weightCount: number): Backend {
  if (!onWasm(acc, weightCount) || !WasmFloat32Gemm.available()) return referenceBackend;
  return { ...wasmFloat32Backend(), name: "reference" };
}

/** The bytes {@link exactBackend} holds beyond the network: its float32 copies of the weights (as they are and transposed) on the WebAssembly path, else none. */
export function exactBackendBytes(acc: Dtype, weightCount: number): number {
  return onWasm(acc, weightCount) ? 8 * weightCount : 0;
}

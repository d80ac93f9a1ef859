/**
 * onnxruntime-node is an optional dependency: its install script downloads extra binaries, which
 * fails on a machine that reaches only the npm registry, and npm then leaves the package out.
 * initlab works without it — propagation falls back to the exact TypeScript backend, and `audit`
 * audits the weights without propagating — and says so in one line.
 */
let cached: Promise<boolean> | null = null;

/** Whether onnxruntime-node can be loaded here (checked once per process). */
export function onnxRuntimeAvailable(): Promise<boolean> {
  cached ??= import("onnxruntime-node").then(
    () => true,
    () => false,
  );
  return cached;
}

/** The one-line notice when it cannot. */
export const ONNX_RUNTIME_MISSING =
  "onnxruntime-node is not installed (an optional dependency; its install step needs a download this machine could not make)";

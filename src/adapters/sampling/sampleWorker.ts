import { Piscina } from "piscina";
import { initialize, isStreamed, resolveInitializer, rngStream, sampleStreamed } from "../../core/internal.js";
import type { Framework } from "../../core/internal.js";

/** One layer's kernel to draw: the same call the reference engine makes, so values are identical. */
export interface SampleTask {
  spec: string;
  shape: number[];
  framework: Framework | null;
  seed: number;
  layer: number;
}

/** A draw request: the task, a buffer to draw into (its first shape-product float32 values), and whether to sum squares. */
export interface SampleRequest {
  task: SampleTask;
  buffer: ArrayBuffer;
  sumSquares: boolean;
}

/** What a draw sends back: the same buffer, filled, and Σ w² in float64 (NaN when not asked for). */
export interface SampleResult {
  buffer: ArrayBuffer;
  sumSquares: number;
}

/**
 * Worker entry: draws layer `layer`'s weights from stream (seed, "weights", layer), rounded to
 * float32, into the buffer it was handed, and hands the buffer back (transferred both ways, so no
 * memory is copied or freshly touched). Streamed kinds (normal, uniform, truncated normal,
 * constant) are drawn straight into the Float32Array — mean + std·z stored once, the same single
 * rounding `initialize(…, "float32")` applies — so the values are bit-identical to the reference
 * engine's; other kinds go through `initialize`. Σ w² (in float64, index order) is computed here, while the values are in cache.
 */
export default function sampleKernel({ task, buffer, sumSquares }: SampleRequest): unknown {
  const options = { shape: task.shape, framework: task.framework };
  const rng = rngStream(task.seed, "weights", task.layer);
  const d = resolveInitializer(task.spec, options).params;
  const out = new Float32Array(
    buffer,
    0,
    task.shape.reduce((a, b) => a * b, 1),
  );
  if (isStreamed(d)) sampleStreamed(d, rng, out);
  else out.set(initialize(task.spec, options, rng, "float32").values);
  let s = Number.NaN;
  if (sumSquares) {
    s = 0;
    for (let i = 0; i < out.length; i++) s += out[i] * out[i];
  }
  const result: SampleResult = { buffer, sumSquares: s };
  return Piscina.move({ [Piscina.transferableSymbol]: [buffer], [Piscina.valueSymbol]: result } as never);
}

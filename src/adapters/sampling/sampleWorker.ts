import { Piscina } from "piscina";
import { fillNormal, fillUniform, initialize, resolveInitializer, rngStream } from "../../core/internal.js";
import type { Framework } from "../../core/internal.js";

/** One layer's kernel to draw: the same call the reference engine makes, so values are identical. */
export interface SampleTask {
  spec: string;
  shape: number[];
  framework: Framework | null;
  seed: number;
  layer: number;
}

/**
 * Worker entry: draws layer `layer`'s weights from stream (seed, "weights", layer), rounded to
 * float32, and transfers them back. Normal and uniform kernels are drawn straight into a
 * Float32Array — mean + std·z stored once, the same single rounding `initialize(…, "float32")`
 * applies — so the values are bit-identical to the reference engine's; other kinds go through
 * `initialize`.
 */
export default function sampleKernel(task: SampleTask): unknown {
  const options = { shape: task.shape, framework: task.framework };
  const rng = rngStream(task.seed, "weights", task.layer);
  const d = resolveInitializer(task.spec, options).params;
  const n = task.shape.reduce((a, b) => a * b, 1);
  let out: Float32Array;
  if (d.kind === "normal") out = fillNormal(rng, new Float32Array(n), d.mean, d.std) as Float32Array;
  else if (d.kind === "uniform") out = fillUniform(rng, new Float32Array(n), d.low, d.high) as Float32Array;
  else out = Float32Array.from(initialize(task.spec, options, rng, "float32").values);
  return Piscina.move(out);
}

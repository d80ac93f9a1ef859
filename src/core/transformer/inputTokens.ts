import { initialize } from "../init/initialize.js";
import { fillNormal } from "../random/normal.js";
import { rngStream } from "../random/Rng.js";
import type { TransformerSpec } from "./transformerSpec.js";

/**
 * The inputs [batch, seq, width]: x ~ N(0, 1) (stream (seed, "input")), or with spec.embedding the
 * rows E[t] of a table E [vocab, width] drawn from its init (stream (seed, "embedding")) at tokens t
 * uniform on 0 … vocab − 1 (stream (seed, "tokens")). A memory encoder's source tokens (`source`)
 * come from the streams (seed, "source") and (seed, "source tokens"), with the same table.
 */
export function inputTokens(spec: TransformerSpec, batch: number, seed: number, source = false): Float64Array {
  const n = batch * spec.seq * spec.width;
  if (!spec.embedding)
    return fillNormal(rngStream(seed, source ? "source" : "input"), new Float64Array(n)) as Float64Array;
  const { vocab, init } = spec.embedding;
  const table = initialize(
    init,
    { shape: [vocab, spec.width], framework: spec.framework },
    rngStream(seed, "embedding"),
    "float64",
  ).values as Float64Array;
  const tokens = rngStream(seed, source ? "source tokens" : "tokens");
  const x = new Float64Array(n);
  for (let t = 0; t < batch * spec.seq; t++) {
    const row = Math.floor(tokens.nextDouble() * vocab);
    x.set(table.subarray(row * spec.width, (row + 1) * spec.width), t * spec.width);
  }
  return x;
}

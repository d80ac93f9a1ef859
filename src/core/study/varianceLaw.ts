import type { Dtype } from "../numeric/dtype.js";
import { matmul } from "../numeric/matmul.js";
import type { MeanStd } from "../numeric/meanStd.js";
import { meanStd } from "../numeric/meanStd.js";
import { rngStream } from "../random/Rng.js";
import { scaledNormal } from "./weightSamplers.js";

export interface VarianceLawResult {
  dtype: Dtype;
  fanIn: number;
  fanOut: number;
  /** W ~ N(0, 1): predicted std √fanIn */
  unscaled: MeanStd & { predictedStd: number };
  /** W ~ N(0, 1/fanIn): predicted std 1 */
  scaled: MeanStd & { predictedStd: number };
}

/**
 * The variance law of one matmul (seed study experiments 3 and 4): for out = in·W with
 * independent zero-mean entries, Var(out) = n_in · Var(in) · Var(w). With in ~ N(0, 1) [1, n_in]
 * and W ~ N(0, 1) [n_in, n_out] the output std is √n_in (25 for n_in = 625); with
 * W ~ N(0, (1/√n_in)²) — LeCun (1998), "Efficient BackProp" — it is 1.
 * @param seed stream seed; the unscaled and scaled draws use streams ("varianceLaw", "unscaled"|"scaled", …).
 * @param fanIn n_in, default 625. @param fanOut n_out, default 10000. @param dtype default float32.
 */
export function varianceLaw(seed: number, fanIn = 625, fanOut = 10000, dtype: Dtype = "float32"): VarianceLawResult {
  const run = (label: "unscaled" | "scaled", std: number) => {
    const x = new Float64Array(fanIn);
    scaledNormal(1)(rngStream(seed, "varianceLaw", label, "input"), x, dtype);
    const w = new Float64Array(fanIn * fanOut);
    scaledNormal(std)(rngStream(seed, "varianceLaw", label, "weights"), w, dtype);
    const out = matmul(x, w, 1, fanIn, fanOut, dtype);
    return { ...meanStd(out, dtype), predictedStd: Math.sqrt(fanIn * 1 * std * std) };
  };
  return { dtype, fanIn, fanOut, unscaled: run("unscaled", 1), scaled: run("scaled", 1 / Math.sqrt(fanIn)) };
}

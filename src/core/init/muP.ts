/** Where a weight sits in the network, for μP. */
export type MuPRole = "input" | "hidden" | "output";

export interface MuPRule {
  /** initialization variance of the weight */
  initVariance: number;
  /** learning-rate multiplier relative to the base model's (width ratio applied) */
  learningRateMultiplier: number;
  /** output logits multiplier (only for the output layer in the 1/fan_in parameterisation); 1 otherwise */
  outputMultiplier: number;
}

/**
 * Maximal-update parameterisation, μP (Yang & Hu (2021), "Tensor Programs IV: Feature Learning in
 * Infinite-Width Neural Networks"; Yang et al. (2022), "Tensor Programs V: Tuning Large Neural
 * Networks via Zero-Shot Hyperparameter Transfer", Table 3), for width multiplier
 * r = fan_in / baseFanIn of a hidden or output weight (input weights: r = fan_out / baseFanOut):
 *   input:  Var = 1/fan_in,   lr × 1 (Adam) or × r (SGD);
 *   hidden: Var = 1/fan_in,   lr × 1/r (Adam) or × 1 (SGD);
 *   output: Var = 1/fan_in² (the 1/fan_in-multiplier form: Var 1/fan_in, logits × 1/r; both
 *           give the same function), lr × 1/r (Adam) or × 1/r (SGD).
 * Here the output layer uses Var = 1/fan_in² with multiplier 1.
 */
export function muPRule(
  role: MuPRole,
  fanIn: number,
  fanOut: number,
  base: { fanIn: number; fanOut: number },
  optimizer: "sgd" | "adam",
): MuPRule {
  for (const [k, v] of [
    ["fanIn", fanIn],
    ["fanOut", fanOut],
    ["base.fanIn", base.fanIn],
    ["base.fanOut", base.fanOut],
  ] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${k}: must be a number > 0, got ${v}`);
  }
  if (role === "input") {
    const r = fanOut / base.fanOut;
    return { initVariance: 1 / fanIn, learningRateMultiplier: optimizer === "adam" ? 1 : r, outputMultiplier: 1 };
  }
  const r = fanIn / base.fanIn;
  if (role === "hidden")
    return { initVariance: 1 / fanIn, learningRateMultiplier: optimizer === "adam" ? 1 / r : 1, outputMultiplier: 1 };
  return { initVariance: 1 / (fanIn * fanIn), learningRateMultiplier: 1 / r, outputMultiplier: 1 };
}

/** Nonlinearities that {@link calculateGain} knows (PyTorch's `calculate_gain` table). */
export const GAIN_NONLINEARITIES = [
  "linear",
  "conv1d",
  "conv2d",
  "conv3d",
  "conv_transpose1d",
  "conv_transpose2d",
  "conv_transpose3d",
  "sigmoid",
  "tanh",
  "relu",
  "leaky_relu",
  "selu",
] as const;
export type GainNonlinearity = (typeof GAIN_NONLINEARITIES)[number];

/** The slope PyTorch uses for leaky_relu when no parameter is given. */
export const DEFAULT_LEAKY_SLOPE = 0.01;

/**
 * The recommended gain for a nonlinearity (PyTorch `torch.nn.init.calculate_gain`):
 * linear / conv* / sigmoid → 1; tanh → 5/3; relu → √2 (He et al. (2015), "Delving Deep into
 * Rectifiers"); leaky_relu with slope s → √(2/(1 + s²)), s = 0.01 when `param` is undefined;
 * selu → 3/4 (chosen in PyTorch for self-normalizing nets with kaiming/xavier init).
 * @param nonlinearity one of {@link GAIN_NONLINEARITIES}.
 * @param param leaky_relu's negative slope; not allowed for the others.
 * @throws a one-line error naming the valid nonlinearities or the bad parameter.
 */
export function calculateGain(nonlinearity: string, param?: number): number {
  if (!(GAIN_NONLINEARITIES as readonly string[]).includes(nonlinearity)) {
    throw new RangeError(
      `nonlinearity: must be one of ${GAIN_NONLINEARITIES.join(", ")}, got ${JSON.stringify(nonlinearity)}`,
    );
  }
  if (param !== undefined && nonlinearity !== "leaky_relu") {
    throw new RangeError(
      `param: only leaky_relu takes a parameter (its negative slope), got ${param} for ${nonlinearity}`,
    );
  }
  if (param !== undefined && !Number.isFinite(param))
    throw new RangeError(`param: must be a finite number, got ${param}`);
  switch (nonlinearity as GainNonlinearity) {
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const s = param ?? DEFAULT_LEAKY_SLOPE;
      return Math.sqrt(2 / (1 + s * s));
    }
    case "selu":
      return 3 / 4;
    default:
      return 1;
  }
}

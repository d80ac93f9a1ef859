import { parseActivation } from "../engine/activations.js";
import { gaussianExpectation } from "../theory/gaussian.js";
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

/**
 * The gain that preserves the second moment of a unit Gaussian input through φ:
 * g = 1/√E_{z~N(0,1)}[φ(z)²], so that Var(w) = g²/fan_in gives E[pre²] = 1 at the next layer when
 * this layer's pre-activations are N(0, 1) (the mean-field length map at q = 1; Poole et al. (2016),
 * "Exponential expressivity in deep neural networks through transient chaos"). Defined for every
 * activation, including those PyTorch's `calculate_gain` lacks (gelu, silu, mish, softplus, elu …).
 * relu: √2 (He); linear: 1; selu: 1 (self-normalizing); tanh: 1.5925 (torch's 5/3 is a rounder choice); gelu: 1.5335.
 * @param activation any activation spec, e.g. "gelu" or "leaky_relu(a=0.2)"
 * @throws a one-line error for an unknown activation, or when E[φ(z)²] = 0.
 */
export function secondMomentGain(activation: string): number {
  const phi = parseActivation(activation);
  const m2 = gaussianExpectation((u) => phi.f(u) ** 2, 1, phi.kinks);
  if (!(m2 > 0)) throw new RangeError(`activation: ${activation} has E[φ(z)²] = ${m2}; no gain preserves it`);
  return 1 / Math.sqrt(m2);
}

/** torch's calculate_gain for an activation spec where torch has one (leaky_relu with its slope), else null. */
export function torchGainFor(activation: string): number | null {
  const phi = parseActivation(activation);
  const name = phi.name.replace(/\(.*$/, "");
  if (name === "leaky_relu") {
    const a = /a=([^,)]+)/.exec(phi.name);
    return calculateGain("leaky_relu", a ? Number(a[1]) : undefined);
  }
  return (GAIN_NONLINEARITIES as readonly string[]).includes(name) ? calculateGain(name) : null;
}

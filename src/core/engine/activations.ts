import { erf } from "../math/normalDistribution.js";
import { parseOwnSpec } from "../init/specGrammar.js";

/** An activation φ with its derivative φ', both exact float64 functions. */
export interface Activation {
  /** canonical spec, e.g. "leaky_relu(a=0.2)" */
  name: string;
  f(x: number): number;
  df(x: number): number;
  /** points where φ' jumps (for quadrature that splits integrals there) */
  kinks: readonly number[];
}

/** SELU constants (Klambauer et al. (2017), "Self-Normalizing Neural Networks"), to double precision. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_LAMBDA = 1.0507009873554805;

const INV_SQRT2 = 1 / Math.SQRT2;

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}
function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

type Factory = (p: Record<string, number>) => Omit<Activation, "name">;

interface ActivationDef {
  params: Record<string, number>;
  doc: string;
  make: Factory;
}

/**
 * The activations initlab's engine and theory know, with derivatives:
 * linear x; relu max(0, x); leaky_relu(a = 0.01) x for x > 0, a·x otherwise; elu(alpha = 1)
 * x or α(eˣ − 1); selu λ·elu_α with α ≈ 1.6733, λ ≈ 1.0507; gelu x·Φ(x) (exact, erf);
 * silu / swish x·σ(x); tanh; sigmoid σ(x) = 1/(1 + e⁻ˣ); softsign x/(1 + |x|);
 * softplus ln(1 + eˣ); mish x·tanh(softplus(x)); hard_tanh clip(x, −1, 1).
 */
export const ACTIVATIONS: Record<string, ActivationDef> = {
  linear: { params: {}, doc: "x", make: () => ({ f: (x) => x, df: () => 1, kinks: [] }) },
  relu: {
    params: {},
    doc: "max(0, x)",
    make: () => ({ f: (x) => (x > 0 ? x : 0), df: (x) => (x > 0 ? 1 : 0), kinks: [0] }),
  },
  leaky_relu: {
    params: { a: 0.01 },
    doc: "x if x > 0 else a·x",
    make: ({ a }) => ({ f: (x) => (x > 0 ? x : a * x), df: (x) => (x > 0 ? 1 : a), kinks: [0] }),
  },
  elu: {
    params: { alpha: 1 },
    doc: "x if x > 0 else α(eˣ − 1)",
    make: ({ alpha }) => ({
      f: (x) => (x > 0 ? x : alpha * Math.expm1(x)),
      df: (x) => (x > 0 ? 1 : alpha * Math.exp(x)),
      kinks: [0],
    }),
  },
  selu: {
    params: {},
    doc: "λ·(x if x > 0 else α(eˣ − 1)), α = 1.6732632423543772, λ = 1.0507009873554805",
    make: () => ({
      f: (x) => SELU_LAMBDA * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
      df: (x) => SELU_LAMBDA * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)),
      kinks: [0],
    }),
  },
  gelu: {
    params: {},
    doc: "x·Φ(x) (exact, with erf)",
    make: () => ({
      f: (x) => 0.5 * x * (1 + erf(x * INV_SQRT2)),
      df: (x) => 0.5 * (1 + erf(x * INV_SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
      kinks: [],
    }),
  },
  silu: {
    params: {},
    doc: "x·σ(x)",
    make: () => ({ f: (x) => x * sigmoid(x), df: (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))), kinks: [] }),
  },
  tanh: { params: {}, doc: "tanh x", make: () => ({ f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2, kinks: [] }) },
  sigmoid: {
    params: {},
    doc: "1/(1 + e⁻ˣ)",
    make: () => ({ f: sigmoid, df: (x) => sigmoid(x) * (1 - sigmoid(x)), kinks: [] }),
  },
  softsign: {
    params: {},
    doc: "x/(1 + |x|)",
    make: () => ({ f: (x) => x / (1 + Math.abs(x)), df: (x) => 1 / (1 + Math.abs(x)) ** 2, kinks: [] }),
  },
  softplus: { params: {}, doc: "ln(1 + eˣ)", make: () => ({ f: softplus, df: sigmoid, kinks: [] }) },
  mish: {
    params: {},
    doc: "x·tanh(softplus(x))",
    make: () => ({
      f: (x) => x * Math.tanh(softplus(x)),
      df: (x) => {
        const t = Math.tanh(softplus(x));
        return t + x * (1 - t * t) * sigmoid(x);
      },
      kinks: [],
    }),
  },
  hard_tanh: {
    params: {},
    doc: "clip(x, −1, 1)",
    make: () => ({ f: (x) => (x > 1 ? 1 : x < -1 ? -1 : x), df: (x) => (x > -1 && x < 1 ? 1 : 0), kinks: [-1, 1] }),
  },
};
export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS).concat(["swish"]);

/**
 * Parses an activation spec (`relu`, `leaky_relu(a=0.2)`, `elu(alpha=0.5)`; `swish` = `silu`).
 * @throws a one-line error listing the valid names or parameters.
 */
export function parseActivation(spec: string): Activation {
  const parsed = parseOwnSpec(spec);
  const name = parsed.name === "swish" ? "silu" : parsed.name;
  const def = ACTIVATIONS[name];
  if (!def)
    throw new RangeError(`activation: unknown ${JSON.stringify(parsed.name)}; valid: ${ACTIVATION_NAMES.join(", ")}`);
  const params: Record<string, number> = { ...def.params };
  for (const [k, v] of Object.entries(parsed.params)) {
    if (!(k in def.params))
      throw new RangeError(
        `activation ${name}: unknown parameter ${k}; valid: ${Object.keys(def.params).join(", ") || "(none)"}`,
      );
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new RangeError(`activation ${name}: ${k} must be a finite number, got ${v}`);
    params[k] = v;
  }
  const canonical = Object.keys(def.params).length
    ? `${name}(${Object.entries(params)
        .map(([k, v]) => `${k}=${v}`)
        .join(",")})`
    : name;
  return { name: canonical, ...def.make(params) };
}

import type { InitDistribution } from "./distribution.js";
import type { Fans } from "./fans.js";
import { calculateGain, GAIN_NONLINEARITIES } from "./gain.js";
import type { Framework, KernelContext } from "./kernel.js";
import { kernelAxes } from "./kernel.js";
import type { ParamDefs, ParamValues } from "./params.js";
import { num, word } from "./params.js";
import { TRUNCATED_NORMAL_STD_2SIGMA, truncatedNormalMass } from "./truncatedNormal.js";

/** What an initializer's `build` sees: the kernel, the fans it must use, and the framework preset (null = initlab's own semantics). */
export interface BuildEnv {
  ctx: KernelContext;
  fans: Fans;
  framework: Framework | null;
}

/** What `build` returns: the distribution, plus the variance the scheme intends when the produced one differs, and quirks in words. */
export interface Built {
  distribution: InitDistribution;
  targetVariance?: number;
  quirks?: string[];
  /** the layer's default bias, for layer_default */
  bias?: { distribution: InitDistribution; description: string };
}

/** A framework's version of an initializer: its own name, and its parameters when they differ from initlab's. */
export interface FrameworkVariant {
  name: string;
  params?: ParamDefs;
}

/** One catalog entry: metadata (for `init list` and docs/initializers.md) and the formula as code. */
export interface InitializerDef {
  name: string;
  aliases: readonly string[];
  formula: string;
  paper: string;
  params: ParamDefs;
  frameworks: Partial<Record<Framework, FrameworkVariant>>;
  /** a worked example, as PyTorch's init docstrings give one: a spec on a layer (keras layout unless the framework is torch), rendered with its numbers in docs/initializers.md */
  example: { spec: string; shape: number[]; framework?: Framework; groups?: number; depthwise?: boolean };
  /** shapes it accepts, in words, checked in build */
  build(p: ParamValues, env: BuildEnv): Built;
}

export const MODES = ["fan_in", "fan_out", "fan_avg"] as const;
export type Mode = (typeof MODES)[number];
export const VS_DISTRIBUTIONS = ["truncated_normal", "normal", "untruncated_normal", "uniform"] as const;
export type VsDistribution = (typeof VS_DISTRIBUTIONS)[number];

/** A variance-scaling mode from a parameter value. @throws a one-line error listing the modes. */
export function parseMode(value: string): Mode {
  if ((MODES as readonly string[]).includes(value)) return value as Mode;
  throw new RangeError(`mode: must be one of ${MODES.join(", ")}, got ${JSON.stringify(value)}`);
}

/** A variance-scaling distribution from a parameter value. @throws a one-line error listing them. */
export function parseVsDistribution(value: string): VsDistribution {
  if ((VS_DISTRIBUTIONS as readonly string[]).includes(value)) return value as VsDistribution;
  throw new RangeError(`distribution: must be one of ${VS_DISTRIBUTIONS.join(", ")}, got ${JSON.stringify(value)}`);
}

/**
 * How each framework's VarianceScaling differs, as data: whether it clamps the fan at 1
 * (`max(1, fan)`), and what its distribution "normal" draws — untruncated N(0, scale/n), keras's
 * corrected ±2σ truncated normal, or tfjs's uncorrected one (variance 0.7737·scale/n, tfjs#8594).
 * initlab's own semantics are the `null` row.
 */
export const VS_RULES: Record<
  Framework | "initlab",
  { clampFan: boolean; normal: "normal" | "truncated_normal" | "tfjs_uncorrected" }
> = {
  initlab: { clampFan: false, normal: "normal" },
  torch: { clampFan: false, normal: "normal" },
  keras: { clampFan: true, normal: "truncated_normal" },
  tfjs: { clampFan: true, normal: "tfjs_uncorrected" },
  jax: { clampFan: false, normal: "normal" },
  flax: { clampFan: false, normal: "normal" },
};

/**
 * The heart of the catalog (Keras/JAX `VarianceScaling`): Var(w) = scale/n with n = fan_in,
 * fan_out or (fan_in + fan_out)/2 by `mode`, drawn as
 *   uniform:           U(−√(3·scale/n), √(3·scale/n));
 *   normal:            N(0, scale/n) (initlab, torch, jax; alias untruncated_normal);
 *   truncated_normal:  N(0, σ²) cut at ±2σ with σ = √(scale/n)/0.87962566103423978, so the
 *                      variance after truncation is scale/n (keras, jax).
 * Framework rules ({@link VS_RULES}): keras and tfjs use n = max(1, fan); keras reads distribution
 * "normal" as "truncated_normal"; tfjs's "normal" is a ±2σ truncated normal with σ = √(scale/n)
 * and no correction, so its variance is 0.7737·scale/n (tfjs#8594).
 * Example: glorot_normal for a 256→128 dense layer in keras is variance_scaling(1, fan_avg,
 * truncated_normal): n = 192, σ = √(1/192)/0.8796 = 0.08204, cut at ±0.1641, Var = 1/192.
 */
export function varianceScaling(scale: number, mode: Mode, distribution: VsDistribution, env: BuildEnv): Built {
  const rules = VS_RULES[env.framework ?? "initlab"];
  const fan =
    mode === "fan_in" ? env.fans.fanIn : mode === "fan_out" ? env.fans.fanOut : (env.fans.fanIn + env.fans.fanOut) / 2;
  const n = rules.clampFan ? Math.max(1, fan) : fan;
  const target = scale / n;
  const quirks: string[] = [];
  if (distribution === "uniform") {
    const bound = Math.sqrt(3 * target);
    if (env.framework === "tfjs")
      quirks.push(
        "tfjs: some versions drop the seed for the uniform branch, so seeded runs are not reproducible (tfjs#7104)",
      );
    return { distribution: { kind: "uniform", low: -bound, high: bound }, quirks };
  }
  const drawn =
    distribution === "normal" ? rules.normal : distribution === "untruncated_normal" ? "normal" : "truncated_normal";
  if (distribution === "normal" && drawn === "truncated_normal")
    quirks.push('keras reads distribution="normal" as "truncated_normal" (corrected, ±2σ)');
  if (drawn === "tfjs_uncorrected") {
    const std = Math.sqrt(target);
    quirks.push(
      `tfjs samples a ±2σ truncated normal with σ = √(scale/n) = ${std.toPrecision(6)} and no 0.8796 correction: the variance is 0.7737× the intended ${target.toPrecision(6)} (tfjs#8594)`,
    );
    return {
      distribution: { kind: "truncated_normal", mean: 0, std, low: -2 * std, high: 2 * std },
      targetVariance: target,
      quirks,
    };
  }
  if (drawn === "normal") return { distribution: { kind: "normal", mean: 0, std: Math.sqrt(target) }, quirks };
  // constant is the std of a standard normal truncated to (−2, 2)
  const std = Math.sqrt(target) / TRUNCATED_NORMAL_STD_2SIGMA;
  return { distribution: { kind: "truncated_normal", mean: 0, std, low: -2 * std, high: 2 * std }, quirks };
}

const GAIN = { kind: "number", default: 1, min: 0, doc: "multiplies the std (variance × gain²)" } as const;
const MODE_KAIMING = {
  kind: "word",
  default: "fan_in",
  values: ["fan_in", "fan_out"],
  doc: "fan_in keeps forward variance, fan_out backward",
} as const;

/**
 * The distribution a framework's *_normal initializer hands to variance scaling: untruncated for
 * initlab and torch, tfjs's own (uncorrected truncated) "normal", corrected truncated for keras/jax/flax.
 */
function normalFor(fw: Framework | null): "normal" | "truncated_normal" {
  return fw === null || fw === "torch" || fw === "tfjs" ? "normal" : "truncated_normal";
}

/** Variance-scaling family: Glorot/Xavier, He/Kaiming, LeCun as one-line specialisations. */
function glorot(distribution: "uniform" | "normal"): InitializerDef["build"] {
  return (p, env) => {
    const gain = num(p, "gain");
    if (env.framework !== null && env.framework !== "torch" && gain !== 1) {
      throw new RangeError(`glorot_${distribution}: ${env.framework} has no gain parameter; valid: (none)`);
    }
    return varianceScaling(
      gain * gain,
      "fan_avg",
      distribution === "uniform" ? "uniform" : normalFor(env.framework),
      env,
    );
  };
}

function kaiming(distribution: "uniform" | "normal", name: string): InitializerDef["build"] {
  return (p, env) => {
    const fw = env.framework;
    const a = num(p, "a");
    const nl = word(p, "nonlinearity");
    const mode = word(p, "mode");
    const quirks: string[] = [];
    const native = fw === null || fw === "torch";
    if (!native && (a !== 0 || nl !== "leaky_relu" || mode !== "fan_in")) {
      throw new RangeError(`${name}: ${fw}'s version is fixed at scale 2, fan_in; valid: (none)`);
    }
    if (a !== 0 && nl !== "leaky_relu")
      quirks.push(`a = ${a} is ignored unless nonlinearity = leaky_relu (as in torch)`);
    if (fw === "torch" && nl === "leaky_relu" && a === 0)
      quirks.push("torch's default nonlinearity is leaky_relu with a = 0, i.e. gain √2 — the same as relu");
    const gain = calculateGain(nl, nl === "leaky_relu" ? a : undefined);
    const built = varianceScaling(
      gain * gain,
      parseMode(mode),
      distribution === "uniform" ? "uniform" : normalFor(fw),
      env,
    );
    return { ...built, quirks: [...quirks, ...(built.quirks ?? [])] };
  };
}

function lecun(distribution: "uniform" | "normal"): InitializerDef["build"] {
  return (_p, env) => {
    const fw = env.framework;
    const quirks: string[] = [];
    if (fw === "torch")
      quirks.push(
        `torch has no lecun_${distribution}; this is kaiming_${distribution}_(nonlinearity='linear'), the same distribution`,
      );
    const built = varianceScaling(1, "fan_in", distribution === "uniform" ? "uniform" : normalFor(fw), env);
    return { ...built, quirks: [...quirks, ...(built.quirks ?? [])] };
  };
}

function needDims(name: string, ctx: KernelContext, ok: (n: number) => boolean, what: string): void {
  if (!ok(ctx.shape.length)) throw new RangeError(`${name}: needs ${what}, got shape [${ctx.shape.join(",")}]`);
}

const NONLINEARITY = {
  kind: "word",
  default: "leaky_relu",
  values: GAIN_NONLINEARITIES,
  doc: "selects the gain (calculate_gain)",
} as const;
const SLOPE = { kind: "number", default: 0, doc: "negative slope of leaky_relu (gain √(2/(1+a²)))" } as const;

/** Parameter tables shared by two groups of frameworks (keras and tfjs spell theirs alike, as do jax and flax). */
function sameIn(
  a: Framework[],
  aParams: ParamDefs,
  b: Framework[],
  bParams: ParamDefs,
): Partial<Record<Framework, ParamDefs>> {
  return Object.fromEntries([...a.map((f) => [f, aParams]), ...b.map((f) => [f, bParams])]);
}

/** Keras, TF.js, JAX and Flax's He initializers take no parameters (scale 2, fan_in, fixed). */
const NO_PARAMS_OUTSIDE_TORCH: Partial<Record<Framework, ParamDefs>> = { keras: {}, tfjs: {}, jax: {}, flax: {} };
const variants = (names: Partial<Record<Framework, string>>, params: Partial<Record<Framework, ParamDefs>> = {}) =>
  Object.fromEntries(
    Object.entries(names).map(([fw, name]) => [fw, { name, params: params[fw as Framework] }]),
  ) as Partial<Record<Framework, FrameworkVariant>>;

/** Every initializer initlab knows, in the order `init list` prints them. */
export const INITIALIZERS: readonly InitializerDef[] = [
  {
    name: "zeros",
    aliases: [],
    formula: "w = 0",
    paper: "—",
    example: { spec: "zeros", shape: [64, 10] },
    params: {},
    frameworks: variants({
      torch: "nn.init.zeros_",
      keras: "Zeros",
      tfjs: "zeros",
      jax: "zeros",
      flax: "initializers.zeros",
    }),
    build: () => ({ distribution: { kind: "constant", value: 0 } }),
  },
  {
    name: "ones",
    aliases: [],
    formula: "w = 1",
    paper: "—",
    example: { spec: "ones", shape: [128] },
    params: {},
    frameworks: variants({
      torch: "nn.init.ones_",
      keras: "Ones",
      tfjs: "ones",
      jax: "ones",
      flax: "initializers.ones",
    }),
    build: () => ({ distribution: { kind: "constant", value: 1 } }),
  },
  {
    name: "constant",
    aliases: [],
    formula: "w = value",
    paper: "—",
    example: { spec: "constant(value=0.1)", shape: [128] },
    params: { value: { kind: "number", default: 0, doc: "the constant" } },
    frameworks: variants({
      torch: "nn.init.constant_",
      keras: "Constant",
      tfjs: "constant",
      jax: "constant",
      flax: "initializers.constant",
    }),
    build: (p) => ({ distribution: { kind: "constant", value: num(p, "value") } }),
  },
  {
    name: "normal",
    aliases: ["random_normal"],
    formula: "w ~ N(mean, std²)",
    paper: "—",
    example: { spec: "normal(std=0.02)", shape: [768, 768] },
    params: {
      mean: { kind: "number", default: 0, doc: "mean" },
      std: { kind: "number", default: 1, min: 0, doc: "standard deviation" },
    },
    frameworks: variants(
      {
        torch: "nn.init.normal_",
        keras: "RandomNormal",
        tfjs: "randomNormal",
        jax: "normal",
        flax: "initializers.normal",
      },
      sameIn(
        ["keras", "tfjs"],
        {
          mean: { kind: "number", default: 0, doc: "mean" },
          std: { kind: "number", default: 0.05, min: 0, doc: "stddev" },
        },
        ["jax", "flax"],
        { std: { kind: "number", default: 0.01, min: 0, doc: "stddev" } },
      ),
    ),
    build: (p) => ({
      distribution: { kind: "normal", mean: typeof p.mean === "number" ? p.mean : 0, std: num(p, "std") },
    }),
  },
  {
    name: "uniform",
    aliases: ["random_uniform"],
    formula: "w ~ U(low, high)",
    paper: "—",
    example: { spec: "uniform", shape: [64, 32], framework: "keras" },
    params: {
      low: { kind: "number", default: 0, doc: "lower bound" },
      high: { kind: "number", default: 1, doc: "upper bound" },
    },
    frameworks: variants(
      {
        torch: "nn.init.uniform_",
        keras: "RandomUniform",
        tfjs: "randomUniform",
        jax: "uniform",
        flax: "initializers.uniform",
      },
      sameIn(
        ["keras", "tfjs"],
        {
          low: { kind: "number", default: -0.05, doc: "minval" },
          high: { kind: "number", default: 0.05, doc: "maxval" },
        },
        ["jax", "flax"],
        { high: { kind: "number", default: 0.01, min: 0, doc: "scale: U[0, scale)" } },
      ),
    ),
    build: (p, env) => {
      const low = typeof p.low === "number" ? p.low : 0;
      const high = num(p, "high");
      if (!(high >= low)) throw new RangeError(`uniform: high must be >= low, got low=${low}, high=${high}`);
      const quirks =
        env.framework === "jax" || env.framework === "flax"
          ? [`${env.framework}'s uniform(scale) samples U[0, scale): its mean is scale/2, not 0`]
          : [];
      return { distribution: { kind: "uniform", low, high }, quirks };
    },
  },
  {
    name: "truncated_normal",
    aliases: ["trunc_normal"],
    formula: "w ~ N(mean, std²) restricted to [mean + a·std, mean + b·std] (torch: [a, b] absolute)",
    paper: "—",
    example: { spec: "trunc_normal(std=0.02)", shape: [768, 768], framework: "torch" },
    params: {
      mean: { kind: "number", default: 0, doc: "mean of the underlying normal" },
      std: {
        kind: "number",
        default: 1,
        min: 0,
        exclusiveMin: true,
        doc: "std of the underlying normal (before truncation)",
      },
      a: { kind: "number", default: -2, doc: "lower bound, in std units (torch: absolute)" },
      b: { kind: "number", default: 2, doc: "upper bound, in std units (torch: absolute)" },
    },
    frameworks: variants(
      {
        torch: "nn.init.trunc_normal_",
        keras: "TruncatedNormal",
        tfjs: "truncatedNormal",
        jax: "truncated_normal",
        flax: "initializers.truncated_normal",
      },
      sameIn(
        ["keras", "tfjs"],
        {
          mean: { kind: "number", default: 0, doc: "mean" },
          std: { kind: "number", default: 0.05, min: 0, exclusiveMin: true, doc: "stddev (before truncation)" },
        },
        ["jax", "flax"],
        {
          std: { kind: "number", default: 0.01, min: 0, exclusiveMin: true, doc: "stddev (before truncation)" },
          a: { kind: "number", default: -2, doc: "lower, in std units" },
          b: { kind: "number", default: 2, doc: "upper, in std units" },
        },
      ),
    ),
    build: (p, env) => {
      const mean = typeof p.mean === "number" ? p.mean : 0;
      const std = num(p, "std");
      const a = num(p, "a");
      const b = num(p, "b");
      const quirks: string[] = [];
      let low: number;
      let high: number;
      if (env.framework === "torch") {
        low = a;
        high = b;
        const lo = (a - mean) / std;
        const hi = (b - mean) / std;
        if (Math.min(-lo, hi) > 4)
          quirks.push(
            `torch's a, b are absolute values: [${a}, ${b}] is [${lo.toPrecision(3)}σ, ${hi.toPrecision(3)}σ] for std ${std}, so almost nothing is truncated`,
          );
      } else {
        low = mean + a * std;
        high = mean + b * std;
      }
      if (!(high > low)) throw new RangeError(`truncated_normal: need a < b, got a=${a}, b=${b}`);
      const mass = truncatedNormalMass(mean, std, low, high);
      if (mass < 1e-3)
        throw new RangeError(
          `truncated_normal: [${low}, ${high}] holds only ${mass.toExponential(2)} of N(${mean}, ${std}²); refusing to sample by rejection`,
        );
      return { distribution: { kind: "truncated_normal", mean, std, low, high }, quirks };
    },
  },
  {
    name: "variance_scaling",
    aliases: [],
    formula:
      "Var(w) = scale/n, n = fan_in | fan_out | (fan_in+fan_out)/2; uniform bound √(3·scale/n); truncated std √(scale/n)/0.8796",
    paper: "Keras VarianceScaling; Klambauer et al. (2017) and He et al. (2015) as special cases",
    example: { spec: "variance_scaling(scale=2,mode=fan_in,distribution=truncated_normal)", shape: [3, 3, 64, 128] },
    params: {
      scale: { kind: "number", default: 1, min: 0, exclusiveMin: true, doc: "variance multiplier" },
      mode: { kind: "word", default: "fan_in", values: MODES, doc: "which fan n is" },
      distribution: {
        kind: "word",
        default: "truncated_normal",
        values: VS_DISTRIBUTIONS,
        doc: "uniform, normal (untruncated) or truncated_normal (corrected)",
      },
    },
    frameworks: variants(
      {
        keras: "VarianceScaling",
        tfjs: "varianceScaling",
        jax: "variance_scaling",
        flax: "initializers.variance_scaling",
      },
      {
        tfjs: {
          scale: { kind: "number", default: 1, min: 0, exclusiveMin: true, doc: "scale" },
          mode: { kind: "word", default: "fan_in", values: MODES, doc: "fanIn | fanOut | fanAvg" },
          distribution: {
            kind: "word",
            default: "normal",
            values: ["normal", "uniform"],
            doc: "normal (truncated, uncorrected) | uniform",
          },
        },
      },
    ),
    build: (p, env) =>
      varianceScaling(num(p, "scale"), parseMode(word(p, "mode")), parseVsDistribution(word(p, "distribution")), env),
  },
  {
    name: "glorot_uniform",
    aliases: ["xavier_uniform"],
    formula: "U(±gain·√(6/(fan_in+fan_out))), Var = 2·gain²/(fan_in+fan_out)",
    paper: 'Glorot & Bengio (2010), "Understanding the difficulty of training deep feedforward neural networks"',
    example: { spec: "glorot_uniform", shape: [256, 128], framework: "keras" },
    params: { gain: GAIN },
    frameworks: variants({
      torch: "nn.init.xavier_uniform_",
      keras: "GlorotUniform",
      tfjs: "glorotUniform",
      jax: "glorot_uniform",
      flax: "initializers.glorot_uniform",
    }),
    build: glorot("uniform"),
  },
  {
    name: "glorot_normal",
    aliases: ["xavier_normal"],
    formula: "N(0, 2·gain²/(fan_in+fan_out)); keras/jax: truncated ±2σ, corrected; tfjs: truncated, uncorrected",
    paper: 'Glorot & Bengio (2010), "Understanding the difficulty of training deep feedforward neural networks"',
    example: { spec: "glorot_normal", shape: [256, 128], framework: "tfjs" },
    params: { gain: GAIN },
    frameworks: variants({
      torch: "nn.init.xavier_normal_",
      keras: "GlorotNormal",
      tfjs: "glorotNormal",
      jax: "glorot_normal",
      flax: "initializers.glorot_normal",
    }),
    build: glorot("normal"),
  },
  {
    name: "he_uniform",
    aliases: ["kaiming_uniform"],
    formula: "U(±gain·√(3/fan)), gain = calculate_gain(nonlinearity, a), Var = gain²/fan",
    paper: 'He, Zhang, Ren & Sun (2015), "Delving Deep into Rectifiers"',
    example: { spec: "kaiming_uniform(mode=fan_in,nonlinearity=relu)", shape: [128, 256], framework: "torch" },
    params: { a: SLOPE, mode: MODE_KAIMING, nonlinearity: NONLINEARITY },
    frameworks: variants(
      {
        torch: "nn.init.kaiming_uniform_",
        keras: "HeUniform",
        tfjs: "heUniform",
        jax: "he_uniform",
        flax: "initializers.he_uniform",
      },
      NO_PARAMS_OUTSIDE_TORCH,
    ),
    build: kaiming("uniform", "he_uniform"),
  },
  {
    name: "he_normal",
    aliases: ["kaiming_normal"],
    formula:
      "N(0, gain²/fan), gain = calculate_gain(nonlinearity, a); keras/jax: truncated ±2σ, corrected; tfjs: uncorrected",
    paper: 'He, Zhang, Ren & Sun (2015), "Delving Deep into Rectifiers"',
    example: { spec: "he_normal", shape: [3, 3, 64, 128] },
    params: { a: SLOPE, mode: MODE_KAIMING, nonlinearity: NONLINEARITY },
    frameworks: variants(
      {
        torch: "nn.init.kaiming_normal_",
        keras: "HeNormal",
        tfjs: "heNormal",
        jax: "he_normal",
        flax: "initializers.he_normal",
      },
      NO_PARAMS_OUTSIDE_TORCH,
    ),
    build: kaiming("normal", "he_normal"),
  },
  {
    name: "lecun_uniform",
    aliases: [],
    formula: "U(±√(3/fan_in)), Var = 1/fan_in",
    paper: 'LeCun, Bottou, Orr & Müller (1998), "Efficient BackProp"',
    example: { spec: "lecun_uniform", shape: [256, 128] },
    params: {},
    frameworks: variants({
      torch: "nn.init.kaiming_uniform_(nonlinearity='linear')",
      keras: "LecunUniform",
      tfjs: "leCunUniform",
      jax: "lecun_uniform",
      flax: "initializers.lecun_uniform",
    }),
    build: lecun("uniform"),
  },
  {
    name: "lecun_normal",
    aliases: [],
    formula: "N(0, 1/fan_in); keras/jax: truncated ±2σ, corrected; tfjs: uncorrected",
    paper: 'LeCun et al. (1998), "Efficient BackProp"; Klambauer et al. (2017), "Self-Normalizing Neural Networks"',
    example: { spec: "lecun_normal", shape: [256, 128], framework: "flax" },
    params: {},
    frameworks: variants({
      torch: "nn.init.kaiming_normal_(nonlinearity='linear')",
      keras: "LecunNormal",
      tfjs: "leCunNormal",
      jax: "lecun_normal",
      flax: "initializers.lecun_normal",
    }),
    build: lecun("normal"),
  },
  {
    name: "small_init",
    aliases: [],
    formula: "N(0, 2/(5·fan_in)): Var = 0.4/fan_in, below LeCun's 1/fan_in",
    paper:
      'Nguyen & Salazar (2019), "Transformers without Tears: Improving the Normalization of Self-Attention" (GPT-NeoX\'s small_init)',
    example: { spec: "small_init", shape: [768, 768] },
    params: {},
    frameworks: {},
    build: (_p, env) => ({ distribution: { kind: "normal", mean: 0, std: Math.sqrt(2 / (5 * env.fans.fanIn)) } }),
  },
  {
    name: "orthogonal",
    aliases: [],
    formula: "gain·Q, Q Haar orthogonal (QR of a Gaussian, Q·sign(diag R)) over the kernel flattened to [out, fan_in]",
    paper:
      'Saxe, McClelland & Ganguli (2014), "Exact solutions to the nonlinear dynamics of learning in deep linear neural networks"',
    example: { spec: "orthogonal(gain=1.4142135623730951)", shape: [256, 256] },
    params: { gain: GAIN },
    frameworks: variants({
      torch: "nn.init.orthogonal_",
      keras: "Orthogonal",
      tfjs: "orthogonal",
      jax: "orthogonal",
      flax: "initializers.orthogonal",
    }),
    build: (p, env) => {
      needDims("orthogonal", env.ctx, (n) => n >= 2, "2 or more dimensions");
      const fw = env.framework;
      const flatten = fw === "torch" || (fw === null && env.ctx.layout === "torch") ? "first" : "last";
      const quirks: string[] = [];
      if (fw === "tfjs" && env.ctx.shape.reduce((a, b) => a * b, 1) > 2000)
        quirks.push("tfjs warns above 2000 elements: its QR (linalg.qr) is slow");
      if (fw === "torch" && env.ctx.shape.length > 2)
        quirks.push("torch flattens trailing dims: rows = shape[0] (output channels)");
      if ((fw === "keras" || fw === "tfjs" || fw === "jax" || fw === "flax") && env.ctx.shape.length > 2)
        quirks.push(`${fw} flattens leading dims: columns = shape[-1] (output channels)`);
      if (fw === "jax" || fw === "flax") quirks.push(`${fw} calls the gain "scale"`);
      return { distribution: { kind: "orthogonal", gain: num(p, "gain"), flatten }, quirks };
    },
  },
  {
    name: "identity",
    aliases: ["eye"],
    formula: "gain on the diagonal of a 2-D kernel (non-square: the leading square block), 0 elsewhere",
    paper: 'Le, Jaitly & Hinton (2015), "A Simple Way to Initialize Recurrent Networks of Rectified Linear Units"',
    example: { spec: "identity", shape: [64, 64] },
    params: { gain: GAIN },
    frameworks: variants({ torch: "nn.init.eye_", keras: "Identity", tfjs: "identity" }),
    build: (p, env) => {
      needDims("identity", env.ctx, (n) => n === 2, "a 2-D shape");
      if (env.framework === "torch" && num(p, "gain") !== 1)
        throw new RangeError("identity: torch's eye_ has no gain parameter; valid: (none)");
      if (env.framework === "tfjs" && env.ctx.shape[0] !== env.ctx.shape[1])
        throw new RangeError(`identity: tfjs supports only square shapes, got [${env.ctx.shape.join(",")}]`);
      return { distribution: { kind: "identity", gain: num(p, "gain") } };
    },
  },
  {
    name: "dirac",
    aliases: [],
    formula:
      "1 at the centre tap of input channel d → output channel d (per group), 0 elsewhere: the conv is the identity",
    paper: "PyTorch nn.init.dirac_",
    example: { spec: "dirac", shape: [64, 64, 3, 3], framework: "torch" },
    params: {
      groups: {
        kind: "number",
        default: null,
        min: 1,
        integer: true,
        doc: "number of groups, each with its own identity (default: the kernel's groups)",
      },
    },
    frameworks: variants({ torch: "nn.init.dirac_" }),
    build: (p, env) => {
      needDims("dirac", env.ctx, (n) => n >= 3 && n <= 5, "a 1-D, 2-D or 3-D conv kernel (3 to 5 dimensions)");
      const axes = kernelAxes(env.ctx);
      const groups = typeof p.groups === "number" ? p.groups : axes.groups;
      if (axes.groups > 1 && groups !== axes.groups)
        throw new RangeError(`dirac: groups ${groups} differs from the kernel's groups ${axes.groups}`);
      if (axes.outChannels % groups !== 0)
        throw new RangeError(`dirac: groups ${groups} must divide the ${axes.outChannels} output channels`);
      return { distribution: { kind: "dirac", groups, gain: 1 } };
    },
  },
  {
    name: "delta_orthogonal",
    aliases: [],
    formula: "centre tap = gain·Q (Q Haar orthogonal [in, out], in ≤ out), other taps 0",
    paper:
      'Xiao, Bahri, Sohl-Dickstein, Schoenholz & Pennington (2018), "Dynamical Isometry and a Mean Field Theory of CNNs"',
    example: { spec: "delta_orthogonal", shape: [3, 3, 64, 64] },
    params: { gain: GAIN },
    frameworks: variants({ jax: "delta_orthogonal", flax: "initializers.delta_orthogonal" }),
    build: (p, env) => {
      needDims("delta_orthogonal", env.ctx, (n) => n >= 3 && n <= 5, "a conv kernel (3 to 5 dimensions)");
      const axes = kernelAxes(env.ctx);
      if (axes.groups !== 1) throw new RangeError("delta_orthogonal: needs groups = 1");
      if (axes.inChannels > axes.outChannels)
        throw new RangeError(
          `delta_orthogonal: needs in channels <= out channels, got ${axes.inChannels} > ${axes.outChannels}`,
        );
      return { distribution: { kind: "delta_orthogonal", gain: num(p, "gain") } };
    },
  },
  {
    name: "sparse",
    aliases: [],
    formula:
      "N(0, std²) with ⌈sparsity·fan_in⌉ of each unit's incoming weights set to 0 (torch: per column of the stored tensor)",
    paper: 'Martens (2010), "Deep learning via Hessian-free optimization"',
    example: { spec: "sparse(sparsity=0.9)", shape: [128, 64], framework: "torch" },
    params: {
      sparsity: { kind: "number", default: null, min: 0, max: 1, doc: "fraction of zeros (required)" },
      std: { kind: "number", default: 0.01, min: 0, doc: "std of the non-zero entries" },
    },
    frameworks: variants({ torch: "nn.init.sparse_" }),
    build: (p, env) => {
      needDims("sparse", env.ctx, (n) => n === 2, "a 2-D shape");
      if (p.sparsity === null) throw new RangeError("sparse: sparsity is required, e.g. sparse(sparsity=0.9)");
      const torch = env.framework === "torch";
      const quirks =
        torch && env.ctx.shape[0] !== env.ctx.shape[1]
          ? [
              "torch zeroes per column of [out, in], i.e. each input's outgoing weights, not each unit's incoming ones (Martens 2010)",
            ]
          : [];
      return {
        distribution: {
          kind: "sparse",
          sparsity: num(p, "sparsity"),
          std: num(p, "std"),
          axis: torch ? "columns" : "incoming",
        },
        quirks,
      };
    },
  },
  {
    name: "layer_default",
    aliases: ["default"],
    formula: "what a framework's Dense/Linear/Conv layer does when you pass nothing",
    paper: "framework sources",
    example: { spec: "layer_default", shape: [128, 256], framework: "torch" },
    params: {},
    frameworks: variants({
      torch: "Linear/Conv reset_parameters: kaiming_uniform_(a=√5)",
      keras: "Dense/Conv kernel_initializer: GlorotUniform",
      tfjs: "dense/conv2d kernelInitializer: glorotNormal",
      flax: "linen.Dense/Conv kernel_init: lecun_normal",
    }),
    build: (_p, env) => {
      const fw = env.framework;
      if (fw === null)
        throw new RangeError("layer_default: is a framework's choice; pass a framework (torch, keras, tfjs, flax)");
      if (fw === "torch") {
        // kaiming_uniform_(a=√5): gain = √(2/(1+5)) = √(1/3), bound = gain·√(3/fan_in) = 1/√fan_in
        const built = varianceScaling(1 / 3, "fan_in", "uniform", env);
        const b = 1 / Math.sqrt(env.fans.fanIn);
        return {
          ...built,
          quirks: [
            "torch Linear/Conv: kaiming_uniform_(a=√5) gives U(±1/√fan_in), Var = 1/(3·fan_in): a third of LeCun's 1/fan_in, so a deep stack shrinks the signal",
          ],
          bias: {
            distribution: { kind: "uniform", low: -b, high: b },
            description: `bias ~ U(±1/√fan_in) = U(±${b.toPrecision(6)})`,
          },
        };
      }
      const zero = { distribution: { kind: "constant", value: 0 } as InitDistribution, description: "bias = 0" };
      if (fw === "keras") return { ...varianceScaling(1, "fan_avg", "uniform", env), bias: zero };
      if (fw === "tfjs") return { ...varianceScaling(1, "fan_avg", "normal", env), bias: zero };
      return { ...varianceScaling(1, "fan_in", "truncated_normal", env), bias: zero };
    },
  },
];

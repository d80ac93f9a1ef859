import { describe, expect, it } from "vitest";
import { initialize, parseInitSpec, resolveInitializer, rngStream } from "../../../src/core/internal.js";
import type { Framework } from "../../../src/core/internal.js";
import { parseExperimentSpec } from "../../../src/experiment/experimentSpec.js";

const SHAPE = [256, 128];

/** Each framework's spelling, the initlab spec it means, and the framework it implies. */
const SPELLINGS: [string, string, Framework][] = [
  // Keras / TF
  ["TruncatedNormal(mean=0.0, stddev=0.05)", "truncated_normal(mean=0,std=0.05)", "keras"],
  ["RandomNormal(mean=0.0, stddev=0.05)", "normal(mean=0,std=0.05)", "keras"],
  ["RandomUniform(minval=-0.1, maxval=0.1)", "uniform(low=-0.1,high=0.1)", "keras"],
  [
    "VarianceScaling(scale=2.0, mode='fan_out', distribution='uniform')",
    "variance_scaling(scale=2,mode=fan_out,distribution=uniform)",
    "keras",
  ],
  ["VarianceScaling(2.0, 'fan_in', 'normal')", "variance_scaling(scale=2,mode=fan_in,distribution=normal)", "keras"],
  ["GlorotUniform()", "glorot_uniform", "keras"],
  ["HeNormal()", "he_normal", "keras"],
  ["Orthogonal(gain=2)", "orthogonal(gain=2)", "keras"],
  ["Constant(value=0.5)", "constant(value=0.5)", "keras"],
  ["Identity(gain=3)", "identity(gain=3)", "keras"],
  ["keras.initializers.LecunNormal()", "lecun_normal", "keras"],
  ["tf.keras.initializers.GlorotNormal(seed=7)", "glorot_normal", "keras"],
  ["'he_uniform'", "he_uniform", "keras"],
  // TF.js
  ["tf.initializers.truncatedNormal({stddev: 0.05})", "truncated_normal(std=0.05)", "tfjs"],
  ["tf.initializers.glorotUniform({seed: 42})", "glorot_uniform", "tfjs"],
  ["heNormal({seed: 1})", "he_normal", "tfjs"],
  [
    "varianceScaling({scale: 2, mode: 'fanAvg', distribution: 'normal'})",
    "variance_scaling(scale=2,mode=fan_avg,distribution=normal)",
    "tfjs",
  ],
  ["randomUniform({minval: -1, maxval: 1})", "uniform(low=-1,high=1)", "tfjs"],
  // PyTorch
  [
    "nn.init.kaiming_uniform_(w, a=math.sqrt(5), mode='fan_in', nonlinearity='leaky_relu')",
    "he_uniform(a=2.23606797749979,mode=fan_in,nonlinearity=leaky_relu)",
    "torch",
  ],
  ["kaiming_uniform_(a=math.sqrt(5))", "he_uniform(a=2.23606797749979)", "torch"],
  [
    "torch.nn.init.kaiming_normal_(tensor=w, mode='fan_out', nonlinearity='relu')",
    "he_normal(mode=fan_out,nonlinearity=relu)",
    "torch",
  ],
  ["trunc_normal_(std=.02, a=-2, b=2)", "truncated_normal(std=0.02,a=-2,b=2)", "torch"],
  ["xavier_normal_(gain=nn.init.calculate_gain('tanh'))", "glorot_normal(gain=1.6666666666666667)", "torch"],
  [
    "nn.init.xavier_uniform_(torch.empty(256, 128), gain=calculate_gain('leaky_relu', 0.2))",
    `glorot_uniform(gain=${Math.sqrt(2 / (1 + 0.04))})`,
    "torch",
  ],
  ["nn.init.normal_(w, 0.0, 0.02)", "normal(mean=0,std=0.02)", "torch"],
  ["nn.init.orthogonal_(w, gain=math.sqrt(2))", `orthogonal(gain=${Math.SQRT2})`, "torch"],
  ["nn.init.uniform_(w, -0.1, 0.1)", "uniform(low=-0.1,high=0.1)", "torch"],
  // JAX / Flax
  [
    'jax.nn.initializers.variance_scaling(2.0, "fan_in", "truncated_normal")',
    "variance_scaling(scale=2,mode=fan_in,distribution=truncated_normal)",
    "jax",
  ],
  ["nn.initializers.lecun_normal()", "lecun_normal", "flax"],
  ["normal(stddev=1e-2)", "normal(std=0.01)", "jax"],
  ["jax.nn.initializers.uniform(scale=0.1)", "uniform(high=0.1)", "jax"],
  [
    "jax.nn.initializers.truncated_normal(stddev=0.02, lower=-3.0, upper=3.0)",
    "truncated_normal(std=0.02,a=-3,b=3)",
    "jax",
  ],
  ["nn.initializers.orthogonal(scale=2.0)", "orthogonal(gain=2)", "flax"],
  ["jax.nn.initializers.kaiming_normal()", "he_normal", "jax"],
];

describe("native spellings", () => {
  it.each(SPELLINGS)("%s reads as %s in %s, with the same distribution", (spelling, own, framework) => {
    const parsed = parseInitSpec(spelling);
    expect(parsed.framework).toBe(framework);
    const native = resolveInitializer(spelling, { shape: SHAPE });
    const ours = resolveInitializer(own, { shape: SHAPE, framework });
    expect(native.framework).toBe(framework);
    expect(native.params).toEqual(ours.params);
    expect(native.variance).toBe(ours.variance);
  });

  it("initlab's own grammar keeps its meaning (no framework implied)", () => {
    for (const own of [
      "normal(std=0.01)",
      "he_normal",
      "variance_scaling(scale=2,mode=fan_in,distribution=normal)",
      "orthogonal(gain=2)",
    ])
      expect(parseInitSpec(own).framework).toBeUndefined();
  });

  it("a --framework given wins over the one a spelling implies", () => {
    const r = resolveInitializer("TruncatedNormal(stddev=0.05)", { shape: SHAPE, framework: "torch" });
    expect(r.framework).toBe("torch");
    expect(r.params).toEqual(
      resolveInitializer("truncated_normal(std=0.05)", { shape: SHAPE, framework: "torch" }).params,
    );
  });

  it.each([
    [
      "TruncatedNormal(std=0.05)",
      /^keras TruncatedNormal: unknown parameter std; keras TruncatedNormal takes mean, stddev, seed$/,
    ],
    [
      "tf.initializers.truncatedNormal({std: 0.05})",
      /^tfjs truncatedNormal: unknown parameter std; tfjs truncatedNormal takes mean, stddev, seed$/,
    ],
    [
      "kaiming_uniform_(w, alpha=1)",
      /^torch kaiming_uniform_: unknown parameter alpha; torch kaiming_uniform_ takes a, mode, nonlinearity, generator$/,
    ],
    ["jax.nn.initializers.normal(std=0.1)", /^jax normal: unknown parameter std; jax normal takes stddev, dtype$/],
    ["jax.nn.initializers.lecun_normal(in_axis=0)", /^jax lecun_normal: in_axis is read at its default only/],
    [
      "RandomNormal(0.0, 0.05, 1, 2)",
      /^keras RandomNormal: takes at most 3 positional arguments \(mean, stddev, seed\), got 4$/,
    ],
    ["keras.initializers.Bogus()", /^init: keras has no initializer "Bogus" that initlab reads$/],
    ["xavier_normal_(gain=nn.init.calculate_gain('tanhh'))", /^nonlinearity: must be one of/],
    ["RandomNormal(stddev=abc)", /^init: cannot read "abc"/],
  ])("%s is refused in one line naming the spelling's own parameters", (spelling, message) => {
    expect(() => resolveInitializer(spelling, { shape: SHAPE })).toThrow(message);
  });

  it("a seed in a spelling fixes the draws whatever the run's stream; another seed draws others", () => {
    const draw = (spec: string, runSeed: number) =>
      initialize(spec, { shape: [64, 64] }, rngStream(runSeed, "anything"), "float32").values;
    expect(draw("heNormal({seed: 1})", 0)).toEqual(draw("heNormal({seed: 1})", 99));
    expect(draw("heNormal({seed: 2})", 0)).not.toEqual(draw("heNormal({seed: 1})", 0));
    expect(draw("heNormal()", 0)).not.toEqual(draw("heNormal()", 99));
  });

  it("sweep files read native spellings too", () => {
    const spec = parseExperimentSpec({
      name: "x",
      experiment: "propagate",
      grid: { init: ["TruncatedNormal(stddev=0.05)", "kaiming_normal_(nonlinearity='relu')"] },
      fixed: { depth: 2, width: 8, activation: "relu" },
    });
    expect(spec.grid.init).toHaveLength(2);
    expect(() =>
      parseExperimentSpec({
        name: "x",
        experiment: "propagate",
        grid: { init: ["TruncatedNormal(std=0.05)"] },
        fixed: { depth: 2, width: 8, activation: "relu" },
      }),
    ).toThrow(/grid\.init\[0\]: .*keras TruncatedNormal takes mean, stddev, seed/);
  });
});

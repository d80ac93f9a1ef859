import type { InitDistribution } from "../init/distribution.js";

/** Code that draws the same distribution in each framework, for a weight `w` (PyTorch) or a layer's kernel_initializer. */
export interface InitSnippets {
  torch: string;
  keras: string;
  tfjs: string;
  jax: string;
}

/** A number as code: 6 significant digits, no exponent for ordinary magnitudes. */
function num(x: number): string {
  if (x === 0) return "0.0";
  const s = Number(x.toPrecision(6)).toString();
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A number as JavaScript code (no trailing ".0"). */
const js = (x: number) => Number(x.toPrecision(6)).toString();

/**
 * Copy-paste code for each framework that draws `d` — the distribution initlab resolved and
 * measured for one layer — with its numbers written out:
 * normal → `nn.init.normal_`, `RandomNormal`, `randomNormal`, `jax.nn.initializers.normal`;
 * truncated normal → `nn.init.trunc_normal_` (absolute bounds), and where the bounds are ±2σ (the
 * Keras, TF.js and JAX convention) `TruncatedNormal`, `truncatedNormal`,
 * `jax.nn.initializers.truncated_normal`; uniform → `nn.init.uniform_`, `RandomUniform`,
 * `randomUniform`, `jax.random.uniform` between the bounds; orthogonal → each framework's
 * orthogonal initializer with the gain. Returns null for distributions with no common spelling.
 */
export function initSnippets(d: InitDistribution): InitSnippets | null {
  switch (d.kind) {
    case "normal":
      if (d.mean !== 0) return null;
      return {
        torch: `torch.nn.init.normal_(w, mean=0.0, std=${num(d.std)})`,
        keras: `keras.initializers.RandomNormal(mean=0.0, stddev=${num(d.std)})`,
        tfjs: `tf.initializers.randomNormal({ mean: 0, stddev: ${js(d.std)} })`,
        jax: `jax.nn.initializers.normal(stddev=${num(d.std)})`,
      };
    case "truncated_normal": {
      const twoSigma =
        d.mean === 0 && Math.abs(d.low + 2 * d.std) <= 1e-12 * d.std && Math.abs(d.high - 2 * d.std) <= 1e-12 * d.std;
      if (!twoSigma) return null;
      return {
        torch: `torch.nn.init.trunc_normal_(w, mean=0.0, std=${num(d.std)}, a=${num(d.low)}, b=${num(d.high)})`,
        keras: `keras.initializers.TruncatedNormal(mean=0.0, stddev=${num(d.std)})`,
        tfjs: `tf.initializers.truncatedNormal({ mean: 0, stddev: ${js(d.std)} })`,
        jax: `jax.nn.initializers.truncated_normal(stddev=${num(d.std)})`,
      };
    }
    case "uniform":
      return {
        torch: `torch.nn.init.uniform_(w, a=${num(d.low)}, b=${num(d.high)})`,
        keras: `keras.initializers.RandomUniform(minval=${num(d.low)}, maxval=${num(d.high)})`,
        tfjs: `tf.initializers.randomUniform({ minval: ${js(d.low)}, maxval: ${js(d.high)} })`,
        jax: `lambda key, shape, dtype=jnp.float32: jax.random.uniform(key, shape, dtype, ${num(d.low)}, ${num(d.high)})`,
      };
    case "orthogonal":
      return {
        torch: `torch.nn.init.orthogonal_(w, gain=${num(d.gain)})`,
        keras: `keras.initializers.Orthogonal(gain=${num(d.gain)})`,
        tfjs: `tf.initializers.orthogonal({ gain: ${js(d.gain)} })`,
        jax: `jax.nn.initializers.orthogonal(scale=${num(d.gain)})`,
      };
    default:
      return null;
  }
}

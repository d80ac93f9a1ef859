import type { InitDistribution } from "../../init/distribution.js";
import type { Dtype } from "../../numeric/dtype.js";
import { NumpyLegacyRng } from "./numpyLegacy.js";
import { numpyNormals } from "./numpyZiggurat.js";
import { Pcg64 } from "./pcg64.js";
import { TorchCpuRng } from "./torchCpuRng.js";

/**
 * The random streams initlab can draw from: its own (xoshiro128** per labelled stream), or a
 * framework's, so that a seed gives that framework's numbers:
 * - numpy-legacy: `np.random.seed(s)`, then `np.random.normal`/`uniform` (float64; a float32 file
 *   holds them rounded, as `.astype(np.float32)`);
 * - numpy: `np.random.default_rng(s)`, then `normal`/`uniform` in float64, or in float32
 *   `standard_normal(dtype=np.float32)·σ + μ` and `random(dtype=np.float32)·(b − a) + a`;
 * - torch: `torch.manual_seed(s)` on the CPU, then `tensor.normal_`/`uniform_` (float32; float64
 *   tensors with --dtype float64). One generator runs through a whole call: a weight, then its bias.
 */
export const RNG_KINDS = ["initlab", "numpy", "numpy-legacy", "torch"] as const;
export type RngKind = (typeof RNG_KINDS)[number];

/** Draws tensors one after another from one framework generator (seeded once). */
export interface FrameworkSampler {
  kind: Exclude<RngKind, "initlab">;
  /** the next tensor of n values of a normal, uniform or constant distribution, in `dtype` */
  sample(d: InitDistribution, n: number, dtype: Dtype): Float64Array | Float32Array;
}

const fr = Math.fround;

function refuse(kind: string, d: InitDistribution): never {
  throw new RangeError(
    `rng: --rng ${kind} draws normal, uniform and constant initializers (as the framework's normal_/uniform_ would); ${d.kind} is drawn from --rng initlab only`,
  );
}

/** A framework's generator, seeded as the framework seeds it. */
export function frameworkSampler(kind: Exclude<RngKind, "initlab">, seed: number): FrameworkSampler {
  if (kind === "numpy-legacy") {
    const g = new NumpyLegacyRng(seed);
    return {
      kind,
      sample(d, n, dtype) {
        const out = new Float64Array(n);
        if (d.kind === "normal") {
          const [mean, std] = [d.mean, d.std];
          for (let i = 0; i < n; i++) out[i] = mean + std * g.nextGauss();
        } else if (d.kind === "uniform") for (let i = 0; i < n; i++) out[i] = d.low + (d.high - d.low) * g.nextDouble();
        else if (d.kind === "constant") out.fill(d.value);
        else refuse(kind, d);
        return dtype === "float32" ? Float32Array.from(out) : out;
      },
    };
  }
  if (kind === "numpy") {
    const g = new Pcg64(seed);
    // each precision's ziggurat tables, made the first time this generator draws normals in it
    let normal64: ((g: Pcg64) => number) | null = null;
    let normal32: ((g: Pcg64) => number) | null = null;
    return {
      kind,
      sample(d, n, dtype) {
        if (dtype === "float32") {
          const out = new Float32Array(n);
          if (d.kind === "normal") {
            const [mu, sigma] = [fr(d.mean), fr(d.std)];
            const draw = (normal32 ??= numpyNormals("float32"));
            for (let i = 0; i < n; i++) out[i] = fr(draw(g) * sigma) + mu;
          } else if (d.kind === "uniform") {
            const [a, w] = [fr(d.low), fr(fr(d.high) - fr(d.low))];
            for (let i = 0; i < n; i++) out[i] = fr(g.nextFloat() * w) + a;
          } else if (d.kind === "constant") out.fill(d.value);
          else refuse(kind, d);
          return out;
        }
        const out = new Float64Array(n);
        if (d.kind === "normal") {
          const draw = (normal64 ??= numpyNormals("float64"));
          for (let i = 0; i < n; i++) out[i] = d.mean + d.std * draw(g);
        } else if (d.kind === "uniform") for (let i = 0; i < n; i++) out[i] = d.low + (d.high - d.low) * g.nextDouble();
        else if (d.kind === "constant") out.fill(d.value);
        else refuse(kind, d);
        return out;
      },
    };
  }
  const g = new TorchCpuRng(seed);
  return {
    kind,
    sample(d, n, dtype) {
      const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
      if (d.kind === "normal") g.normal(out, d.mean, d.std);
      else if (d.kind === "uniform") g.uniform(out, d.low, d.high);
      else if (d.kind === "constant") out.fill(d.value);
      else refuse(kind, d);
      return out;
    },
  };
}

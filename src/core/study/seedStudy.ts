import type { Dtype } from "../numeric/dtype.js";
import { checkSeed } from "../random/Rng.js";
import type { LinearNetGradientResult } from "./linearNetGradients.js";
import { linearNetGradients } from "./linearNetGradients.js";
import type { ChainResult } from "./matmulChain.js";
import { matmulChain } from "./matmulChain.js";
import type { ProgressListener } from "./progress.js";
import type { VarianceLawResult } from "./varianceLaw.js";
import { varianceLaw } from "./varianceLaw.js";
import { scaledNormal, symmetricUniform } from "./weightSamplers.js";

export interface SeedStudyOptions {
  seed: number;
  /** default float32, as in the notebook (TensorFlow's default dtype) */
  dtype?: Dtype;
  /** the notebook's literal gradient loop (output fed back as input); default false */
  feedOutputBack?: boolean;
  /** epochs of the gradient experiments; default 150 */
  epochs?: number;
  onProgress?: ProgressListener;
}

export interface SeedStudyResult {
  seed: number;
  dtype: Dtype;
  /** 1: x ~ N(0,1) [1,512], 100 × (x ← x·W, W ~ N(0,1) [512,512]), stop at the first non-finite std */
  exploding: ChainResult;
  /** 2: the same with x and W scaled by 0.01, stop at the first std exactly 0 */
  vanishing: ChainResult;
  /** 3 and 4: Var(out) = n_in·Var(in)·Var(w) for n_in = 625 */
  varianceLaw: VarianceLawResult;
  /** 6: 100 layers of Xavier-uniform W ~ U(±√6/√(625+625)) on x ~ N(0,1) [1,625] */
  xavierForward: ChainResult & { bound: number };
  /** 5 and 7: a 5-layer linear net trained by gradient descent, LeCun-normal (std 1/√625) and Xavier-uniform */
  gradients: { lecun: LinearNetGradientResult; xavier: LinearNetGradientResult };
}

/** Width of the exploding/vanishing nets. */
export const SEED_WIDTH = 512;
/** Width (n_in = n_out) of the variance-law, Xavier and gradient experiments. */
export const SEED_FAN = 625;
/** Loop bound of the notebook's forward experiments. */
export const SEED_DEPTH = 100;

/**
 * The seven experiments of the seed study ("Study of Weight Initialization in Deep Learning",
 * a TensorFlow 2.1 notebook), every array and reduction in `dtype`. Xavier's bound is
 * √6/√(n_in + n_out) — Glorot & Bengio (2010), "Understanding the difficulty of training deep
 * feedforward neural networks" — and LeCun's std is 1/√n_in — LeCun et al. (1998), "Efficient
 * BackProp".
 */
export function seedStudy(options: SeedStudyOptions): SeedStudyResult {
  const seed = checkSeed(options.seed);
  const dtype = options.dtype ?? "float32";
  const onProgress = options.onProgress;
  const exploding = matmulChain({
    seed,
    stream: "exploding",
    width: SEED_WIDTH,
    depth: SEED_DEPTH,
    dtype,
    input: scaledNormal(1),
    weights: scaledNormal(1),
    stop: "std-non-finite",
    onProgress,
  });
  const vanishing = matmulChain({
    seed,
    stream: "vanishing",
    width: SEED_WIDTH,
    depth: SEED_DEPTH,
    dtype,
    input: scaledNormal(0.01),
    weights: scaledNormal(0.01),
    stop: "std-zero",
    onProgress,
  });
  const law = varianceLaw(seed, SEED_FAN, 10000, dtype);
  const bound = Math.sqrt(6) / Math.sqrt(SEED_FAN + SEED_FAN);
  const xavier = matmulChain({
    seed,
    stream: "xavierForward",
    width: SEED_FAN,
    depth: SEED_DEPTH,
    dtype,
    input: scaledNormal(1),
    weights: symmetricUniform(bound),
    stop: "none",
    onProgress,
  });
  const common = { seed, dtype, epochs: options.epochs, feedOutputBack: options.feedOutputBack, onProgress };
  const lecun = linearNetGradients({ ...common, stream: "lecun", weights: scaledNormal(1 / Math.sqrt(SEED_FAN)) });
  const xavierGrad = linearNetGradients({ ...common, stream: "xavier", weights: symmetricUniform(bound) });
  return {
    seed,
    dtype,
    exploding,
    vanishing,
    varianceLaw: law,
    xavierForward: { ...xavier, bound },
    gradients: { lecun, xavier: xavierGrad },
  };
}

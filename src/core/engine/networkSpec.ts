import type { Framework } from "../init/kernel.js";
import type { Dtype } from "../numeric/dtype.js";

/** A fully connected network as initlab builds it at initialization. */
export interface NetworkSpec {
  /** width of the input x */
  inputWidth: number;
  /** output width of each layer; the depth is widths.length */
  widths: number[];
  /** weight initializer spec (catalog grammar), e.g. "lecun_normal" */
  init: string;
  /** bias initializer spec, or null for no bias */
  biasInit: string | null;
  /** activation spec, e.g. "tanh" or "leaky_relu(a=0.2)" */
  activation: string;
  /** residual blocks of `branchDepth` layers: h ← h + branchScale·branch(h); "fixup" = Zhang et al. (2019) */
  residual: { branchDepth: number; branchScale: number | "fixup" } | null;
  /** LayerNorm or BatchNorm (training-mode statistics, γ = 1, β = 0, ε = 1e−5) on every pre-activation */
  norm: "layer" | "batch" | null;
  /** initializer semantics: a framework preset, or null for initlab's */
  framework: Framework | null;
  /**
   * "mup": maximal-update parameterisation at init (Yang et al. 2022, Tensor Programs V, Table 3):
   * the output layer's weights are scaled by 1/√fan_in, so a 1/fan_in init (lecun_*) gives it
   * Var = 1/fan_in²; input and hidden layers keep the initializer's 1/fan_in. Default "standard".
   */
  parameterization?: "standard" | "mup";
  /**
   * Conv2D layers instead of dense ones: inputWidth and widths are channel counts, the input is an
   * NHWC image of height × width pixels, every layer a kernel × kernel convolution (keras kernel
   * [k, k, in, out], initlab's conv fans) with the given stride and padding. Absent = dense.
   */
  conv?: { kernel: number; stride: number; padding: "same" | "valid"; height: number; width: number } | null;
}

/** How to run a network. */
export interface RunOptions {
  network: NetworkSpec;
  batch: number;
  /** x ~ N(0, inputScale²); default 1 */
  inputScale?: number;
  /** storage dtype; default float32 */
  dtype?: Dtype;
  /** accumulation dtype of matmuls and reductions; default float32 for bfloat16/float16, the dtype otherwise */
  accumulate?: Dtype;
  seed: number;
}

export const NORM_EPS = 1e-5;

/** A plain dense network: `depth` layers of `width` (input included), no norm, residual or framework preset. */
export function plainNetwork(o: {
  width: number;
  depth: number;
  init: string;
  activation: string;
  biasInit?: string | null;
}): NetworkSpec {
  return {
    inputWidth: o.width,
    widths: new Array(o.depth).fill(o.width),
    init: o.init,
    biasInit: o.biasInit ?? null,
    activation: o.activation,
    residual: null,
    norm: null,
    framework: null,
  };
}

/** Checks a network spec's numbers. @throws one-line errors naming the field. */
export function checkNetwork(n: NetworkSpec): void {
  const posInt = (v: number, field: string) => {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${field}: must be a positive integer, got ${v}`);
  };
  posInt(n.inputWidth, "width");
  if (n.widths.length === 0) throw new RangeError("depth: must be a positive integer, got 0");
  n.widths.forEach((w, i) => posInt(w, `widths[${i}]`));
  if (n.conv) {
    posInt(n.conv.kernel, "kernel");
    posInt(n.conv.stride, "stride");
    posInt(n.conv.height, "height");
    posInt(n.conv.width, "image width");
    if (n.conv.padding !== "same" && n.conv.padding !== "valid")
      throw new RangeError(`padding: must be one of same, valid, got ${String(n.conv.padding)}`);
    if (n.residual && (n.conv.stride !== 1 || n.conv.padding !== "same"))
      throw new RangeError("residual: conv residual blocks need stride 1 and padding same (the block input is added)");
  }
  if (n.residual) {
    posInt(n.residual.branchDepth, "residual");
    if (n.widths.length % n.residual.branchDepth !== 0) {
      throw new RangeError(
        `residual: depth ${n.widths.length} must be a multiple of the branch depth ${n.residual.branchDepth}`,
      );
    }
    if (n.widths.some((w) => w !== n.inputWidth))
      throw new RangeError("residual: every layer must have the input's width (a residual adds the block input)");
    const s = n.residual.branchScale;
    if (s !== "fixup" && !(Number.isFinite(s) && s >= 0))
      throw new RangeError(`branch-scale: must be a number >= 0 or fixup, got ${s}`);
  }
}

/** How many weights the network's kernels hold: Σ_l k²·n_{l−1}·n_l (k = 1 for dense layers). */
export function networkWeightCount(n: NetworkSpec): number {
  const taps = n.conv ? n.conv.kernel * n.conv.kernel : 1;
  let total = 0;
  let prev = n.inputWidth;
  for (const w of n.widths) {
    total += taps * prev * w;
    prev = w;
  }
  return total;
}

/**
 * Bytes a run keeps alive at its peak: per layer the weights (k²·n_in·n_out), and the batch's
 * pre-activations, normalised values and outputs (3·B·pixels·n_out), 8 bytes each — kept for the
 * backward pass — plus one layer's im2col matrix and gradients.
 */
export function networkMemoryBytes(n: NetworkSpec, batch: number): number {
  const pixels = n.conv ? n.conv.height * n.conv.width : 1;
  const taps = n.conv ? n.conv.kernel * n.conv.kernel : 1;
  let total = 0;
  let prev = n.inputWidth;
  for (const w of n.widths) {
    total += taps * prev * w + 3 * batch * pixels * w;
    prev = w;
  }
  const widest = Math.max(n.inputWidth, ...n.widths);
  // one layer's im2col matrix (conv) and gradients
  return 8 * (total + batch * pixels * n.inputWidth + 3 * batch * pixels * taps * widest + taps * widest * widest);
}

import { integerMessage, oneOfMessage } from "../text/formatStat.js";

/** How the residual branches are scaled at init (see {@link residualScheme}). */
export const RESIDUAL_SCALES = ["none", "gpt2", "deepnorm", "tfixup"] as const;
export type ResidualScale = (typeof RESIDUAL_SCALES)[number];

/** A stack of transformer blocks on inputs of shape [batch, seq, width]. */
export interface TransformerSpec {
  depth: number;
  width: number;
  heads: number;
  seq: number;
  /** the MLP's hidden width is mlpRatio × width; default 4 */
  mlpRatio: number;
  norm: "layer" | "rms" | "none";
  normPosition: "pre" | "post";
  /**
   * a norm of the last block's output before the readout (GPT-2's ln_f; the pre-LN model of Xiong
   * et al. (2020), "On Layer Normalization in the Transformer Architecture"); default false
   */
  finalNorm: boolean;
  residualScale: ResidualScale;
  causal: boolean;
  /** blocks without the MLP sub-layer */
  attentionOnly: boolean;
  /** false: x ← f(x) instead of x ← x + f(x) */
  residual: boolean;
  /**
   * the catalog spec every weight matrix (Q, K, V, O, MLP in and out) is drawn from; "default" for
   * the framework's own defaults of these layers (see {@link drawBlockWeights})
   */
  init: string;
  /** whose semantics `init` follows (and whose layer defaults "default" means); null for initlab's */
  framework: "torch" | "keras" | null;
  /** the MLP's activation; default gelu */
  activation: string;
  /**
   * standard: logits QKᵀ/√d_h; mup (Yang et al. (2022), "Tensor Programs V: Tuning Large Neural
   * Networks via Zero-Shot Hyperparameter Transfer"): logits QKᵀ/d_h and W_Q initialized to 0
   * (μP's zero readout is not modelled: initlab's loss reads the stream with a fixed random T)
   */
  parameterization: "standard" | "mup";
  /**
   * null: the inputs are token vectors x ~ N(0, 1). Otherwise the inputs are rows of an embedding
   * table [vocab, width] drawn from `init` (e.g. small-init embeddings, U(±1e−4): Peng et al.
   * (2023), "RWKV: Reinventing RNNs for the Transformer Era"), indexed by tokens drawn uniformly.
   */
  embedding: { init: string; vocab: number } | null;
}

export const DEFAULT_TRANSFORMER: Omit<TransformerSpec, "depth" | "width" | "heads" | "seq"> = {
  mlpRatio: 4,
  norm: "layer",
  normPosition: "pre",
  finalNorm: false,
  residualScale: "none",
  causal: false,
  attentionOnly: false,
  residual: true,
  init: "glorot_uniform",
  framework: null,
  activation: "gelu",
  parameterization: "standard",
  embedding: null,
};

/**
 * The residual scheme's constants for L blocks (N = 2L sub-layers):
 * - none: x ← x + f(x), weights as drawn.
 * - gpt2 (Radford et al. (2019), "Language Models are Unsupervised Multitask Learners"): each
 *   branch's output projection (W_O, W_2) multiplied by 1/√(2L) at init; α = 1.
 * - deepnorm (Wang et al. (2022), "DeepNet: Scaling Transformers to 1,000 Layers", encoder-only
 *   post-LN): x ← LN(α·x + f(x)) with α = (2L)^{1/4}, and W_V, W_O, W_1, W_2 multiplied by
 *   β = (8L)^{−1/4} at init.
 * - tfixup (Huang, Perez, Ba & Volkovs (2020), "Improving Transformer Optimization Through Better
 *   Initialization", encoder): no norms; W_V, W_O, W_1, W_2 multiplied by 0.67·L^{−1/4} at init.
 * @returns alpha (the skip's factor) and the factor of each weight.
 */
export function residualScheme(
  scale: ResidualScale,
  depth: number,
): { alpha: number; q: number; k: number; v: number; o: number; w1: number; w2: number } {
  if (scale === "gpt2") {
    const f = 1 / Math.sqrt(2 * depth);
    return { alpha: 1, q: 1, k: 1, v: 1, o: f, w1: 1, w2: f };
  }
  if (scale === "tfixup") {
    const f = 0.67 * depth ** -0.25;
    return { alpha: 1, q: 1, k: 1, v: f, o: f, w1: f, w2: f };
  }
  if (scale === "deepnorm") {
    const beta = (8 * depth) ** -0.25;
    return { alpha: (2 * depth) ** 0.25, q: 1, k: 1, v: beta, o: beta, w1: beta, w2: beta };
  }
  return { alpha: 1, q: 1, k: 1, v: 1, o: 1, w1: 1, w2: 1 };
}

/** The largest sizes a transformer run accepts (the reference engine holds every block's activations). */
export const TRANSFORMER_LIMITS = { depth: 1000, width: 4096, heads: 256, seq: 4096, mlpRatio: 16, vocab: 1_000_000 };

/** Checks a spec. @throws a one-line error naming the field and what is allowed. */
export function checkTransformer(s: TransformerSpec): TransformerSpec {
  const int = (name: string, v: number, max: number) => {
    if (!Number.isInteger(v) || v < 1 || v > max) throw new RangeError(integerMessage(name, 1, max));
  };
  int("depth", s.depth, TRANSFORMER_LIMITS.depth);
  int("width", s.width, TRANSFORMER_LIMITS.width);
  int("heads", s.heads, TRANSFORMER_LIMITS.heads);
  int("seq", s.seq, TRANSFORMER_LIMITS.seq);
  if (s.width % s.heads !== 0) throw new RangeError(`heads: must divide the width (${s.width}), got ${s.heads}`);
  if (!(s.mlpRatio > 0 && s.mlpRatio <= TRANSFORMER_LIMITS.mlpRatio && Number.isInteger(s.mlpRatio * s.width)))
    throw new RangeError(
      `mlp-ratio: must be a number in (0, ${TRANSFORMER_LIMITS.mlpRatio}] making an integer hidden width, got ${s.mlpRatio}`,
    );
  if (!["layer", "rms", "none"].includes(s.norm))
    throw new RangeError(oneOfMessage("norm", ["layer", "rms", "none"], s.norm));
  if (!["pre", "post"].includes(s.normPosition))
    throw new RangeError(oneOfMessage("norm-position", ["pre", "post"], s.normPosition));
  if (!(RESIDUAL_SCALES as readonly string[]).includes(s.residualScale))
    throw new RangeError(oneOfMessage("residual-scale", RESIDUAL_SCALES, s.residualScale));
  if (s.framework !== null && s.framework !== "torch" && s.framework !== "keras")
    throw new RangeError(oneOfMessage("framework", ["torch", "keras"], String(s.framework)));
  if ((s.init === "default" || s.init === "layer_default") && s.framework === null)
    throw new RangeError("init: default means a framework's own layer defaults; give --framework torch or keras");
  if (s.residualScale === "tfixup" && s.norm !== "none")
    throw new RangeError("residual-scale: tfixup replaces the norms; give --norm none");
  if (s.parameterization !== "standard" && s.parameterization !== "mup")
    throw new RangeError(oneOfMessage("parameterization", ["standard", "mup"], String(s.parameterization)));
  if (s.embedding !== null) {
    if (!Number.isInteger(s.embedding.vocab) || s.embedding.vocab < 1 || s.embedding.vocab > TRANSFORMER_LIMITS.vocab)
      throw new RangeError(integerMessage("vocab", 1, TRANSFORMER_LIMITS.vocab));
    if (typeof s.embedding.init !== "string" || s.embedding.init === "")
      throw new RangeError("embedding-init: must be an initializer spec, e.g. uniform(low=-1e-4, high=1e-4)");
  }
  if (s.residualScale === "deepnorm" && (s.normPosition !== "post" || s.norm === "none"))
    throw new RangeError("residual-scale: deepnorm is for post-LN stacks (--norm-position post with a norm)");
  return s;
}

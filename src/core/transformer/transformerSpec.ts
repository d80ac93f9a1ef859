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
   * Networks via Zero-Shot Hyperparameter Transfer"): logits QKᵀ/d_h and W_Q initialized to 0, and
   * with a softmax readout its unembedding W_U = 0 (the zero readout; a fixed random readout T has no
   * weights to zero)
   */
  parameterization: "standard" | "mup";
  /**
   * null: the inputs are token vectors x ~ N(0, 1). Otherwise the inputs are rows of an embedding
   * table [vocab, width] drawn from `init` (e.g. small-init embeddings, U(±1e−4): Peng et al.
   * (2023), "RWKV: Reinventing RNNs for the Transformer Era"), indexed by tokens drawn uniformly.
   */
  embedding: { init: string; vocab: number } | null;
  /**
   * null: encoder-style blocks (self-attention, MLP). Otherwise decoder blocks (Vaswani et al.
   * (2017), "Attention Is All You Need"): self-attention, cross-attention over a memory, MLP. The
   * memory is the output of an encoder of `encoderDepth` blocks of the same configuration (no
   * cross-attention, no mask, its own weights and residual constants) on `memorySeq` source tokens,
   * with a final norm when the blocks are pre-norm. The gradient reaches the encoder through every
   * cross-attention's keys and values.
   */
  crossAttention: { memorySeq: number; encoderDepth: number } | null;
  /**
   * null: the loss reads the stream with a fixed random T (L = Σ out ⊙ T). Otherwise a softmax
   * readout over `vocab` classes: an unembedding W_U [width, vocab] drawn from `init` (μP: 0, its
   * zero readout), softmax cross-entropy against uniformly drawn target tokens ({@link softmaxReadout}).
   */
  readout: { vocab: number; init: string } | null;
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
  crossAttention: null,
  readout: null,
};

/** A residual scheme's constants: the skip's factor α, and each weight matrix's factor (x…: cross-attention's). */
export interface ResidualConstants {
  alpha: number;
  q: number;
  k: number;
  v: number;
  o: number;
  w1: number;
  w2: number;
  xq: number;
  xk: number;
  xv: number;
  xo: number;
}

/**
 * Where a stack sits: alone (encoder-only or decoder-only, 2 residual branches a block), the decoder
 * of an encoder-decoder (3 branches a block: self-attention, cross-attention, MLP), or its encoder.
 * `other` is the other part's depth.
 */
export type StackRole = { role: "stack" } | { role: "decoder"; other: number } | { role: "encoder"; other: number };

/**
 * The residual scheme's constants for a stack of L blocks:
 * - none: x ← x + f(x), weights as drawn.
 * - gpt2 (Radford et al. (2019), "Language Models are Unsupervised Multitask Learners"): each
 *   branch's output projection (W_O, W_2, cross-attention's W_O) multiplied by 1/√N at init, N the
 *   residual branches: N = 2L, or 3L in a decoder with cross-attention; α = 1.
 * - deepnorm (Wang et al. (2022), "DeepNet: Scaling Transformers to 1,000 Layers"): post-LN
 *   x ← LN(α·x + f(x)), and W_V, W_O, W_1, W_2 (and cross-attention's W_V, W_O) multiplied by β at
 *   init. Alone: α = (2L)^{1/4}, β = (8L)^{−1/4}. Encoder of N blocks under a decoder of M:
 *   α = 0.81·(N⁴M)^{1/16}, β = 0.87·(N⁴M)^{−1/16}. Decoder of M blocks: α = (3M)^{1/4}, β = (12M)^{−1/4}.
 * - tfixup (Huang, Perez, Ba & Volkovs (2020), "Improving Transformer Optimization Through Better
 *   Initialization"): no norms; W_V, W_O, W_1, W_2 multiplied by 0.67·N^{−1/4} in an encoder of N
 *   blocks (or a stack alone), and by (9M)^{−1/4} in a decoder of M blocks (cross-attention's W_V and
 *   W_O too). T-Fixup's embedding scaling is not modelled.
 * @returns alpha (the skip's factor) and the factor of each weight.
 */
export function residualScheme(
  scale: ResidualScale,
  depth: number,
  where: StackRole = { role: "stack" },
): ResidualConstants {
  const one = { alpha: 1, q: 1, k: 1, v: 1, o: 1, w1: 1, w2: 1, xq: 1, xk: 1, xv: 1, xo: 1 };
  const branches = (alpha: number, f: number) => ({ ...one, alpha, v: f, o: f, w1: f, w2: f, xv: f, xo: f });
  if (scale === "gpt2") {
    const f = 1 / Math.sqrt((where.role === "decoder" ? 3 : 2) * depth);
    return { ...one, o: f, w2: f, xo: f };
  }
  if (scale === "tfixup") return branches(1, where.role === "decoder" ? (9 * depth) ** -0.25 : 0.67 * depth ** -0.25);
  if (scale === "deepnorm") {
    if (where.role === "decoder") return branches((3 * depth) ** 0.25, (12 * depth) ** -0.25);
    if (where.role === "encoder") {
      const nm = depth ** 4 * where.other;
      return branches(0.81 * nm ** (1 / 16), 0.87 * nm ** (-1 / 16));
    }
    return branches((2 * depth) ** 0.25, (8 * depth) ** -0.25);
  }
  return one;
}

/** The role of a spec's own blocks: a decoder when it has cross-attention, else a stack alone. */
export const stackRole = (s: TransformerSpec): StackRole =>
  s.crossAttention ? { role: "decoder", other: s.crossAttention.encoderDepth } : { role: "stack" };

/**
 * The encoder that makes a decoder's memory: the same configuration with `encoderDepth` blocks on
 * `memorySeq` tokens, no cross-attention, no mask, and a final norm when pre-norm.
 */
export function memoryEncoder(s: TransformerSpec): TransformerSpec {
  if (!s.crossAttention) throw new RangeError("cross-attention: this stack has no memory encoder");
  return {
    ...s,
    depth: s.crossAttention.encoderDepth,
    seq: s.crossAttention.memorySeq,
    causal: false,
    finalNorm: s.normPosition === "pre" && s.norm !== "none",
    crossAttention: null,
  };
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
  if (s.crossAttention !== null && s.crossAttention !== undefined) {
    int("memory-seq", s.crossAttention.memorySeq, TRANSFORMER_LIMITS.seq);
    int("encoder-depth", s.crossAttention.encoderDepth, TRANSFORMER_LIMITS.depth);
  }
  if (s.readout !== null && s.readout !== undefined) {
    int("vocab", s.readout.vocab, TRANSFORMER_LIMITS.vocab);
    if (typeof s.readout.init !== "string" || s.readout.init === "")
      throw new RangeError("readout-init: must be an initializer spec, e.g. normal(std=0.02)");
  }
  if (s.residualScale === "deepnorm" && (s.normPosition !== "post" || s.norm === "none"))
    throw new RangeError("residual-scale: deepnorm is for post-LN stacks (--norm-position post with a norm)");
  return s;
}

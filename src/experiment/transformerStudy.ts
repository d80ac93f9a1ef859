import type { BandPoint, StreamTheory, TransformerSpec } from "../core/internal.js";
import { bandPoint, DEFAULT_TRANSFORMER, propagateTransformer, streamTheory } from "../core/internal.js";

/** The transformer study's setting: small enough to run over seeds in seconds. */
export const TRANSFORMER_STUDY = { width: 64, heads: 4, seq: 16, batch: 2, init: "lecun_normal" } as const;

export interface TransformerStudy {
  settings: typeof TRANSFORMER_STUDY & { seeds: number[] };
  /** token cosine per block over seeds: pure attention (no residual, MLP or norm) and pre-LN attention with residuals, 12 blocks */
  rankCollapse: { pure: BandPoint[]; residual: BandPoint[] };
  /** residual-stream std per block over seeds: pre-LN (48 blocks), pre-LN with GPT-2 scaling (12 and 48 blocks), post-LN (48 blocks) */
  stream: { preLN: BandPoint[]; gpt2At12: BandPoint[]; gpt2At48: BandPoint[]; postLN: BandPoint[] };
  /** std after block 48 over std after block 12 of the same pre-LN stack (the √L law says 2) */
  preLNGrowth: BandPoint;
  /** the mean-field stream band ({@link streamTheory}) of the pre-LN and GPT-2 stacks (48 blocks) */
  theory: { preLN: StreamTheory; gpt2At48: StreamTheory; preLNGrowth: { lo: number; hi: number } };
  /**
   * ‖∂L/∂W‖ of the last block over the first, post-LN and pre-LN with a final norm (Xiong et al.'s
   * two models), by depth, for encoder stacks and for decoders (cross-attention over an encoder of
   * the same depth and 16 memory tokens), each with the theory's range ({@link streamTheory})
   */
  gradientRatio: {
    depth: number;
    postLN: BandPoint;
    preLN: BandPoint;
    postLNDecoder: BandPoint;
    /** the same post-LN encoder-decoder's encoder: its last block's ‖∂L/∂W‖ over its first */
    postLNDecoderEncoder: BandPoint;
    preLNDecoder: BandPoint;
    theory: Record<"postLN" | "preLN" | "postLNDecoder" | "preLNDecoder", { min: number; max: number }>;
  }[];
  /** ‖∂L/∂W‖ of each block over the last block's, 24 blocks: where the gradient is largest */
  gradientProfile: { postLN: BandPoint[]; preLN: BandPoint[]; postLNDecoder: BandPoint[]; preLNDecoder: BandPoint[] };
}

/** The depths the gradient ratio is measured at. */
const GRADIENT_DEPTHS = [6, 12, 24] as const;

/**
 * The facts of transformer initialization, measured over seeds: rank collapse of pure attention
 * (Dong, Cordonnier & Loukas (2021)) and how residual connections prevent it; the pre-LN residual
 * stream's √L growth and GPT-2's 1/√(2L) fix (Radford et al. (2019)); post-LN's stream held at 1;
 * and the weight-gradient profile across blocks of post-LN and pre-LN stacks (pre-LN with a final
 * norm, as in Xiong et al. (2020), "On Layer Normalization in the Transformer Architecture"), as
 * initlab measures it (L = Σ out ⊙ T), in encoder stacks and in decoders whose cross-attention
 * reads an encoder's memory (Liu et al. (2020), "Understanding the Difficulty of Training
 * Transformers"); with the mean-field stream band and gradient range beside them.
 */
export function transformerStudy(
  o: { seeds?: number[]; onSeed?: (done: number, total: number) => void } = {},
): TransformerStudy {
  const seeds = o.seeds ?? [0, 1, 2, 3, 4];
  const base: Omit<TransformerSpec, "depth"> = { ...DEFAULT_TRANSFORMER, ...TRANSFORMER_STUDY };
  const run = (over: Partial<TransformerSpec> & { depth: number }, seed: number, backward = false) =>
    propagateTransformer({ ...base, ...over }, { batch: TRANSFORMER_STUDY.batch, seed, backward });
  const perSeed = seeds.map((seed, i) => {
    const pure = run({ depth: 12, residual: false, attentionOnly: true, norm: "none" }, seed);
    const residual = run({ depth: 12, attentionOnly: true }, seed);
    const pre = run({ depth: 48 }, seed);
    const gpt12 = run({ depth: 12, residualScale: "gpt2" }, seed);
    const gpt48 = run({ depth: 48, residualScale: "gpt2" }, seed);
    const post = run({ depth: 48, normPosition: "post" }, seed);
    const profile = (r: ReturnType<typeof run>) =>
      r.layers.map((l) => l.grad!.weights / r.layers[r.layers.length - 1].grad!.weights);
    const grads = GRADIENT_DEPTHS.map((depth) => {
      const crossAttention = { memorySeq: TRANSFORMER_STUDY.seq, encoderDepth: depth };
      const postDecoder = run({ depth, normPosition: "post", crossAttention }, seed, true);
      const encoder = postDecoder.memory!.layers;
      return {
        post: profile(run({ depth, normPosition: "post" }, seed, true)),
        pre: profile(run({ depth, finalNorm: true }, seed, true)),
        postDecoder: profile(postDecoder),
        // the same encoder-decoder's encoder: ‖∂L/∂W‖ of its last block over its first
        postEncoderOfDecoder: encoder[encoder.length - 1].grad!.weights / encoder[0].grad!.weights,
        preDecoder: profile(run({ depth, finalNorm: true, crossAttention }, seed, true)),
      };
    });
    o.onSeed?.(i + 1, seeds.length);
    return { pure, residual, pre, gpt12, gpt48, post, grads };
  });
  const bands = (
    pick: (s: (typeof perSeed)[number]) => { layers: { tokenCosine: number; stream: { std: number } }[] },
    of: "cos" | "std",
  ) =>
    pick(perSeed[0]).layers.map((_, l) =>
      bandPoint(
        l,
        perSeed.map((s) => (of === "cos" ? pick(s).layers[l].tokenCosine : pick(s).layers[l].stream.std)),
      ),
    );
  const preTheory = streamTheory({ ...base, depth: 48 });
  return {
    settings: { ...TRANSFORMER_STUDY, seeds },
    rankCollapse: { pure: bands((s) => s.pure, "cos"), residual: bands((s) => s.residual, "cos") },
    stream: {
      preLN: bands((s) => s.pre, "std"),
      gpt2At12: bands((s) => s.gpt12, "std"),
      gpt2At48: bands((s) => s.gpt48, "std"),
      postLN: bands((s) => s.post, "std"),
    },
    preLNGrowth: bandPoint(
      0,
      perSeed.map((s) => s.pre.layers[47].stream.std / s.pre.layers[11].stream.std),
    ),
    theory: {
      preLN: preTheory,
      gpt2At48: streamTheory({ ...base, depth: 48, residualScale: "gpt2" }),
      preLNGrowth: { lo: preTheory.lo[47] / preTheory.lo[11], hi: preTheory.hi[47] / preTheory.hi[11] },
    },
    gradientRatio: GRADIENT_DEPTHS.map((depth, k) => {
      const crossAttention = { memorySeq: TRANSFORMER_STUDY.seq, encoderDepth: depth };
      // the profile is over the last block, so last/first is 1 over its first entry
      const ratio = (pick: (g: (typeof perSeed)[number]["grads"][number]) => number[]) =>
        bandPoint(
          k,
          perSeed.map((s) => 1 / pick(s.grads[k])[0]),
        );
      const theory = (over: Partial<TransformerSpec>) => streamTheory({ ...base, depth, ...over }).gradRatio!;
      return {
        depth,
        postLN: ratio((g) => g.post),
        preLN: ratio((g) => g.pre),
        postLNDecoder: ratio((g) => g.postDecoder),
        postLNDecoderEncoder: bandPoint(
          k,
          perSeed.map((s) => s.grads[k].postEncoderOfDecoder),
        ),
        preLNDecoder: ratio((g) => g.preDecoder),
        theory: {
          postLN: theory({ normPosition: "post" }),
          preLN: theory({ finalNorm: true }),
          postLNDecoder: theory({ normPosition: "post", crossAttention }),
          preLNDecoder: theory({ finalNorm: true, crossAttention }),
        },
      };
    }),
    gradientProfile: {
      postLN: profileBands(perSeed.map((s) => s.grads[2].post)),
      preLN: profileBands(perSeed.map((s) => s.grads[2].pre)),
      postLNDecoder: profileBands(perSeed.map((s) => s.grads[2].postDecoder)),
      preLNDecoder: profileBands(perSeed.map((s) => s.grads[2].preDecoder)),
    },
  };
}

/** Per-block bands over seeds of a profile (one array per seed). */
const profileBands = (perSeed: number[][]): BandPoint[] =>
  perSeed[0].map((_, l) =>
    bandPoint(
      l,
      perSeed.map((p) => p[l]),
    ),
  );

import { describe, expect, it } from "vitest";
import { parseActivation } from "../../../src/core/engine/activations.js";
import { drawBlockWeights } from "../../../src/core/transformer/blockWeights.js";
import { propagateTransformer } from "../../../src/core/transformer/propagateTransformer.js";
import { attentionBackward, attentionForward } from "../../../src/core/transformer/attention.js";
import { zerosLike } from "../../../src/core/transformer/roundWeights.js";
import { centralDifference } from "./centralDifference.js";
import { effectiveRank, tokenCosine } from "../../../src/core/transformer/tokenSignals.js";
import type { BlockWeights } from "../../../src/core/transformer/transformerPass.js";
import { blockBackward, blockForward } from "../../../src/core/transformer/transformerPass.js";
import type { TransformerSpec } from "../../../src/core/transformer/transformerSpec.js";
import {
  checkTransformer,
  DEFAULT_TRANSFORMER,
  memoryEncoder,
  residualScheme,
} from "../../../src/core/transformer/transformerSpec.js";
import { normBackward, normForward } from "../../../src/core/transformer/rowNorm.js";
import { fillNormal, rngStream } from "../../../src/core/internal.js";

const small: TransformerSpec = { ...DEFAULT_TRANSFORMER, depth: 2, width: 8, heads: 2, seq: 5, mlpRatio: 2 };
const cross = { memorySeq: 3, encoderDepth: 2 };

/** L = Σ out ⊙ t over two blocks of one sample (decoder blocks over `memory` [3, d] when given), and its gradients by the backward pass. */
function lossAndGrads(
  spec: TransformerSpec,
  weights: BlockWeights[],
  x: Float64Array,
  t: Float64Array,
  memory: Float64Array | null = null,
) {
  const act = parseActivation(spec.activation);
  const shape = {
    s: spec.seq,
    d: spec.width,
    heads: spec.heads,
    f: spec.mlpRatio * spec.width,
    dtype: "float64" as const,
  };
  const { alpha } = residualScheme(
    spec.residualScale,
    spec.depth,
    spec.crossAttention ? { role: "decoder", other: spec.crossAttention.encoderDepth } : { role: "stack" },
  );
  const sums = { logitSum: 0, logitSq: 0, logits: 0, entropy: 0 };
  let h = x;
  const caches = [];
  for (const w of weights) {
    const r = blockForward(
      h,
      w,
      spec,
      shape,
      act,
      alpha,
      sums,
      memory ? { m: memory, t: 3, stats: { ...sums } } : null,
    );
    caches.push(r.cache);
    h = r.out;
  }
  const loss = h.reduce((a, v, i) => a + v * t[i], 0);
  const grads = weights.map(zerosLike);
  let g = t;
  for (let l = weights.length - 1; l >= 0; l--)
    g = blockBackward(g, caches[l], weights[l], grads[l], spec, shape, act, alpha);
  return { loss, grads, gx: g };
}

describe("transformer backward pass", () => {
  // central differences with step 1e−5 in float64: truncation O(h²·|f'''|) and rounding O(ε·|L|/h)
  // are both ≲ 1e−8 here, so 1e−6 relative to the gradient's scale is a tolerance that can fail
  it.each([
    ["pre-LN", {}],
    ["post-LN", { normPosition: "post" }],
    ["RMSNorm, causal", { norm: "rms", causal: true }],
    ["no norm, no residual, attention only", { norm: "none", residual: false, attentionOnly: true }],
    ["DeepNorm", { normPosition: "post", residualScale: "deepnorm" }],
    ["GPT-2 scaling, relu MLP", { residualScale: "gpt2", activation: "relu" }],
    ["T-Fixup (no norms)", { residualScale: "tfixup", norm: "none" }],
    ["μP attention (1/d_h logits; a query weight moved off 0 by the check itself)", { parameterization: "mup" }],
    ["decoder, pre-LN, causal (cross-attention over 3 memory tokens)", { crossAttention: cross, causal: true }],
    ["decoder, post-LN", { crossAttention: cross, normPosition: "post" }],
    ["decoder, DeepNorm", { crossAttention: cross, normPosition: "post", residualScale: "deepnorm" }],
    ["torch defaults (the MLP's Linear biases)", { init: "default", framework: "torch" }],
  ] as const)("%s: every weight's and the input's gradient match finite differences", (_, over) => {
    const spec = checkTransformer({ ...small, ...over } as TransformerSpec);
    const weights = [0, 1].map((l) => drawBlockWeights(spec, 3, l, spec.mlpRatio * spec.width));
    const n = spec.seq * spec.width;
    const x = fillNormal(rngStream(1, "x"), new Float64Array(n)) as Float64Array;
    const t = fillNormal(rngStream(1, "t"), new Float64Array(n)) as Float64Array;
    const memory = spec.crossAttention
      ? (fillNormal(rngStream(1, "m"), new Float64Array(3 * spec.width)) as Float64Array)
      : null;
    const { grads, gx } = lossAndGrads(spec, weights, x, t, memory);
    const loss = () => lossAndGrads(spec, weights, x, t, memory).loss;
    const check = (target: Float64Array, grad: Float64Array, picks: number[]) => {
      const scale = Math.max(...Array.from(grad, Math.abs));
      for (const i of picks)
        expect(Math.abs(centralDifference(loss, target, i) - grad[i])).toBeLessThan(1e-6 * Math.max(scale, 1e-3));
    };
    const picks = (len: number) => [0, 7, Math.floor(len / 2), len - 1];
    for (const l of [0, 1]) {
      for (const name of ["q", "k", "v", "o"] as const) {
        check(weights[l].attn[name], grads[l].attn[name], picks(weights[l].attn[name].length));
        const c = weights[l].cross;
        if (c) check(c[name], grads[l].cross![name], picks(c[name].length));
      }
      if (weights[l].w1) check(weights[l].w1!, grads[l].w1!, picks(weights[l].w1!.length));
      if (weights[l].w2) check(weights[l].w2!, grads[l].w2!, picks(weights[l].w2!.length));
      for (const b of ["b1", "b2"] as const) {
        const bias = weights[l][b];
        if (bias) check(bias, grads[l][b]!, picks(bias.length));
      }
    }
    check(x, gx, picks(x.length));
  });
});

describe("cross-attention", () => {
  it("passes the gradient to the queries' input, and to the memory (keys and values) when asked: both match finite differences", () => {
    const d = 8;
    const s = 5;
    const t = 3;
    const w = drawBlockWeights({ ...small, crossAttention: cross }, 4, 0, 16).cross!;
    const x = fillNormal(rngStream(2, "x"), new Float64Array(s * d)) as Float64Array;
    const m = fillNormal(rngStream(2, "m"), new Float64Array(t * d)) as Float64Array;
    const target = fillNormal(rngStream(2, "t"), new Float64Array(s * d)) as Float64Array;
    const scale = 1 / Math.sqrt(d / 2);
    const loss = () =>
      attentionForward(x, w, s, d, 2, false, scale, "float64", { m, t }).out.reduce((a, v, i) => a + v * target[i], 0);
    const { cache } = attentionForward(x, w, s, d, 2, false, scale, "float64", { m, t });
    const grads = {
      q: new Float64Array(d * d),
      k: new Float64Array(d * d),
      v: new Float64Array(d * d),
      o: new Float64Array(d * d),
    };
    const gm = new Float64Array(t * d);
    const gx = attentionBackward(target, cache, w, grads, s, d, 2, scale, "float64", gm);
    // the same central-difference tolerance as the block checks above
    for (const [v, g] of [
      [x, gx],
      [m, gm],
    ] as const)
      for (const i of [0, 5, v.length - 1])
        expect(Math.abs(centralDifference(loss, v, i) - g[i])).toBeLessThan(
          1e-6 * Math.max(...Array.from(g, Math.abs)),
        );
  });
});

describe("encoder-decoder backward pass", () => {
  /** L = Σ out ⊙ t of a decoder of two blocks over the memory of an encoder of two blocks (pre-LN: with its final norm). */
  function encDec(
    spec: TransformerSpec,
    enc: BlockWeights[],
    dec: BlockWeights[],
    src: Float64Array,
    x: Float64Array,
    t: Float64Array,
  ) {
    const e = memoryEncoder(spec);
    const act = parseActivation(spec.activation);
    const shape = (s: number) => ({
      s,
      d: spec.width,
      heads: spec.heads,
      f: spec.mlpRatio * spec.width,
      dtype: "float64" as const,
    });
    const sums = { logitSum: 0, logitSq: 0, logits: 0, entropy: 0 };
    const eAlpha = residualScheme(spec.residualScale, e.depth, { role: "encoder", other: spec.depth }).alpha;
    const dAlpha = residualScheme(spec.residualScale, spec.depth, { role: "decoder", other: e.depth }).alpha;
    let h = src;
    const eCaches = enc.map((w) => {
      const r = blockForward(h, w, e, shape(e.seq), act, eAlpha, sums);
      h = r.out;
      return r.cache;
    });
    const fin = e.finalNorm ? normForward("layer", h, spec.width) : null;
    const m = fin ? fin.y : h;
    let y = x;
    const dCaches = dec.map((w) => {
      const r = blockForward(y, w, spec, shape(spec.seq), act, dAlpha, sums, { m, t: e.seq, stats: { ...sums } });
      y = r.out;
      return r.cache;
    });
    const loss = y.reduce((a, v, i) => a + v * t[i], 0);
    const dGrads = dec.map(zerosLike);
    const eGrads = enc.map(zerosLike);
    const gm = new Float64Array(m.length);
    let g = t;
    for (let l = dec.length - 1; l >= 0; l--)
      g = blockBackward(g, dCaches[l], dec[l], dGrads[l], spec, shape(spec.seq), act, dAlpha, gm);
    let ge: Float64Array = fin ? normBackward("layer", gm, fin.y, fin.r, spec.width) : gm;
    for (let l = enc.length - 1; l >= 0; l--)
      ge = blockBackward(ge, eCaches[l], enc[l], eGrads[l], e, shape(e.seq), act, eAlpha);
    return { loss, eGrads, gSrc: ge };
  }

  // the block checks' central differences and tolerance
  it.each([
    ["pre-LN (the encoder's final norm)", {}],
    ["post-LN", { normPosition: "post" }],
    ["DeepNorm (encoder and decoder constants)", { normPosition: "post", residualScale: "deepnorm" }],
  ] as const)(
    "%s: the encoder's weights and source tokens get the gradient through every cross-attention's keys and values",
    (_, over) => {
      const spec = checkTransformer({ ...small, crossAttention: cross, ...over } as TransformerSpec);
      const e = memoryEncoder(spec);
      const where = { role: "encoder", other: spec.depth } as const;
      const enc = [0, 1].map((l) => drawBlockWeights(e, 5, l, 16, where, "encoder"));
      const dec = [0, 1].map((l) => drawBlockWeights(spec, 5, l, 16));
      const src = fillNormal(rngStream(3, "src"), new Float64Array(3 * 8)) as Float64Array;
      const x = fillNormal(rngStream(3, "x"), new Float64Array(5 * 8)) as Float64Array;
      const t = fillNormal(rngStream(3, "t"), new Float64Array(5 * 8)) as Float64Array;
      const { eGrads, gSrc } = encDec(spec, enc, dec, src, x, t);
      const loss = () => encDec(spec, enc, dec, src, x, t).loss;
      const check = (target: Float64Array, grad: Float64Array) => {
        const scale = Math.max(...Array.from(grad, Math.abs));
        expect(scale).toBeGreaterThan(0);
        for (const i of [0, 7, Math.floor(target.length / 2), target.length - 1])
          expect(Math.abs(centralDifference(loss, target, i) - grad[i])).toBeLessThan(1e-6 * Math.max(scale, 1e-3));
      };
      for (const l of [0, 1]) {
        for (const name of ["q", "k", "v", "o"] as const) check(enc[l].attn[name], eGrads[l].attn[name]);
        check(enc[l].w1!, eGrads[l].w1!);
        check(enc[l].w2!, eGrads[l].w2!);
      }
      check(src, gSrc);
    },
  );
});

describe("token signals", () => {
  it("token cosine is 1 for identical tokens and 0 for orthogonal ones", () => {
    expect(tokenCosine([1, 2, 1, 2, 1, 2], 3, 2)).toBeCloseTo(1, 12);
    expect(tokenCosine([1, 0, 0, 1], 2, 2)).toBe(0);
  });

  it("effective rank is exp(entropy of the normalized singular values): 1 for rank one, k for k equal singular values", () => {
    expect(effectiveRank([1, 2, 2, 4, 3, 6], 3, 2)).toBeCloseTo(1, 6);
    expect(effectiveRank([2, 0, 0, 0, 2, 0, 0, 0, 2], 3, 3)).toBeCloseTo(3, 10);
    // singular values 3 and 1: p = (0.75, 0.25), exp(−Σ p ln p)
    expect(effectiveRank([3, 0, 0, 1], 2, 2)).toBeCloseTo(
      Math.exp(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25))),
      10,
    );
  });
});

describe("transformer signals at init (width 64, 4 heads, 16 tokens, glorot_uniform, seed 0)", () => {
  const base = { ...DEFAULT_TRANSFORMER, width: 64, heads: 4, seq: 16 };

  it("pure attention (no residual, no MLP) collapses the tokens: cosine above 0.99 by block 12; with residual connections it stays well below", () => {
    const pure = propagateTransformer(
      { ...base, depth: 12, residual: false, attentionOnly: true, norm: "none" },
      { batch: 4, seed: 0 },
    );
    expect(pure.layers[11].tokenCosine).toBeGreaterThan(0.99);
    expect(pure.layers[11].effectiveRank).toBeLessThan(1.1);
    const kept = propagateTransformer({ ...base, depth: 12, attentionOnly: true }, { batch: 4, seed: 0 });
    expect(kept.layers[11].tokenCosine).toBeLessThan(0.9);
    expect(kept.layers[11].effectiveRank).toBeGreaterThan(2);
  });

  it("the pre-LN residual stream grows with depth, and GPT-2's 1/√(2L) scaling keeps it within 1.5× of the input", () => {
    const std = (depth: number, residualScale: "none" | "gpt2") =>
      propagateTransformer({ ...base, depth, residualScale }, { batch: 2, seed: 0 }).layers[depth - 1].stream.std;
    expect(std(48, "none")).toBeGreaterThan(1.5 * std(12, "none"));
    for (const depth of [12, 48]) expect(std(depth, "gpt2")).toBeLessThan(1.5);
  }, 60_000);

  it("post-LN keeps the stream at std 1 (up to LayerNorm's ε)", () => {
    const r = propagateTransformer({ ...base, depth: 6, normPosition: "post" }, { batch: 2, seed: 0 });
    for (const l of r.layers) expect(Math.abs(l.stream.std - 1)).toBeLessThan(1e-4);
  });
});

describe("the frameworks' attention defaults (init default, width 64, 4 heads, MLP ×4)", () => {
  const d = 64;
  const f = 256;
  const std = (x: Float64Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
  // a uniform's sample std over n values has relative standard error √(0.8/n)/2 (E[x⁴]/E[x²]² = 9/5):
  // 0.7 % for a 64 × 64 matrix; 4 of them is the tolerance
  const close = (x: Float64Array, expected: number) =>
    expect(Math.abs(std(x) / expected - 1)).toBeLessThan(4 * (Math.sqrt(0.8 / x.length) / 2));
  const spec = (framework: "torch" | "keras") =>
    checkTransformer({ ...DEFAULT_TRANSFORMER, depth: 1, width: d, heads: 4, seq: 4, init: "default", framework });

  it("torch: the packed in_proj xavier_uniform_ (U(±√(3/(2d)))), out_proj and the MLP at Linear's U(±1/√fan_in), the MLP's biases too", () => {
    const w = drawBlockWeights(spec("torch"), 0, 0, f);
    for (const m of [w.attn.q, w.attn.k, w.attn.v]) {
      expect(Math.max(...Array.from(m, Math.abs))).toBeLessThanOrEqual(Math.sqrt(3 / (2 * d)));
      close(m, Math.sqrt(3 / (2 * d)) / Math.sqrt(3));
    }
    close(w.attn.o, 1 / Math.sqrt(d) / Math.sqrt(3));
    close(w.w1!, 1 / Math.sqrt(d) / Math.sqrt(3));
    close(w.w2!, 1 / Math.sqrt(f) / Math.sqrt(3));
    // nn.Linear's biases: U(±1/√fan_in) (the same relative tolerance, from the bias's own size)
    expect(w.b1!).toHaveLength(f);
    expect(Math.max(...Array.from(w.b1!, Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(d));
    close(w.b1!, 1 / Math.sqrt(d) / Math.sqrt(3));
    expect(Math.max(...Array.from(w.b2!, Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(f));
    close(w.b2!, 1 / Math.sqrt(f) / Math.sqrt(3));
    // Keras's Dense and MultiHeadAttention biases are 0: none drawn
    expect(drawBlockWeights(spec("keras"), 0, 0, f).b1).toBeNull();
  });

  it("keras: glorot_uniform with Keras's fans of the [d, H, d_h] kernels (Var 2/(d(H + d_h))), [H, d_h, d] for the output", () => {
    const w = drawBlockWeights(spec("keras"), 0, 0, f);
    for (const m of [w.attn.q, w.attn.k, w.attn.v]) close(m, Math.sqrt(2 / (d * (4 + 16))));
    close(w.attn.o, Math.sqrt(2 / (d * (1 + 4))));
    close(w.w1!, Math.sqrt(2 / (d + f)));
  });

  it("refuses default without a framework", () => {
    expect(() => checkTransformer({ ...small, init: "default" })).toThrow(
      /^init: default means a framework's own layer defaults/,
    );
  });
});

describe("named schemes", () => {
  it("T-Fixup multiplies W_V, W_O, W_1 and W_2 by 0.67·L^(−1/4) and leaves W_Q, W_K", () => {
    const base = { ...small, depth: 16, norm: "none" as const };
    const plain = drawBlockWeights(checkTransformer(base), 0, 0, 16);
    const fixed = drawBlockWeights(checkTransformer({ ...base, residualScale: "tfixup" }), 0, 0, 16);
    const f = 0.67 * 16 ** -0.25;
    expect(Array.from(fixed.attn.q)).toEqual(Array.from(plain.attn.q));
    for (const [a, b] of [
      [fixed.attn.v, plain.attn.v],
      [fixed.attn.o, plain.attn.o],
      [fixed.w1!, plain.w1!],
      [fixed.w2!, plain.w2!],
    ])
      a.forEach((x, i) => expect(x).toBe(b[i] * f));
    expect(() => checkTransformer({ ...small, residualScale: "tfixup" })).toThrow(
      /tfixup replaces the norms; give --norm none/,
    );
  });

  it("μP: W_Q starts at 0, so every attention row is uniform — the first block's entropy is ln(seq) exactly", () => {
    const r = propagateTransformer({ ...small, seq: 6, parameterization: "mup" }, { batch: 2, seed: 0 });
    expect(r.layers[0].attention.entropy).toBeCloseTo(Math.log(6), 12);
    expect(r.layers[0].attention.logitStd).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { transformerStudy } from "../../src/experiment/transformerStudy.js";

describe("initlab study transformer (width 64, 4 heads, 16 tokens, lecun_normal; seeds 0 and 1)", () => {
  const r = transformerStudy({ seeds: [0, 1] });
  const last = <T>(xs: readonly T[]) => xs[xs.length - 1];

  it("pure attention's token cosine passes 0.99 by block 12 in every seed; with residual connections it stays below 0.9", () => {
    expect(last(r.rankCollapse.pure).min).toBeGreaterThan(0.99);
    expect(last(r.rankCollapse.residual).max).toBeLessThan(0.9);
  });

  it("the pre-LN stream's std after 48 blocks is about twice its std after 12 (√L), and GPT-2's scaling keeps it within 1.5× of the input", () => {
    // the √(48/12) = 2 of independent branches, plus what the tokens' growing alignment adds (measured 2.1–2.6 over seeds 0–4)
    expect(r.preLNGrowth.min).toBeGreaterThan(1.8);
    expect(r.preLNGrowth.max).toBeLessThan(2.7);
    expect(last(r.stream.gpt2At12).max).toBeLessThan(1.5);
    expect(last(r.stream.gpt2At48).max).toBeLessThan(1.5);
  });

  it("pre-LN with a final norm: the weight-gradient ratio last/first falls with depth, inside the theory's range (seed mean)", () => {
    const pre = r.gradientRatio.map((g) => g.preLN.mean);
    for (let k = 1; k < pre.length; k++) expect(pre[k]).toBeLessThan(pre[k - 1]);
    for (const g of r.gradientRatio) {
      expect(g.preLN.mean).toBeGreaterThanOrEqual(g.theory.preLN.min);
      expect(g.preLN.mean).toBeLessThanOrEqual(g.theory.preLN.max);
    }
    // the profile is over the last block's, so its last entry is 1 in every seed
    expect(last(r.gradientProfile.preLN).max).toBe(1);
  });

  it("post-LN decoders (Xiong et al. 2020; Liu et al. 2020): the gradients are largest near the output, the ratio grows with depth in every seed, and its seed mean lies in the theory's range", () => {
    const post = r.gradientRatio.map((g) => g.postLNDecoder);
    for (let k = 1; k < post.length; k++) expect(post[k].min).toBeGreaterThan(post[k - 1].max);
    expect(post[0].min).toBeGreaterThan(1);
    // Single seeds scatter by about ×2 at 24 blocks (1481–6102 over seeds 0–4, against the collapsed
    // edge's 4852; the five-seed mean 3608 is inside), so a two-seed mean is tested against the range
    // only at 6 and 12 blocks, where the scatter (3.2–6.6, 18–49) is well inside the edges.
    for (const g of r.gradientRatio.filter((x) => x.depth <= 12)) {
      expect(g.postLNDecoder.mean).toBeGreaterThanOrEqual(g.theory.postLNDecoder.min);
      expect(g.postLNDecoder.mean).toBeLessThanOrEqual(g.theory.postLNDecoder.max);
    }
    // the first block's gradient is the smallest of the 24
    const profile = r.gradientProfile.postLNDecoder.map((b) => b.mean);
    expect(Math.min(...profile)).toBe(profile[0]);
  });

  it("in the same post-LN encoder-decoders the encoder's ratio stays within a factor 3 of 1: the vanishing is the decoder's (Liu et al. 2020)", () => {
    for (const g of r.gradientRatio) {
      expect(g.postLNDecoderEncoder.min).toBeGreaterThan(1 / 3);
      expect(g.postLNDecoderEncoder.max).toBeLessThan(3);
    }
  });

  it("pre-LN decoders with a final norm keep the ratio within a factor 3 of 1 at every depth", () => {
    for (const g of r.gradientRatio) {
      expect(g.preLNDecoder.min).toBeGreaterThan(1 / 3);
      expect(g.preLNDecoder.max).toBeLessThan(1);
    }
  });

  it("the pre-LN stream's seed mean lies in the mean-field band at every block", () => {
    r.stream.preLN.forEach((b, l) => {
      expect(b.mean).toBeGreaterThanOrEqual(r.theory.preLN.lo[l]);
      expect(b.mean).toBeLessThanOrEqual(r.theory.preLN.hi[l]);
    });
  });

  it("post-LN holds the stream at std 1 in every block and seed", () => {
    for (const b of r.stream.postLN) expect(Math.abs(b.max - 1) + Math.abs(b.min - 1)).toBeLessThan(1e-4);
  });
}, 60_000);

import { describe, expect, it } from "vitest";
import {
  recommendTransformer,
  transformerCandidates,
  transformerSnippets,
} from "../../../src/core/transformer/recommendTransformer.js";
import { DEFAULT_TRANSFORMER, residualScheme } from "../../../src/core/transformer/transformerSpec.js";

const base = { ...DEFAULT_TRANSFORMER, width: 32, heads: 4, seq: 8 };

describe("recommend for transformers", () => {
  it("tries the schemes that fit the norm's place: GPT-2 for pre-LN, DeepNorm for post-LN, T-Fixup without norms", () => {
    expect(transformerCandidates({ ...base, depth: 4 }).map((c) => c.residualScale)).toEqual([
      "none",
      "gpt2",
      "none",
      "gpt2",
    ]);
    expect(transformerCandidates({ ...base, depth: 4, normPosition: "post" }).map((c) => c.residualScale)).toEqual([
      "none",
      "deepnorm",
    ]);
    expect(transformerCandidates({ ...base, depth: 4, norm: "none" }).map((c) => c.residualScale)).toEqual([
      "none",
      "tfixup",
    ]);
  });

  it("a deep pre-LN stack (24 blocks, seeds 0–1): GPT-2 scaling ranks above no scaling, whose stream grows", () => {
    const ranked = recommendTransformer({ ...base, depth: 24 }, { seeds: [0, 1], batch: 2 });
    const first = ranked.findIndex((s) => s.residualScale === "gpt2");
    const plain = ranked.find((s) => s.residualScale === "none" && s.init === "glorot_uniform")!;
    expect(first).toBe(0);
    expect(plain.verdicts.find((v) => v.signal === "stream")!.kind).toBe("grows");
    for (let i = 1; i < ranked.length; i++) expect(ranked[i].score).toBeGreaterThanOrEqual(ranked[i - 1].score);
  }, 60_000);

  it("a post-LN decoder (8 blocks over an encoder of 8, seeds 0–1): DeepNorm's decoder constants rank first and balance the gradients that no scaling leaves growing toward the output", () => {
    const spec = {
      ...base,
      depth: 8,
      normPosition: "post" as const,
      crossAttention: { memorySeq: 8, encoderDepth: 8 },
    };
    const ranked = recommendTransformer(spec, { seeds: [0, 1], batch: 2 });
    expect(ranked[0].residualScale).toBe("deepnorm");
    expect(ranked[0].verdicts.find((v) => v.signal === "gradients")!.kind).toBe("healthy");
    const plain = ranked.find((s) => s.residualScale === "none")!;
    expect(plain.gradientRatio.min).toBeGreaterThan(2);
    const snip = transformerSnippets(ranked[0], 8, { role: "decoder", other: 8 });
    expect(snip.torch).toContain(`w.mul_(${Number((96 ** -0.25).toPrecision(6))})`);
    expect(snip.torch).toContain("self- and cross-attention");
  }, 60_000);

  it("snippets carry the scheme's numbers: GPT-2's factor 1/√(2L) in PyTorch and its square as Keras's scale", () => {
    const s = transformerSnippets({ residualScale: "gpt2", init: "glorot_uniform" }, 12);
    const f = residualScheme("gpt2", 12).o;
    expect(s.torch).toContain(`w.mul_(${Number(f.toPrecision(6))})`);
    expect(s.torch).toContain("nn.init.xavier_uniform_");
    expect(s.keras).toContain(`scale=${Number((f * f).toPrecision(6))}, mode="fan_avg", distribution="uniform"`);
    expect(s.jax).toContain(`variance_scaling(${Number((f * f).toPrecision(6))}, "fan_avg", "uniform")`);
  });
});

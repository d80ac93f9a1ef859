import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { depthMatchedSigmaW2, initSnippets, recommendCandidates, resolveInitializer } from "../../src/core/internal.js";
import type { NetworkSpec } from "../../src/core/internal.js";
import { expectOneLineError, runCli } from "./helpers.js";

// Debian's python3-torch lives beside /usr/bin/python3 (another python3 may come first on PATH)
const python = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import torch"]).status === 0);

const plain = (activation: string, depth: number): NetworkSpec => ({
  inputWidth: 64,
  widths: new Array(depth).fill(64),
  init: "he_normal",
  biasInit: null,
  activation,
  residual: null,
  norm: null,
  framework: null,
});

describe("recommend: the parts", () => {
  it("the depth-matched σ_w² is ReLU's 2 and linear's 1, where q^{l+1} = (σ_w²/2)·q^l or σ_w²·q^l", () => {
    expect(depthMatchedSigmaW2(plain("relu", 10))).toBeCloseTo(2, 6);
    expect(depthMatchedSigmaW2(plain("linear", 10))).toBeCloseTo(1, 6);
  });

  it("candidates: the catalog in the network's semantics, and each framework's default", () => {
    const none = recommendCandidates(null);
    expect(none.filter((c) => c.origin === "framework default").map((c) => c.framework)).toEqual(["torch", "keras"]);
    expect(recommendCandidates("keras").every((c) => c.framework === "keras")).toBe(true);
  });

  it("snippets spell the resolved distribution with its numbers in every framework", () => {
    const he = resolveInitializer("he_uniform", { shape: [768, 768], framework: null });
    expect(initSnippets(he.params)).toEqual({
      torch: "torch.nn.init.uniform_(w, a=-0.0883883, b=0.0883883)",
      keras: "keras.initializers.RandomUniform(minval=-0.0883883, maxval=0.0883883)",
      tfjs: "tf.initializers.randomUniform({ minval: -0.0883883, maxval: 0.0883883 })",
      jax: "lambda key, shape, dtype=jnp.float32: jax.random.uniform(key, shape, dtype, -0.0883883, 0.0883883)",
    });
    const keras = resolveInitializer("he_normal", { shape: [768, 768], framework: "keras" });
    // keras truncates at ±2 of the underlying σ = √(2/768)/0.8796
    expect(initSnippets(keras.params)?.keras).toBe("keras.initializers.TruncatedNormal(mean=0.0, stddev=0.0580145)");
    expect(initSnippets({ kind: "orthogonal", gain: 1.5, flatten: "first" })?.jax).toBe(
      "jax.nn.initializers.orthogonal(scale=1.5)",
    );
    expect(initSnippets({ kind: "constant", value: 0 })).toBeNull();
  });

  it("refuses a bad activation in one line", async () => {
    await expectOneLineError(
      ["recommend", "--activation", "swishy"],
      /activation: unknown "swishy"; valid: linear, relu/,
    );
  });
});

describe("initlab recommend", () => {
  it("gelu, 12 × 768: first a scheme whose last-layer std is within 2× of the first layer's in every one of 10 seeds, with snippets", async () => {
    const { code, stdout } = await runCli([
      "recommend",
      "--activation",
      "gelu",
      "--depth",
      "12",
      "--width",
      "768",
      "--json",
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.seeds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const best = r.ranked[0];
    expect(best.stdRatio.min).toBeGreaterThanOrEqual(0.5);
    expect(best.stdRatio.max).toBeLessThanOrEqual(2);
    expect(Object.keys(best.snippets).sort()).toEqual(["jax", "keras", "tfjs", "torch"]);
    // every catalog scheme lost some seed: the derived ones were tried, and the note says so
    expect(r.derived).toBe(true);
    expect(r.note).toMatch(/^no catalog scheme kept all 10 seeds healthy; derived: /);
    // ranked by healthy seeds, then score
    for (let i = 1; i < r.ranked.length; i++)
      expect(r.ranked[i - 1].healthySeeds).toBeGreaterThanOrEqual(r.ranked[i].healthySeeds);
    if (python) {
      // the PyTorch snippet, run in real PyTorch on a Linear(768, 768) weight: its std is the scheme's
      // √(σ_w²/768) within 1 % (the sample std of 589 824 draws scatters by ≈ 0.1 %)
      const out = execFileSync(python, [
        "-c",
        `import torch\ntorch.manual_seed(0)\nw = torch.nn.Linear(768, 768).weight\nwith torch.no_grad():\n    ${best.snippets.torch}\nprint(w.std().item())`,
      ]).toString();
      expect(Math.abs(Number(out) / Math.sqrt(best.sigmaW2 / 768) - 1)).toBeLessThan(0.01);
    }
  }, 240_000);
});

describe("recommend over worker threads", () => {
  it("ranks exactly as in one thread: every run depends only on its seed", async () => {
    const { recommend } = await import("../../src/core/internal.js");
    const { parallelSeeds } = await import("../../src/adapters/recommend/parallelSeeds.js");
    const network = plain("tanh", 6);
    const o = { network, seeds: [0, 1, 2], batch: 8 };
    const pool = parallelSeeds(3, 2);
    try {
      expect(await recommend({ ...o, runSeed: pool.run })).toEqual(await recommend(o));
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe("initlab recommend --arch transformer", () => {
  it("ranks the residual schemes with verdicts and prints the winner in each framework", async () => {
    const { code, stdout } = await runCli([
      "recommend",
      "--arch",
      "transformer",
      "--activation",
      "gelu",
      "--depth",
      "6",
      "--width",
      "16",
      "--seq",
      "6",
      "--seeds",
      "0,1",
      "--norm-position",
      "post",
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^recommend: (deepnorm|no scaling) \+ glorot_uniform for a post-layer norm transformer, 6 blocks/,
    );
    expect(stdout).toMatch(/PyTorch: /);
    expect(stdout).toMatch(/Keras: /);
    expect(stdout).toMatch(/JAX\/Flax: /);
  }, 60_000);

  it("refuses transformer flags on a dense recommendation", async () => {
    await expectOneLineError(
      ["recommend", "--activation", "relu", "--heads", "4"],
      /arch: --heads is for --arch transformer/,
    );
  });
});

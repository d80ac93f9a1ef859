import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildNetwork,
  correctLog,
  frameworkSampler,
  glibcLog,
  glibcCos,
  glibcLog1p,
  glibcSin,
  glibcLog1pf,
  resolveInitializer,
} from "../../../src/core/internal.js";
import type { RngKind } from "../../../src/core/internal.js";

/**
 * initlab's --rng streams against values real NumPy and PyTorch produced
 * (test/fixtures/streams/reference.json, written by scripts/referenceStreams.py with the versions
 * it records).
 */
const ROOT = resolve(__dirname, "../../..");
interface Case {
  name: string;
  rng: Exclude<RngKind, "initlab"> | "libm";
  call: "normal" | "uniform" | "linear-weight" | "linear-bias" | "log" | "log1p" | "log1pf" | "sincos";
  seed: number;
  n: number;
  dtype: "float64" | "float32";
  shape: number[];
  mean?: number;
  std?: number;
  low?: number;
  high?: number;
  fan_in?: number;
  hex?: string;
  sha256?: string;
  head?: number[];
}
const doc = JSON.parse(readFileSync(join(ROOT, "test/fixtures/streams/reference.json"), "utf8")) as {
  versions: Record<string, string | null>;
  cases: Case[];
};

/** initlab's values for a case, drawn as `init sample --rng` draws them. */
function initlabValues(c: Case): Float64Array | Float32Array {
  if (c.rng === "libm") throw new Error("a libm case is not a stream");
  const sampler = frameworkSampler(c.rng, c.seed);
  if (c.call === "normal") return sampler.sample({ kind: "normal", mean: c.mean!, std: c.std! }, c.n, c.dtype);
  if (c.call === "uniform") return sampler.sample({ kind: "uniform", low: c.low!, high: c.high! }, c.n, c.dtype);
  // nn.Linear(in, out) or nn.Conv2d: the weight (its own shape, or [out, fan_in]) from layer_default,
  // then its bias, one generator
  const weightShape = c.call === "linear-weight" ? c.shape : [c.n, c.fan_in!];
  const resolved = resolveInitializer("layer_default", { shape: weightShape, framework: "torch" });
  const weight = sampler.sample(
    resolved.params,
    weightShape.reduce((a, b) => a * b, 1),
    c.dtype,
  );
  if (c.call === "linear-weight") return weight;
  return sampler.sample(resolved.bias!.distribution, c.n, c.dtype);
}

/**
 * The libm cases' arguments from uniforms u (three a value), as scripts/referenceStreams.py makes them
 * by the same float64 operations: u itself, 1 + (u − ½)·0.15 near 1, and (u + ½)·2^⌊2000v − 1000⌋.
 */
function logArguments(u: Float64Array | Float32Array): Float64Array {
  const x = new Float64Array(u.length / 3);
  for (let j = 0; j < x.length; j++) {
    const a = u[3 * j];
    const b = u[3 * j + 1];
    x[j] = j % 3 === 0 ? a : j % 3 === 1 ? 1 + (a - 0.5) * 0.15 : (a + 0.5) * 2 ** (Math.floor(b * 2000) - 1000);
  }
  return x;
}

/** The log1p cases' arguments from uniforms u (two a value): −u, (u − ½)·2⁻²⁵ and (u + ½)·2^(⌊100v⌋ − 50) − 1. */
function log1pArguments(u: Float64Array | Float32Array): Float64Array {
  const x = new Float64Array(u.length / 2);
  for (let j = 0; j < x.length; j++) {
    const a = u[2 * j];
    const b = u[2 * j + 1];
    x[j] = j % 3 === 0 ? -a : j % 3 === 1 ? (a - 0.5) * 2 ** -25 : (a + 0.5) * 2 ** (Math.floor(b * 100) - 50) - 1;
  }
  return x;
}

/**
 * The log1pf cases' float32 arguments from float32 uniforms u (two a value), as the script makes them:
 * −u (the ziggurat tail's), (u − ½)·2⁻²⁰ and u·2^(⌊80v⌋ − 20), each operation rounded to float32.
 */
function log1pfArguments(u: Float64Array | Float32Array): Float32Array {
  const fr = Math.fround;
  const x = new Float32Array(u.length / 2);
  for (let j = 0; j < x.length; j++) {
    const a = u[2 * j];
    const b = u[2 * j + 1];
    x[j] = j % 3 === 0 ? -a : j % 3 === 1 ? fr(fr(a - 0.5) * 2 ** -20) : fr(a * 2 ** (Math.floor(fr(b * 80)) - 20));
  }
  return x;
}

/** A float array as the fixture's hex: each value's bits, big-endian, concatenated. */
function hexOf(v: Float64Array | Float32Array): string {
  if (v instanceof Float64Array)
    return Array.from(new BigUint64Array(v.buffer, v.byteOffset, v.length), (b) =>
      b.toString(16).padStart(16, "0"),
    ).join("");
  return Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length), (b) => b.toString(16).padStart(8, "0")).join("");
}
const sha256 = (v: Float64Array | Float32Array) =>
  createHash("sha256")
    .update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
    .digest("hex");
const cases = (rng: string, pick: (c: Case) => boolean = () => true) =>
  doc.cases
    .filter((c) => c.rng === rng && pick(c))
    .map((c) => [`${c.name}, seed ${c.seed}, ${c.n} values, ${c.dtype}`, c] as const);

describe(`framework streams vs NumPy ${doc.versions.numpy} and PyTorch ${doc.versions.torch}`, () => {
  it.each(cases("torch", (c) => !(c.dtype === "float64" && c.call === "normal")))(
    "--rng torch reproduces %s bit for bit",
    (_, c) => {
      const v = initlabValues(c);
      if (c.hex !== undefined) expect(hexOf(v)).toBe(c.hex);
      else expect(sha256(v)).toBe(c.sha256);
    },
  );

  it.each(cases("numpy", (c) => c.dtype === "float32"))("--rng numpy reproduces %s bit for bit", (_, c) => {
    const v = initlabValues(c);
    if (c.hex !== undefined) expect(hexOf(v)).toBe(c.hex);
    else expect(sha256(v)).toBe(c.sha256);
  });

  it.each(cases("numpy", (c) => c.dtype === "float64" && c.call === "uniform"))(
    "--rng numpy reproduces %s bit for bit",
    (_, c) => expect(hexOf(initlabValues(c))).toBe(c.hex),
  );

  // NumPy's float64 ziggurat tables, made by their generating procedure with one measured ulp
  // (see numpyZigguratTables): every standard_normal value bit for bit
  it.each(cases("numpy", (c) => c.dtype === "float64" && c.call === "normal"))(
    "--rng numpy reproduces %s bit for bit",
    (_, c) => {
      const v = initlabValues(c);
      if (c.hex !== undefined) expect(hexOf(v)).toBe(c.hex);
      else expect(sha256(v)).toBe(c.sha256);
    },
  );

  it.each(cases("numpy-legacy", (c) => c.call === "uniform"))("--rng numpy-legacy reproduces %s bit for bit", (_, c) =>
    expect(hexOf(initlabValues(c))).toBe(c.hex),
  );

  // The polar method's ln r² is glibc's log, reproduced with its table and fused multiply-adds
  // (glibcLog): every randn value bit for bit, odd sizes and 100 003 values included
  it.each(cases("numpy-legacy", (c) => c.call === "normal"))("--rng numpy-legacy reproduces %s bit for bit", (_, c) => {
    const v = initlabValues(c);
    if (c.hex !== undefined) expect(hexOf(v)).toBe(c.hex);
    else expect(sha256(v)).toBe(c.sha256);
  });

  it.each(cases("libm", (c) => c.call === "log"))(
    "glibcLog reproduces %s bit for bit, where the correctly rounded ln does not",
    (_, c) => {
      const x = logArguments(
        frameworkSampler("numpy", c.seed).sample({ kind: "uniform", low: 0, high: 1 }, 3 * c.n, "float64"),
      );
      const ours = Float64Array.from(x, glibcLog);
      if (c.hex !== undefined) expect(hexOf(ours)).toBe(c.hex);
      else expect(sha256(ours)).toBe(c.sha256);
      // the reference is not simply the correctly rounded ln: glibc misrounds some of these arguments
      const rounded = Float64Array.from(x, correctLog);
      expect(rounded.some((v, i) => v !== ours[i])).toBe(true);
    },
  );

  it.each(cases("libm", (c) => c.call === "sincos"))(
    "glibcSin and glibcCos reproduce %s bit for bit, where JavaScript's Math.sin and Math.cos do not",
    (_, c) => {
      const u = frameworkSampler("numpy", c.seed).sample({ kind: "uniform", low: 0, high: 1 }, c.n, "float64");
      const x = u.map((v, j) => (j % 3 === 0 ? 2 * Math.PI * v : j % 3 === 1 ? (v - 0.5) * 0.3 : (v - 0.5) * 200));
      const ours = new Float64Array(2 * c.n);
      const js = new Float64Array(2 * c.n);
      x.forEach((v, j) => {
        ours.set([glibcSin(v), glibcCos(v)], 2 * j);
        js.set([Math.sin(v), Math.cos(v)], 2 * j);
      });
      if (c.hex !== undefined) expect(hexOf(ours)).toBe(c.hex);
      else expect(sha256(ours)).toBe(c.sha256);
      expect(js.some((v, i) => v !== ours[i])).toBe(true);
    },
  );

  it.each(cases("libm", (c) => c.call === "log1p"))(
    "glibcLog1p reproduces %s bit for bit, where JavaScript's Math.log1p does not",
    (_, c) => {
      const x = log1pArguments(
        frameworkSampler("numpy", c.seed).sample({ kind: "uniform", low: 0, high: 1 }, 2 * c.n, "float64"),
      );
      const ours = Float64Array.from(x, glibcLog1p);
      if (c.hex !== undefined) expect(hexOf(ours)).toBe(c.hex);
      else expect(sha256(ours)).toBe(c.sha256);
      if (c.n > 10_000) expect(Float64Array.from(x, Math.log1p).some((v, i) => v !== ours[i])).toBe(true);
    },
  );

  it.each(cases("libm", (c) => c.call === "log1pf"))(
    "glibcLog1pf reproduces %s bit for bit, where the correctly rounded log1p does not",
    (_, c) => {
      const x = log1pfArguments(
        frameworkSampler("numpy", c.seed).sample({ kind: "uniform", low: 0, high: 1 }, 2 * c.n, "float32"),
      );
      const ours = Float32Array.from(x, glibcLog1pf);
      if (c.hex !== undefined) expect(hexOf(ours)).toBe(c.hex);
      else expect(sha256(ours)).toBe(c.sha256);
      const rounded = Float32Array.from(x, Math.log1p);
      expect(rounded.some((v, i) => v !== ours[i])).toBe(true);
    },
  );

  const python = "/usr/bin/python3";
  const hasFrameworks = spawnSync(python, ["-c", "import numpy, torch"]).status === 0;
  it.skipIf(!hasFrameworks)(
    "the reference file still matches what this machine's NumPy and PyTorch produce (scripts/referenceStreams.py --check)",
    () => {
      const r = spawnSync(python, [join(ROOT, "scripts/referenceStreams.py"), "--check"], { encoding: "utf8" });
      expect(r.stdout).toMatch(/: 0 differ$/m);
      expect(r.status).toBe(0);
    },
    120_000,
  );
});

describe("propagate --rng: one framework generator through the layers", () => {
  it("a torch Linear(784, 512) layer with its default bias gets nn.Linear's weight and bias (seed 0)", () => {
    const spec = {
      inputWidth: 784,
      widths: [512],
      init: "layer_default",
      activation: "linear",
      biasInit: "layer_default",
      framework: "torch" as const,
      norm: null,
      residual: null,
      conv: null,
      parameterization: "standard" as const,
    };
    const net = buildNetwork(spec, 0, "float32", { sampler: frameworkSampler("torch", 0) });
    const w = net.layers[0].weights;
    // the engine keeps [in, out]; PyTorch's weight is [out, in]
    const torchOrder = new Float32Array(512 * 784);
    for (let o = 0; o < 512; o++) for (let i = 0; i < 784; i++) torchOrder[o * 784 + i] = w[i * 512 + o];
    const ref = (name: string) => doc.cases.find((c) => c.name === name && c.seed === 0 && c.rng === "torch")!;
    expect(sha256(torchOrder)).toBe(ref("torch nn.Linear weight").sha256);
    expect(hexOf(Float32Array.from(net.layers[0].bias!))).toBe(ref("torch nn.Linear bias").hex);
  });
});

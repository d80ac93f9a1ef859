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

/** n float64 (or float32) uniforms from default_rng(seed), as the script draws them. */
const uniforms = (seed: number, n: number, dtype: "float64" | "float32") =>
  frameworkSampler("numpy", seed).sample({ kind: "uniform", low: 0, high: 1 }, n, dtype);
const fr = Math.fround;

/**
 * The libm cases, by function: the arguments as scripts/referenceStreams.py makes them (the same
 * float64 or float32 operations on default_rng uniforms), initlab's values, and the values of the
 * function initlab would use without the emulation.
 */
const LIBM = {
  // u, 1 + (u − ½)·0.15 near 1, (u + ½)·2^⌊2000v − 1000⌋ (three uniforms a value)
  log: (c: Case) => {
    const u = uniforms(c.seed, 3 * c.n, "float64");
    const x = Float64Array.from({ length: c.n }, (_, j) => {
      const [a, b] = [u[3 * j], u[3 * j + 1]];
      return j % 3 === 0 ? a : j % 3 === 1 ? 1 + (a - 0.5) * 0.15 : (a + 0.5) * 2 ** (Math.floor(b * 2000) - 1000);
    });
    return { ours: x.map(glibcLog), rival: x.map(correctLog) };
  },
  // −u, (u − ½)·2⁻²⁵, (u + ½)·2^(⌊100v⌋ − 50) − 1 (two uniforms a value)
  log1p: (c: Case) => {
    const u = uniforms(c.seed, 2 * c.n, "float64");
    const x = Float64Array.from({ length: c.n }, (_, j) => {
      const [a, b] = [u[2 * j], u[2 * j + 1]];
      return j % 3 === 0 ? -a : j % 3 === 1 ? (a - 0.5) * 2 ** -25 : (a + 0.5) * 2 ** (Math.floor(b * 100) - 50) - 1;
    });
    return { ours: x.map(glibcLog1p), rival: x.map(Math.log1p) };
  },
  // float32: −u (the ziggurat tail's), (u − ½)·2⁻²⁰, u·2^(⌊80v⌋ − 20), each operation rounded to float32
  log1pf: (c: Case) => {
    const u = uniforms(c.seed, 2 * c.n, "float32");
    const x = Float32Array.from({ length: c.n }, (_, j) => {
      const [a, b] = [u[2 * j], u[2 * j + 1]];
      return j % 3 === 0 ? -a : j % 3 === 1 ? fr(fr(a - 0.5) * 2 ** -20) : fr(a * 2 ** (Math.floor(fr(b * 80)) - 20));
    });
    return { ours: x.map(glibcLog1pf), rival: x.map(Math.log1p) };
  },
  // 2π·u (PyTorch's θ), (u − ½)·0.3, (u − ½)·200; sin then cos of each
  sincos: (c: Case) => {
    const u = uniforms(c.seed, c.n, "float64");
    const x = u.map((v, j) => (j % 3 === 0 ? 2 * Math.PI * v : j % 3 === 1 ? (v - 0.5) * 0.3 : (v - 0.5) * 200));
    const pairs = (sin: (v: number) => number, cos: (v: number) => number) =>
      Float64Array.from({ length: 2 * c.n }, (_, i) => (i % 2 === 0 ? sin : cos)(x[i >> 1]));
    return { ours: pairs(glibcSin, glibcCos), rival: pairs(Math.sin, Math.cos) };
  },
};

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

  // glibc's functions that the streams call, against the machine's libm on generated arguments; each
  // large case also shows the function initlab would otherwise use disagrees somewhere
  it.each(cases("libm"))("%s: initlab's emulation bit for bit", (_, c) => {
    const { ours, rival } = LIBM[c.call as keyof typeof LIBM](c);
    if (c.hex !== undefined) expect(hexOf(ours)).toBe(c.hex);
    else expect(sha256(ours)).toBe(c.sha256);
    if (c.n > 10_000) expect(rival.some((v, i) => v !== ours[i])).toBe(true);
  });

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

import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { initialize, resolveInitializer, rngStream } from "../../src/core/internal.js";
import { encodeValues } from "../../src/model/tensorFile.js";
import { safetensorsAuditModel } from "../../src/model/safetensorsModel.js";
import { tensorValues } from "../../src/model/tensorValues.js";
import { expectOneLineError, runCli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "initlab-sample-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BIN = resolve(__dirname, "../../bin/initlab.js");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
// numpy, where this machine has it (the benchmarks' reference)
const numpy = ["python3", "/usr/bin/python3"].find((p) => spawnSync(p, ["-c", "import numpy"]).status === 0);

/** The values `init sample` must write: init inspect's stream, rounded to the dtype. */
const expected = (spec: string, shape: number[], dtype: "float32" | "float16" | "float64", layout?: "torch") => {
  const r = resolveInitializer(spec, { shape, layout });
  return initialize(spec, { shape, layout }, rngStream(0, "init", r.initializer), dtype).values;
};

describe("initlab init sample", () => {
  it("writes .npy as NumPy reads it: header, C order, the exact float32 values of init inspect's stream", async () => {
    const file = join(dir, "x.npy");
    const { code } = await runCli(["init", "sample", "lecun_normal", "--shape", "256,128", "--out", file]);
    expect(code).toBe(0);
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes.readUInt16LE(8);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes.subarray(10, 10 + headerLength).toString()).toMatch(
      /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(256, 128\), \} *\n$/,
    );
    const data = bytes.subarray(10 + headerLength);
    expect(sha(data)).toBe(sha(encodeValues(expected("lecun_normal", [256, 128], "float32"), "float32")));
    if (numpy) {
      const out = execFileSync(numpy, [
        "-c",
        `import numpy as np, hashlib\nx = np.load(${JSON.stringify(file)})\nprint(x.dtype, x.shape, hashlib.sha256(x.tobytes()).hexdigest())`,
      ]).toString();
      expect(out.trim()).toBe(`float32 (256, 128) ${sha(data)}`);
    }
  });

  it("writes float16 .npy (<f2), and - writes the same bytes to stdout", () => {
    const file = join(dir, "h.npy");
    execFileSync(
      process.execPath,
      [BIN, "init", "sample", "he_normal", "--shape", "3,3,16,32", "--dtype", "float16", "--out", file],
      { stdio: "pipe" },
    );
    const piped = execFileSync(
      process.execPath,
      [BIN, "init", "sample", "he_normal", "--shape", "3,3,16,32", "--dtype", "float16", "--out", "-"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const bytes = readFileSync(file);
    expect(sha(piped)).toBe(sha(bytes));
    expect(bytes.subarray(10, 80).toString()).toContain("'descr': '<f2'");
    const data = bytes.subarray(10 + bytes.readUInt16LE(8));
    expect(sha(data)).toBe(sha(encodeValues(expected("he_normal", [3, 3, 16, 32], "float16"), "float16")));
  });

  it("writes .safetensors with one named tensor that initlab's own reader reads back exactly (orthogonal, torch layout, bfloat16 refused in npy)", async () => {
    const file = join(dir, "q.safetensors");
    const args = [
      "init",
      "sample",
      "orthogonal(gain=2)",
      "--shape",
      "32,48",
      "--layout",
      "torch",
      "--name",
      "layer.0.weight",
    ];
    expect((await runCli([...args, "--out", file])).code).toBe(0);
    const model = safetensorsAuditModel(new Uint8Array(readFileSync(file)));
    const t = model.tensors.get("layer.0.weight");
    expect(t?.shape).toEqual([32, 48]);
    expect(Array.from(tensorValues(t!))).toEqual(
      Array.from(Float32Array.from(expected("orthogonal(gain=2)", [32, 48], "float32", "torch"))),
    );
    await expectOneLineError(
      [...args, "--dtype", "bfloat16", "--out", join(dir, "q.npy")],
      /^initlab: error: dtype: \.npy has no bfloat16 type/,
    );
  });

  it("refuses a shape that would exhaust memory with the estimate, and an unknown extension", async () => {
    await expectOneLineError(
      ["init", "sample", "orthogonal", "--shape", "100000,100000", "--out", join(dir, "big.npy")],
      /^initlab: error: shape: \[100000,100000\] would need about 261 GiB \(limit 8\.0 GiB\)/,
    );
    await expectOneLineError(
      ["init", "sample", "normal", "--shape", "4,4", "--out", join(dir, "x.txt")],
      /must end in \.npy or \.safetensors/,
    );
  });
});

describe("init sample --rng: a framework's own generator", () => {
  const fixture = JSON.parse(readFileSync(resolve(__dirname, "../fixtures/streams/reference.json"), "utf8")) as {
    cases: { name: string; rng: string; seed: number; sha256?: string; hex?: string }[];
  };
  const ref = (name: string) => fixture.cases.find((c) => c.name === name && c.seed === 0 && c.rng === "torch")!;
  const npyData = (file: string) => {
    const b = readFileSync(file);
    const headerLen = b.readUInt16LE(8);
    return b.subarray(10 + headerLen);
  };

  it("kaiming_uniform_(a=math.sqrt(5)) with --rng torch --seed 0 writes PyTorch's tensor, bit for bit", async () => {
    const out = join(dir, "k5.npy");
    const r = await runCli([
      "init",
      "sample",
      "kaiming_uniform_(a=math.sqrt(5))",
      "--rng",
      "torch",
      "--seed",
      "0",
      "--shape",
      "512,784",
      "--layout",
      "torch",
      "--out",
      out,
    ]);
    expect(r.code).toBe(0);
    expect(createHash("sha256").update(npyData(out)).digest("hex")).toBe(
      ref("torch kaiming_uniform_(a=sqrt(5))").sha256,
    );
  });

  it("kaiming_uniform --framework torch is kaiming_uniform_(w), a = 0, and says nn.Linear's a = √5 is spelled otherwise", async () => {
    const out = join(dir, "k0.npy");
    const args = ["--rng", "torch", "--seed", "0", "--shape", "512,784", "--layout", "torch", "--out", out];
    const r = await runCli(["init", "sample", "kaiming_uniform", "--framework", "torch", ...args]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /note: this is nn\.init\.kaiming_uniform_\(w\) with its default a=0.*kaiming_uniform_\(a=math\.sqrt\(5\)\)/,
    );
    // the same draws as the explicit a = 0 spelling, and not the a = √5 tensor
    const zero = join(dir, "k0b.npy");
    expect((await runCli(["init", "sample", "kaiming_uniform_(a=0)", ...args.slice(0, -1), zero])).code).toBe(0);
    expect(npyData(out).equals(npyData(zero))).toBe(true);
    expect(createHash("sha256").update(npyData(out)).digest("hex")).not.toBe(
      ref("torch kaiming_uniform_(a=sqrt(5))").sha256,
    );
  });

  it("--with-bias writes nn.Linear(784, 512)'s weight and bias from one generator into one .safetensors", async () => {
    const out = join(dir, "linear.safetensors");
    const r = await runCli([
      "init",
      "sample",
      "layer_default",
      "--framework",
      "torch",
      "--rng",
      "torch",
      "--seed",
      "0",
      "--shape",
      "512,784",
      "--layout",
      "torch",
      "--with-bias",
      "--out",
      out,
    ]);
    expect(r.code).toBe(0);
    const b = readFileSync(out);
    const n = Number(b.readBigUInt64LE(0));
    const header = JSON.parse(b.subarray(8, 8 + n).toString("utf8"));
    const data = b.subarray(8 + n);
    const w = data.subarray(header.weight.data_offsets[0], header.weight.data_offsets[1]);
    const bias = new Float32Array(
      Uint8Array.from(data.subarray(header.bias.data_offsets[0], header.bias.data_offsets[1])).buffer,
    );
    expect(createHash("sha256").update(w).digest("hex")).toBe(ref("torch nn.Linear weight").sha256);
    expect(Array.from(new Uint32Array(bias.buffer), (v) => v.toString(16).padStart(8, "0")).join("")).toBe(
      ref("torch nn.Linear bias").hex,
    );
  });

  it.each([
    [
      ["init", "sample", "he_uniform", "--rng", "torch", "--shape", "4,3", "--out", "x.npy"],
      /^initlab: error: layout: --rng torch fills the tensor in PyTorch's \[out, in, k…\] order; give --layout torch$/m,
    ],
    [
      [
        "init",
        "sample",
        "layer_default",
        "--framework",
        "torch",
        "--rng",
        "torch",
        "--shape",
        "4,3",
        "--with-bias",
        "--out",
        "x.npy",
      ],
      /with-bias: the weight and its bias go in one \.safetensors file/,
    ],
    [
      ["init", "sample", "normal", "--rng", "numpy", "--shape", "4", "--dtype", "float16", "--out", "x.npy"],
      /dtype: --rng numpy draws float32 or float64, got float16/,
    ],
    [
      ["init", "sample", "orthogonal", "--rng", "numpy", "--shape", "4,4", "--out", "x.npy"],
      /rng: --rng numpy draws normal, uniform and constant initializers/,
    ],
    [
      ["init", "sample", "normal", "--rng", "jax", "--shape", "4", "--out", "x.npy"],
      /--rng <stream>' argument 'jax' is invalid/,
    ],
  ])("%j → one-line error", async (args, message) => {
    await expectOneLineError(
      args.map((a) => (a === "x.npy" ? join(dir, "x.npy") : a)),
      message,
    );
  });
});

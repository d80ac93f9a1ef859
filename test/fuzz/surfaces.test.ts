import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { parse as parseYaml } from "yaml";
import { INTERNAL_ERROR_STATUS } from "../../src/cli/main.js";
import { readResults } from "../../src/cli/sweep/resultsFile.js";
import { openModel } from "../../src/audit/openModel.js";
import { layerContext } from "../../src/audit/auditWeights.js";
import { initialize, INITIALIZERS, resolveInitializer, rngStream, toJson } from "../../src/core/internal.js";
import { formatInitSpec, parseOwnSpec } from "../../src/core/init/specGrammar.js";
import { parseExperimentSpec } from "../../src/experiment/experimentSpec.js";
import { npyHeader, safetensorsHeaderOf } from "../../src/model/tensorFile.js";
import { tensorValues } from "../../src/model/tensorValues.js";
import { parseLabState, serializeLabState } from "../../src/web/labState.js";
import { safetensors } from "../audit/modelBuilders.js";
import { runCli } from "../cli/helpers.js";
import {
  campaign,
  counts,
  expectOneLineRefusal,
  FUZZ_RUNS,
  FUZZ_SEED,
  mutatedBytes,
  refusedOrRan,
  tokenSoup,
} from "./fuzzing.js";

/**
 * Hostile input, fuzzed (see test/fuzz/fuzzing.ts for the campaign size and seed). Every surface
 * that reads text a person types or a file from anywhere gets generated cases; each must end in a
 * result or a one-line refusal naming its subject — never a crash, an internal error or a hang.
 */
const ROOT = resolve(__dirname, "../..");
// a long campaign runs up to ~20 ms a case (the command lines that run to the end)
vi.setConfig({ testTimeout: Math.max(60_000, FUZZ_RUNS * 40) });
const scratch = mkdtempSync(join(tmpdir(), "initlab-fuzz-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  const lines = [...counts].map(
    ([s, c]) => `  ${s.padEnd(28)} ${String(c.cases).padStart(6)} cases, ${c.failures} failures`,
  );
  console.log(`fuzz campaign, seed ${FUZZ_SEED}, ${FUZZ_RUNS} cases a surface:\n${lines.join("\n")}`);
});

const SPEC_WORDS = [
  ...INITIALIZERS.flatMap((d) => [d.name, ...d.aliases, ...Object.keys(d.params)]),
  "TruncatedNormal",
  "RandomNormal",
  "VarianceScaling",
  "GlorotUniform",
  "HeNormal",
  "Orthogonal",
  "stddev",
  "minval",
  "maxval",
  "tf.initializers.",
  "keras.initializers.",
  "nn.init.",
  "jax.nn.initializers.",
  "kaiming_uniform_",
  "trunc_normal_",
  "xavier_normal_",
  "heNormal",
  "truncatedNormal",
  "glorotUniform",
  "math.sqrt(",
  "calculate_gain(",
  "'tanh'",
  "seed",
  "fan_in",
  "fan_avg",
  "fanIn",
  "normal",
  "uniform",
  "truncated_normal",
  "leaky_relu",
  "relu",
  "tanh",
  "gain",
  "a",
  "b",
];

describe("fuzz: initializer specs (initlab's grammar and every framework spelling)", () => {
  it("every spec resolves or is refused in one line naming its subject", async () => {
    await campaign("spec", fc.oneof(tokenSoup(SPEC_WORDS), fc.string({ maxLength: 40 })), (s) => {
      refusedOrRan(() => resolveInitializer(s, { shape: [8, 4] }));
    });
  });

  // names and parameter names that exist, with hostile values: the reader and the catalog must hold
  const NAMES = [
    ...INITIALIZERS.map((d) => d.name),
    "RandomNormal",
    "TruncatedNormal",
    "RandomUniform",
    "VarianceScaling",
    "Orthogonal",
    "Constant",
    "Identity",
    "tf.initializers.truncatedNormal",
    "heNormal",
    "varianceScaling",
    "nn.init.kaiming_uniform_",
    "trunc_normal_",
    "nn.init.sparse_",
    "dirac_",
    "jax.nn.initializers.variance_scaling",
    "nn.initializers.orthogonal",
    "normal",
  ];
  const PARAMS = [
    "mean",
    "std",
    "stddev",
    "low",
    "high",
    "minval",
    "maxval",
    "a",
    "b",
    "gain",
    "scale",
    "mode",
    "distribution",
    "nonlinearity",
    "value",
    "val",
    "sparsity",
    "groups",
    "seed",
    "lower",
    "upper",
  ];
  const hostileValue = fc.oneof(
    fc.double().map((x) => String(x)),
    fc.constantFrom(
      "0",
      "-1",
      "1e308",
      "-1e308",
      "1e-320",
      "NaN",
      "inf",
      "'fan_in'",
      "'fanAvg'",
      "'bogus'",
      "math.sqrt(-1)",
      "math.sqrt(5)",
      "calculate_gain('leaky_relu', -3)",
      "None",
      "True",
      "2**64",
      "fan_out",
      "'truncated_normal'",
    ),
  );
  const structured = fc
    .tuple(
      fc.constantFrom(...NAMES),
      fc.array(fc.tuple(fc.constantFrom(...PARAMS), hostileValue), { maxLength: 4 }),
      fc.boolean(),
    )
    .map(([name, params, tfjs]) =>
      tfjs && /^[a-z]+[A-Z]|tf\./.test(name)
        ? `${name}({${params.map(([k, v]) => `${k}: ${v}`).join(", ")}})`
        : `${name}(${params.map(([k, v]) => `${k}=${v}`).join(", ")})`,
    );
  it("known names with hostile values: resolved and drawn, or refused in one line", async () => {
    await campaign(
      "spec values",
      fc.tuple(structured, fc.constantFrom([8, 4], [4, 8], [3, 3, 2, 5], [1, 1], [16])),
      ([s, shape]) => {
        refusedOrRan(() => initialize(s, { shape }, rngStream(0, "fuzz"), "float32"));
      },
    );
  });

  it("initlab's grammar round-trips: spec → string → spec", async () => {
    await campaign("spec round trip", tokenSoup(SPEC_WORDS), (s) => {
      let parsed;
      try {
        parsed = parseOwnSpec(s);
      } catch (e) {
        expectOneLineRefusal(e);
        return;
      }
      expect(parseOwnSpec(formatInitSpec(parsed))).toEqual(parsed);
    });
  });
});

const SIZE = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map(String),
  fc.constantFrom("0", "-1", "1.5", "1e9", "9999999999", "abc", "", " ", "NaN", "Infinity", "0x10", "3,3", "2e3"),
);
const WORD = tokenSoup(SPEC_WORDS);

describe("fuzz: command-line values", () => {
  /** mostly valid, sometimes hostile: each field valid 4 times in 5, so whole commands also run */
  const either = (valid: fc.Arbitrary<string>, hostile: fc.Arbitrary<string>) =>
    fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: hostile });
  const small = fc.integer({ min: 1, max: 6 }).map(String);
  const dense = fc
    .record({
      depth: either(small, SIZE),
      width: either(small, SIZE),
      batch: either(small, SIZE),
      init: either(
        fc.constantFrom(
          "he_normal",
          "normal(std=0.5)",
          "HeNormal()",
          "kaiming_uniform_(a=math.sqrt(5))",
          "orthogonal",
          "TruncatedNormal(stddev=0.05)",
        ),
        WORD,
      ),
      activation: either(fc.constantFrom("relu", "tanh", "gelu", "leaky_relu(a=0.2)", "selu"), WORD),
      dtype: either(
        fc.constantFrom("float32", "float64", "bfloat16", "float16"),
        fc.constantFrom("float8", "", "int8"),
      ),
      extra: fc.subarray([
        ["--backward"],
        ["--seed", "7"],
        ["--norm", "layer"],
        ["--residual", "2"],
        ["--rng", "torch"],
        ["--rng", "numpy"],
        ["--bias-init", "zeros"],
        ["--correlation", "0.5"],
        ["--lsuv"],
        ["--loss", "mse"],
        ["--seeds", "0-2"],
      ]),
    })
    .map((f) => [
      "--depth",
      f.depth,
      "--width",
      f.width,
      "--batch",
      f.batch,
      "--init",
      f.init,
      "--activation",
      f.activation,
      "--dtype",
      f.dtype,
      ...f.extra.flat(),
    ]);
  const transformer = fc
    .record({
      depth: either(small, SIZE),
      width: either(fc.constantFrom("8", "16"), SIZE),
      heads: either(fc.constantFrom("1", "2", "4"), SIZE),
      seq: either(fc.constantFrom("2", "5"), SIZE),
      extra: fc.subarray([
        ["--backward"],
        ["--norm", "rms"],
        ["--norm", "none"],
        ["--norm-position", "post"],
        ["--residual-scale", "gpt2"],
        ["--residual-scale", "deepnorm"],
        ["--residual-scale", "tfixup"],
        ["--final-norm"],
        ["--attention-only"],
        ["--no-residual"],
        ["--causal"],
        ["--embedding-init", "uniform(low=-1e-4,high=1e-4)"],
        ["--vocab", "3"],
        ["--mlp-ratio", "0.5"],
        ["--dtype", "float16"],
        ["--init", "default"],
        ["--framework", "keras"],
        ["--seeds", "0,1"],
        ["--cross-attention"],
        ["--readout", "softmax"],
        ["--readout-init", "zeros"],
        ["--parameterization", "mup"],
        ["--memory-seq", "3"],
        ["--encoder-depth", "2"],
      ]),
    })
    .map((f) => [
      "--arch",
      "transformer",
      "--depth",
      f.depth,
      "--width",
      f.width,
      "--heads",
      f.heads,
      "--seq",
      f.seq,
      ...f.extra.flat(),
    ]);
  const hostile = fc.array(
    fc.oneof(
      WORD,
      SIZE,
      fc.constantFrom("--arch", "--heads", "--widths", "--rng", "--compare", "--seeds", "--lsuv-tol"),
    ),
    { maxLength: 8 },
  );
  it("propagate: every command line runs or is refused in one line (never an internal error)", async () => {
    const outcomes = { ran: 0, refused: 0 };
    await campaign(
      "CLI propagate flags",
      fc.oneof(
        { weight: 3, arbitrary: dense },
        { weight: 2, arbitrary: transformer },
        { weight: 1, arbitrary: hostile },
      ),
      async (flags) => {
        const { code, stderr } = await runCli(["propagate", ...flags, "--json"]);
        expect(code, stderr).not.toBe(INTERNAL_ERROR_STATUS);
        outcomes[code === 0 ? "ran" : "refused"]++;
        if (code !== 0) {
          expect(stderr.trim().split("\n"), stderr).toHaveLength(1);
          expect(stderr).toMatch(/^initlab: error: \S/);
        }
      },
    );
    console.log(`fuzz CLI propagate flags: ${outcomes.ran} ran to the end, ${outcomes.refused} refused`);
  });

  it("init inspect / init sample: every spec, shape and option runs or is refused in one line", async () => {
    const arb = fc.record({
      spec: fc.oneof(WORD, fc.constantFrom("orthogonal", "TruncatedNormal(stddev=0.05)", "dirac", "identity")),
      shape: fc.oneof(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 5 }).map((a) => a.join(",")),
        fc.constantFrom("3,3,64,128", "-1,2", "1e12,1e12", "a,b", ""),
      ),
      extra: fc.subarray([
        ["--framework", "torch"],
        ["--framework", "keras"],
        ["--layout", "torch"],
        ["--groups", "2"],
        ["--depthwise"],
        ["--transposed"],
        ["--rng", "torch"],
        ["--rng", "numpy-legacy"],
        ["--dtype", "bfloat16"],
      ]),
      sample: fc.boolean(),
    });
    await campaign("CLI init inspect/sample", arb, async (f) => {
      const args = f.sample
        ? ["init", "sample", f.spec, "--shape", f.shape, ...f.extra.flat(), "--out", join(scratch, "s.npy")]
        : ["init", "inspect", f.spec, "--shape", f.shape, ...f.extra.flat()];
      const { code, stderr } = await runCli(args);
      expect(code, stderr).not.toBe(INTERNAL_ERROR_STATUS);
      if (code !== 0) expect(stderr.trim().split("\n"), stderr).toHaveLength(1);
    });
  });
});

describe("fuzz: sweep files", () => {
  const value = fc.oneof(
    fc.integer({ min: -5, max: 300 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    WORD,
    fc.array(fc.integer({ min: -2, max: 9 }), { maxLength: 4 }),
  );
  const field = fc.constantFrom(
    "depth",
    "width",
    "init",
    "activation",
    "batch",
    "seed",
    "dtype",
    "norm",
    "residual",
    "widths",
    "heads",
    "seq",
    "dataset",
    "lr",
    "bogus",
  );
  const doc = fc.record(
    {
      name: fc.oneof(fc.string(), fc.constant("x"), fc.integer()),
      experiment: fc.oneof(fc.constantFrom("propagate", "train", "transformer"), fc.string()),
      grid: fc.dictionary(field, fc.oneof(fc.array(value, { minLength: 0, maxLength: 4 }), value), { maxKeys: 4 }),
      fixed: fc.dictionary(field, value, { maxKeys: 5 }),
    },
    { requiredKeys: [] },
  );
  it("every document is a sweep or refused in one line naming its field", async () => {
    await campaign(
      "sweep file (YAML/JSON)",
      fc.oneof(
        doc.map((d) => JSON.stringify(d)),
        fc.string({ maxLength: 80 }),
        WORD,
      ),
      (text) => {
        let raw: unknown;
        try {
          raw = parseYaml(text);
        } catch {
          return; // the YAML parser's own refusal: readSpecFile words it as "spec: … is not valid YAML or JSON"
        }
        refusedOrRan(() => parseExperimentSpec(raw));
      },
    );
  });
});

describe("fuzz: the lab's URL state", () => {
  const keys = Object.keys(parseLabState("").state);
  const pair = fc.tuple(
    fc.oneof(fc.constantFrom(...keys, "bias", "nope"), fc.string({ maxLength: 6 })),
    fc.oneof(WORD, SIZE, fc.string({ maxLength: 12 })),
  );
  it("any query gives a state and one-line messages; the state's URL round-trips exactly", async () => {
    await campaign("lab URL", fc.array(pair, { maxLength: 8 }), (pairs) => {
      const q = new URLSearchParams(pairs).toString();
      const { state, errors } = parseLabState(q);
      for (const e of errors) expect(e.includes("\n")).toBe(false);
      const again = parseLabState(serializeLabState(state));
      expect(again.errors).toEqual([]);
      expect(again.state).toEqual(state);
      expect(serializeLabState(again.state)).toBe(serializeLabState(state));
    });
  });
});

describe("fuzz: the files initlab writes (.npy and .safetensors headers), read back", () => {
  // initlab reads no .npy (init sample writes them): the property is that every header it writes
  // is NEP 1 and round-trips — the shape read back from the dict is the shape written
  it("every .npy and .safetensors header initlab writes parses back to the shape, dtype and name written", async () => {
    const arb = fc.record({
      shape: fc.array(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 2 ** 31 })), { maxLength: 6 }),
      dtype: fc.constantFrom("float64", "float32", "float16", "bfloat16") as fc.Arbitrary<
        "float64" | "float32" | "float16" | "bfloat16"
      >,
      name: fc.string({ maxLength: 20 }),
    });
    await campaign("file headers (.npy, safetensors)", arb, ({ shape, dtype, name }) => {
      if (dtype !== "bfloat16") {
        const h = npyHeader(shape, dtype);
        expect(Array.from(h.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
        const len = h[8] + 256 * h[9];
        expect(10 + len).toBe(h.length);
        expect(h.length % 64).toBe(0);
        const dict = new TextDecoder().decode(h.subarray(10));
        expect(dict.endsWith("\n")).toBe(true);
        const m = /^\{'descr': '(<f[248])', 'fortran_order': False, 'shape': \(([\d, ]*)\), \}\s*$/.exec(dict)!;
        expect(m, dict).not.toBeNull();
        expect(
          m[2]
            .split(",")
            .map((x) => x.trim())
            .filter((x) => x !== "")
            .map(Number),
        ).toEqual(shape);
      } else refusedOrRan(() => npyHeader(shape, dtype));
      const st = safetensorsHeaderOf([{ name, shape }], dtype);
      const n = Number(new DataView(st.buffer).getBigUint64(0, true));
      expect((8 + n) % 8).toBe(0);
      const header = JSON.parse(new TextDecoder().decode(st.subarray(8, 8 + n)));
      expect(Object.keys(header)).toEqual([name]);
      expect(header[name].shape).toEqual(shape);
    });
  });
});

describe("fuzz: results.jsonl", () => {
  const record = fc.record({
    point: fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.integer(), fc.string(), fc.boolean())),
    result: fc.jsonValue(),
  });
  it("a file of lines is read, repaired at its end, or refused in one line; a record's line round-trips", async () => {
    const line = fc.oneof(
      record.map((r) => toJson(r)),
      fc.string({ maxLength: 30 }),
      fc.constant("{"),
      fc.constant('{"point":1}'),
    );
    await campaign("results.jsonl", fc.tuple(fc.array(line, { maxLength: 6 }), fc.boolean()), ([lines, endNewline]) => {
      const path = join(scratch, "results.jsonl");
      const text = lines.join("\n") + (endNewline ? "\n" : "");
      writeFileSync(path, text);
      let read;
      try {
        read = readResults(path, (p) => JSON.stringify(p.point), { repair: false });
      } catch (e) {
        expectOneLineRefusal(e);
        return;
      }
      // every line read back is the line written, byte for byte
      for (const r of read) expect(lines).toContain(r.text);
    });
  });
});

/** Opens mutated bytes as a model and decodes every layer's weights: a result or a one-line ModelFileError, quickly. */
function openMutated(name: string, bytes: Uint8Array, side: Map<string, Uint8Array>): void {
  const t0 = performance.now();
  refusedOrRan(() => {
    const m = openModel(name, bytes, (rel, what) => {
      const b = side.get(rel);
      if (!b) throw new Error(`${what}: no file ${rel}`);
      return b;
    });
    for (const layer of m.model.layers) {
      const t = m.model.tensors.get(layer.weight);
      if (!t) continue;
      tensorValues(t);
      layerContext(layer, t.shape);
    }
  });
  // each case ends within seconds, whatever the file says its sizes are
  expect(performance.now() - t0).toBeLessThan(3000);
}

describe("fuzz: model files, mutated (byte flips, truncations, insertions, huge lengths)", () => {
  const onnx = readFileSync(join(ROOT, "test/fixtures/models/torch_default_mlp.onnx"));
  it.each([
    ["ONNX (PyTorch MLP)", "torch_default_mlp.onnx", new Uint8Array(onnx)],
    [
      "ONNX (PyTorch convs)",
      "torch_convs.onnx",
      new Uint8Array(readFileSync(join(ROOT, "test/fixtures/models/torch_convs.onnx"))),
    ],
    [
      "safetensors",
      "model.safetensors",
      safetensors([
        { name: "fc1.weight", shape: [8, 4], data: Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)) },
        { name: "fc1.bias", shape: [8], data: new Float32Array(8) },
        { name: "fc2.weight", shape: [3, 8], data: Float32Array.from({ length: 24 }, (_, i) => Math.cos(i)) },
      ]),
    ],
  ] as const)("%s: every mutation is read or refused in one line, within seconds", async (label, name, bytes) => {
    await campaign(`model ${label}`, mutatedBytes(bytes), (b) => openMutated(name, b, new Map()));
  });

  it("TF.js: mutated model.json manifests and shards are read or refused in one line", async () => {
    const shard = new Uint8Array(Float32Array.from({ length: 24 }, (_, i) => i / 24).buffer);
    const manifest = {
      format: "layers-model",
      modelTopology: {
        class_name: "Sequential",
        config: {
          layers: [
            { class_name: "Dense", config: { name: "d", units: 4, batch_input_shape: [null, 4] } },
            { class_name: "Dense", config: { name: "e", units: 2 } },
          ],
        },
      },
      weightsManifest: [
        {
          paths: ["group1-shard1of1.bin"],
          weights: [
            { name: "d/kernel", shape: [4, 4], dtype: "float32" },
            { name: "e/kernel", shape: [4, 2], dtype: "float32" },
          ],
        },
      ],
    };
    const text = new TextEncoder().encode(JSON.stringify(manifest));
    // JSON-level mutations too: sizes, shapes, paths and dtypes a hostile manifest could claim
    const jsonMutation = fc
      .record({
        shape: fc.array(fc.oneof(fc.integer({ min: -2, max: 9 }), fc.constant(2 ** 31), fc.constant(1e15)), {
          maxLength: 4,
        }),
        dtype: fc.constantFrom("float32", "float16", "int32", "uint8", "bogus"),
        path: fc.constantFrom("group1-shard1of1.bin", "../x.bin", "/etc/passwd", "a/../../b", "missing.bin"),
      })
      .map(({ shape, dtype, path }) => {
        const m = structuredClone(manifest);
        m.weightsManifest[0].weights[0] = { name: "d/kernel", shape, dtype };
        m.weightsManifest[0].paths = [path];
        return new TextEncoder().encode(JSON.stringify(m));
      });
    await campaign(
      "model TF.js manifest",
      fc.tuple(fc.oneof(mutatedBytes(text), jsonMutation), fc.oneof(fc.constant(shard), mutatedBytes(shard))),
      ([json, bin]) => openMutated("model.json", json, new Map([["group1-shard1of1.bin", bin]])),
    );
  });
});

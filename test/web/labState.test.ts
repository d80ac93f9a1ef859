import { describe, expect, it } from "vitest";
import {
  checkLabSize,
  DEFAULT_STATE,
  LAB_MAX_BYTES,
  labNetwork,
  labTransformer,
  TRANSFORMER_PRESETS,
  parseLabState,
  parseWidths,
  PRESETS,
  serializeLabState,
} from "../../src/web/labState.js";
import { runCli } from "../cli/helpers.js";

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("lab URL state", () => {
  it("reads the must-show query", () => {
    const { state, errors } = parseLabState(
      "?init=normal(std%3D1)&activation=linear&depth=100&width=512&dtype=float32",
    );
    expect(errors).toEqual([]);
    expect(state).toMatchObject({
      init: "normal(std=1)",
      activation: "linear",
      depth: 100,
      width: 512,
      dtype: "float32",
      batch: 1,
    });
  });

  it("round-trips every field through the query", () => {
    const s = {
      ...DEFAULT_STATE,
      view: "phase" as const,
      init: "orthogonal(gain=2)",
      biasInit: "normal(std=0.1)",
      norm: "layer" as const,
      residual: 2,
      seed: 7,
      kernel: "3,3,32,2:depthwise",
      widths: "784,256,10",
    };
    expect(parseLabState(serializeLabState(s))).toEqual({ state: s, errors: [] });
  });

  it("reports each invalid value in words and falls back to its default", () => {
    const { state, errors } = parseLabState("depth=abc&dtype=int8&init=he_normal((&activation=swishy&zoom=3");
    expect(state).toEqual(DEFAULT_STATE);
    expect(errors).toHaveLength(5);
    expect(errors[0]).toBe('init="he_normal((" ignored: init: missing ")" in "he_normal(("; using lecun_normal');
    expect(errors.join(" ")).toContain("depth must be an integer from 1 to 100000");
    expect(errors.join(" ")).toContain("unknown parameter zoom ignored");
  });

  it("reads every network field with the CLI's bounds and gives the CLI's error for the same bad value", async () => {
    const cases: [field: string, flag: string, value: string][] = [
      ["depth", "--depth", "0"],
      ["depth", "--depth", "100001"],
      ["width", "--width", "abc"],
      ["batch", "--batch", "0"],
      ["seed", "--seed", "-1"],
      ["widths", "--widths", "3,a"],
      ["widths", "--widths", "3"],
      ["dtype", "--dtype", "int8"],
      ["norm", "--norm", "group"],
      ["init", "--init", "he_normall"],
      ["activation", "--activation", "swishy"],
    ];
    for (const [field, flag, value] of cases) {
      const lab = parseLabState(`${field}=${encodeURIComponent(value)}`).errors[0];
      const cli = await runCli(["propagate", flag, value]);
      expect(cli.code).toBe(2);
      // the CLI's line ends with the lab's reason (commander adds its own prefix and a period)
      const reason = lab.replace(/^\S+ ignored: /, "").replace(/; using .*$/, "");
      expect(cli.stderr.trim().replace(/\.$/, "")).toMatch(new RegExp(`${escapeRegExp(reason)}$`));
    }
    // within the CLI's bounds the lab takes the value; its memory budget is what refuses a big network
    expect(parseLabState("depth=2000&width=4").errors).toEqual([]);
  });

  it("presets are valid states", () => {
    for (const p of PRESETS)
      expect(parseLabState(serializeLabState({ ...DEFAULT_STATE, ...p.state })).errors).toEqual([]);
  });

  it("widths: a list of the input and layer widths overrides depth and width", () => {
    const { state, errors } = parseLabState("widths=784, 256,256 ,10&depth=3&width=8");
    expect(errors).toEqual([]);
    expect(state.widths).toBe("784,256,256,10");
    expect(labNetwork(state)).toMatchObject({ inputWidth: 784, widths: [256, 256, 10] });
    expect(labNetwork({ ...state, widths: "" })).toMatchObject({ inputWidth: 8, widths: [8, 8, 8] });
    expect(parseWidths("")).toBeNull();
    for (const bad of ["784", "784,0", "784,a", "784,2000000", "784,,10"])
      expect(() => parseWidths(bad)).toThrow(
        "widths must be the input width and at least one layer width, each an integer from 1 to 1048576",
      );
    expect(parseLabState("widths=5").errors[0]).toContain('widths="5" ignored');
  });

  it("refuses a network over the lab's memory budget before allocating, with the estimate", () => {
    expect(() => checkLabSize(labNetwork({ ...DEFAULT_STATE, depth: 100, width: 512 }), 1)).not.toThrow();
    // 500 × 2048² weights: 24 bytes each (float64, two float32 copies, the float64 standard draws) ≈ 47 GiB
    expect(() => checkLabSize(labNetwork({ ...DEFAULT_STATE, depth: 500, width: 2048 }), 1)).toThrow(
      /^size: 500 layers \(2\.10e\+9 weights\) with batch 1 would need about 47 GiB; the lab's limit is 1\.0 GiB/,
    );
    // just over the limit: weights alone at 24 bytes each
    const n = Math.ceil(Math.sqrt(LAB_MAX_BYTES / 24));
    expect(() => checkLabSize({ ...labNetwork(DEFAULT_STATE), inputWidth: n, widths: [n] }, 1)).toThrow("size:");
  });
});

describe("the transformer view's stacks", () => {
  it("blocks=decoder: cross-attention over an encoder of the same depth and tokens, as propagate --cross-attention builds it; its work counts the encoder and the cross-attention", () => {
    const base = { ...DEFAULT_STATE, view: "transformer" as const, depth: 6, width: 32, seq: 8, batch: 1 };
    const dec = labTransformer({ ...base, blocks: "decoder" });
    expect(dec.crossAttention).toEqual({ memorySeq: 8, encoderDepth: 6 });
    expect(dec.attentionOnly).toBe(false);
    expect(labTransformer({ ...base, blocks: "full" }).crossAttention).toBeNull();
    // the full stack fits a budget where the decoder (twice the work and more) does not
    const big = { ...base, depth: 8, width: 256, seq: 64, batch: 1 };
    expect(() => labTransformer({ ...big, blocks: "full" })).not.toThrow();
    expect(() => labTransformer({ ...big, blocks: "decoder" })).toThrow(/^size: .* G multiply-adds/);
  });

  it("every transformer preset is a stack the page runs", () => {
    for (const p of TRANSFORMER_PRESETS) expect(() => labTransformer({ ...DEFAULT_STATE, ...p.state })).not.toThrow();
  });
});

describe("the lab speaks the CLI's and the sweeps' network vocabulary", () => {
  it("biasInit is the bias parameter's name (old links with bias= still work), and the network is built as the CLI builds it", async () => {
    const { parseLabState, labNetwork, serializeLabState } = await import("../../src/web/labState.js");
    const { networkFromFlags } = await import("../../src/cli/networkOptions.js");
    const a = parseLabState("biasInit=normal(std%3D0.1)&norm=layer&residual=2&depth=4&width=8");
    expect(a.errors).toEqual([]);
    expect(a.state.biasInit).toBe("normal(std=0.1)");
    expect(serializeLabState(a.state)).toContain("biasInit=");
    expect(parseLabState("bias=normal(std%3D0.2)").state.biasInit).toBe("normal(std=0.2)");
    const cli = networkFromFlags({
      init: a.state.init,
      activation: a.state.activation,
      depth: 4,
      width: 8,
      batch: a.state.batch,
      biasInit: "normal(std=0.1)",
      norm: "layer",
      residual: 2,
      branchScale: "1",
      inputScale: 1,
      dtype: "float32",
      seed: 0,
      parameterization: "standard",
      stride: 1,
      padding: "same",
      image: [16, 16],
    });
    expect(labNetwork(a.state)).toEqual(cli);
  });

  it("the same bad initializer gets the same message in the lab URL as on the command line", async () => {
    const { parseLabState } = await import("../../src/web/labState.js");
    const { runCli } = await import("../cli/helpers.js");
    const lab = parseLabState("init=he_normall").errors.join(" ");
    const cli = (await runCli(["propagate", "--init", "he_normall", "--depth", "2"])).stderr;
    const message = 'init: unknown initializer "he_normall"';
    expect(lab).toContain(message);
    expect(cli).toContain(message);
  });
});

describe("the lab and the CLI err in the same words for the same bad value", () => {
  it("norm=group and dtype=float8", async () => {
    const { parseLabState } = await import("../../src/web/labState.js");
    const { runCli } = await import("../cli/helpers.js");
    for (const [field, bad, message] of [
      ["norm", "group", 'norm must be one of none, layer, batch, got "group"'],
      ["dtype", "float8", 'dtype must be one of float64, float32, bfloat16, float16, got "float8"'],
    ] as const) {
      expect(parseLabState(`${field}=${bad}`).errors.join(" ")).toContain(message);
      const cli = await runCli(["propagate", `--${field}`, bad, "--depth", "2"]);
      expect(cli.code).toBe(2);
      expect(cli.stderr).toContain(message);
    }
    // and none means no norm on the command line too
    expect((await runCli(["propagate", "--norm", "none", "--depth", "2", "--width", "8", "--json"])).code).toBe(0);
  });
});

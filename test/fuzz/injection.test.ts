import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { safetensorsAuditModel } from "../../src/model/safetensorsModel.js";
import { INJECTED, injectedModel } from "./injectedModel.js";
import { expectOneLineError, runCli } from "../cli/helpers.js";

/** Strings from files are data: names shown in HTML are escaped; merges never write or read through links. */
const dir = mkdtempSync(join(tmpdir(), "initlab-inject-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("names from files are text in HTML", () => {
  it("audit --out: a tensor named <img src=x onerror=alert(1)> appears escaped, never as markup", async () => {
    const file = join(dir, "inject.safetensors");
    writeFileSync(file, injectedModel());
    const out = join(dir, "report");
    const { code, stderr } = await runCli(["audit", file, "--out", out]);
    expect(code, stderr).toBe(0);
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain(INJECTED);
    expect(html).not.toMatch(/<img[^>]*onerror/i);
  });
});

describe("merge never follows a path out of its folders", () => {
  const spec = JSON.stringify({
    name: "m",
    experiment: "propagate",
    grid: {},
    fixed: { depth: 1, width: 2, activation: "relu", init: "he_normal" },
  });
  const folder = (name: string) => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "spec.json"), spec);
    writeFileSync(join(d, "results.jsonl"), "");
    return d;
  };

  it("refuses an output folder whose results.jsonl links elsewhere, and writes nothing there", async () => {
    const a = folder("a");
    const outside = join(dir, "victim.txt");
    writeFileSync(outside, "keep me\n");
    const out = join(dir, "out-link");
    mkdirSync(out, { recursive: true });
    symlinkSync(outside, join(out, "results.jsonl"));
    await expectOneLineError(["merge", out, a], /^initlab: error: merge: .*results\.jsonl is a symbolic link/);
    expect(readFileSync(outside, "utf8")).toBe("keep me\n");
    expect(lstatSync(join(out, "results.jsonl")).isSymbolicLink()).toBe(true);
    expect(existsSync(join(out, "spec.json"))).toBe(false);
  });

  it("refuses a source folder whose results.jsonl links out of it", async () => {
    const b = folder("b");
    rmSync(join(b, "results.jsonl"));
    symlinkSync("/etc/passwd", join(b, "results.jsonl"));
    await expectOneLineError(["merge", join(dir, "out-b"), b], /results\.jsonl is a symbolic link/);
  });

  it("refuses a hostile spec.json (a grid of 10^20 points) before expanding it", async () => {
    const c = join(dir, "c");
    mkdirSync(c, { recursive: true });
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const grid = Object.fromEntries(
      ["depth", "width", "batch", "seed", "residual", "inputScale", "accumulate", "biasInit", "norm", "dtype"].map(
        (k) => [k, values],
      ),
    );
    writeFileSync(join(c, "spec.json"), JSON.stringify({ name: "huge", experiment: "propagate", grid, fixed: {} }));
    const { code, stderr } = await runCli(["merge", join(dir, "out-c"), c]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^initlab: error: merge: .*spec\.json is not a sweep spec: /);
  });

  it("a sweep file of 10^20 points is refused with its count, before anything is expanded", async () => {
    const file = join(dir, "huge.yaml");
    const values = `[${Array.from({ length: 100 }, (_, i) => i + 1).join(", ")}]`;
    writeFileSync(
      file,
      `name: huge\nexperiment: propagate\ngrid:\n  depth: ${values}\n  width: ${values}\n  batch: ${values}\n  seed: ${values}\n  residual: ${values}\nfixed:\n  activation: relu\n  init: he_normal\n`,
    );
    await expectOneLineError(
      ["sweep", file, "--out", join(dir, "huge-out")],
      /grid: 1\.00e\+10 points .*at most 100000/,
    );
  });
});

describe("names that are JavaScript's own words are names like any other (found by the fuzzer)", () => {
  /** A safetensors file written by hand: its header is JSON text, so "__proto__" is an ordinary key. */
  function rawSafetensors(names: string[]): Uint8Array {
    const entries = names.map(
      (n, i) => `${JSON.stringify(n)}:{"dtype":"F32","shape":[2,2],"data_offsets":[${16 * i},${16 * (i + 1)}]}`,
    );
    const json = new TextEncoder().encode(`{${entries.join(",")}}`);
    const out = new Uint8Array(8 + json.length + 16 * names.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    return out;
  }

  it('init sample writes a tensor named "__proto__" into the .safetensors header (it was dropped)', async () => {
    const out = join(dir, "proto.safetensors");
    const { code } = await runCli([
      "init",
      "sample",
      "he_normal",
      "--shape",
      "3,2",
      "--name",
      "__proto__",
      "--out",
      out,
    ]);
    expect(code).toBe(0);
    const b = readFileSync(out);
    const n = Number(b.readBigUInt64LE(0));
    expect(Object.keys(JSON.parse(b.subarray(8, 8 + n).toString("utf8")))).toEqual(["__proto__"]);
  });

  it("the safetensors reader keeps __proto__, constructor and toString as tensor names", () => {
    const names = ["__proto__.weight", "__proto__", "constructor.weight", "toString.weight"];
    const m = safetensorsAuditModel(rawSafetensors(names));
    expect([...m.tensors.keys()].sort()).toEqual([...names].sort());
  });
});

import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectOneLineError, runCli } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "initlab-sweep-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const BIN = resolve(__dirname, "../../bin/initlab.js");

const SPEC = `name: kill <script>alert(1)</script> test
experiment: propagate
grid:
  init: [lecun_normal, "normal(std=0.3)"]
  activation: [tanh, relu, selu]
  seed: [0, 1]
fixed:
  depth: 30
  width: 96
  batch: 32
`;
const specPath = join(root, "spec.yaml");
writeFileSync(specPath, SPEC);

const sortedLines = (dir: string) => readFileSync(join(dir, "results.jsonl"), "utf8").trim().split("\n").sort();

describe("initlab sweep", () => {
  const full = join(root, "full");

  it("runs every point once and writes one JSON line per point", async () => {
    const { code, stdout } = await runCli(["sweep", specPath, "--out", full, "--workers", "2"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/12 points, 0 already done, 12 run now/);
    const lines = sortedLines(full);
    expect(lines).toHaveLength(12);
    const first = JSON.parse(lines[0]);
    expect(Object.keys(first)).toEqual(["point", "result"]);
    expect(first.result.layers).toHaveLength(30);
  }, 60_000);

  it("survives SIGKILL mid-way and a corrupted last line: the rerun has every point once, identical to an uninterrupted run", async () => {
    const out = join(root, "killed");
    const child = spawn(process.execPath, [BIN, "sweep", specPath, "--out", out, "--workers", "1"], {
      stdio: "ignore",
    });
    const results = join(out, "results.jsonl");
    await new Promise<void>((done, fail) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const n = existsSync(results) ? readFileSync(results, "utf8").split("\n").length - 1 : 0;
        if (n >= 3) {
          clearInterval(poll);
          child.kill("SIGKILL");
          child.on("exit", () => done());
        } else if (Date.now() - started > 50_000) {
          clearInterval(poll);
          fail(new Error("sweep did not produce results in time"));
        }
      }, 20);
    });
    const partial = readFileSync(results, "utf8").trim().split("\n").length;
    expect(partial).toBeLessThan(12);
    appendFileSync(results, '{"point":{"init":"lecun_normal","activ'); // a half-written last line
    const { code, stdout } = await runCli(["sweep", specPath, "--out", out, "--workers", "2"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`12 points, ${partial} already done, ${12 - partial} run now`));
    expect(sortedLines(out)).toEqual(sortedLines(full));
  }, 90_000);

  it("two shards partition the grid, and merge of the shards equals the full run", async () => {
    const s1 = join(root, "s1");
    const s2 = join(root, "s2");
    await runCli(["sweep", specPath, "--out", s1, "--shard", "1/2", "--workers", "1"]);
    await runCli(["sweep", specPath, "--out", s2, "--shard", "2/2", "--workers", "1"]);
    const a = sortedLines(s1);
    const b = sortedLines(s2);
    expect(a.length + b.length).toBe(12);
    expect(a.filter((l) => b.includes(l))).toEqual([]);
    const merged = join(root, "merged");
    const { code } = await runCli(["merge", merged, s1, s2]);
    expect(code).toBe(0);
    expect(sortedLines(merged)).toEqual(sortedLines(full));
  }, 90_000);

  it("two runs into one folder at once leave every point exactly once: the second waits for the first", async () => {
    const out = join(root, "twice");
    const run = () =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, [BIN, "sweep", specPath, "--out", out, "--workers", "1"], {
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (code) => done({ code, stderr }));
      });
    const [a, b] = await Promise.all([run(), run()]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stderr + b.stderr).toMatch(/another run is writing into .*twice \(pid \d+ on .*\); waiting for it to end/);
    const lines = sortedLines(out);
    expect(lines).toHaveLength(12);
    expect(new Set(lines).size).toBe(12);
    expect(lines).toEqual(sortedLines(full));
    expect(existsSync(join(out, "run.lock"))).toBe(false);
  }, 120_000);

  it("takes over the lock of a run that died (its pid gone on this machine)", async () => {
    const out = join(root, "abandoned");
    mkdirSync(out);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(
      join(out, "run.lock"),
      JSON.stringify({ pid: dead, host: hostname(), token: "0000", started: "2026-01-01T00:00:00Z" }),
    );
    const { code, stdout, stderr } = await runCli(["sweep", specPath, "--out", out, "--workers", "2"]);
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/waiting/);
    expect(stdout).toMatch(/12 run now/);
  }, 60_000);

  it("merge keeps a point found twice with identical results once, and says so", async () => {
    const a = join(root, "dupA");
    const b = join(root, "dupB");
    for (const d of [a, b]) {
      mkdirSync(d);
      writeFileSync(join(d, "spec.json"), readFileSync(join(full, "spec.json")));
    }
    const lines = readFileSync(join(full, "results.jsonl"), "utf8").trim().split("\n");
    writeFileSync(join(a, "results.jsonl"), `${lines.slice(0, 8).join("\n")}\n${lines[0]}\n`);
    writeFileSync(join(b, "results.jsonl"), `${lines.slice(6).join("\n")}\n`);
    const { code, stdout } = await runCli(["merge", join(root, "dupMerged"), a, b]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/12 points \(3 duplicate lines of identical points dropped\)/);
    expect(sortedLines(join(root, "dupMerged"))).toEqual(sortedLines(full));
  });

  it("report writes report.html (name escaped), charts and CSV", async () => {
    const { code } = await runCli(["report", full]);
    expect(code).toBe(0);
    const html = readFileSync(join(full, "report.html"), "utf8");
    expect(html).toContain("kill &lt;script&gt;alert(1)&lt;/script&gt; test");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html.match(/<svg/g)?.length).toBe(3);
    const csv = readFileSync(join(full, "results.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(13);
    expect(csv[0]).toBe(
      "init,activation,seed,forward verdict,backward verdict,std first,std last,std inf at,std 0 at,‖∂L/∂W‖ first layer,q last / theory",
    );
    // one number a cell beyond the grid's fields and the verdicts: no arrows, no dashes
    for (const line of csv.slice(1)) {
      const cells = line.split(",");
      expect(["stable", "exploding", "vanishing", "saturating"]).toContain(cells[3]);
      for (const c of cells.slice(5)) expect(c === "" || Number.isFinite(Number(c))).toBe(true);
    }
    // every panel's title whole: each varying field on its own line, in the SVG as text
    const std = readFileSync(join(full, "std.svg"), "utf8");
    for (const t of [">init=normal(std=0.3)<", ">activation=selu<", ">seed=1<"]) expect(std).toContain(t);
    for (const id of ["std", "gradients", "theory"])
      expect(
        readFileSync(join(full, `${id}.png`))
          .subarray(1, 4)
          .toString(),
      ).toBe("PNG");
  }, 60_000);

  it("refuses a folder that holds another spec, and bad spec files, with one-line errors", async () => {
    const other = join(root, "other.yaml");
    writeFileSync(other, SPEC.replace("depth: 30", "depth: 31"));
    const r = await runCli(["sweep", other, "--out", full]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/holds results of a different spec/);
    const bad = join(root, "bad.yaml");
    writeFileSync(bad, "name: x\nexperiment: propagate\ngrid:\n  depth: [0]\n");
    const b = await runCli(["sweep", bad, "--out", join(root, "bad")]);
    expect(b.stderr).toMatch(/^initlab: error: grid\.depth\[0\]: depth must be an integer from 1 to 100000$/m);
    expect(b.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("initlab sweep: transformer experiments", () => {
  it("runs a grid of transformer stacks; the report shows the stream beside its theory band, token cosine and gradients", async () => {
    const spec = join(root, "transformer.yaml");
    writeFileSync(
      spec,
      "name: schemes\nexperiment: transformer\ngrid:\n  residualScale: [none, gpt2]\n  dtype: [float64, float32]\nfixed:\n  depth: 4\n  width: 16\n  seq: 6\n  batch: 2\n",
    );
    const out = join(root, "transformer");
    const { code } = await runCli(["sweep", spec, "--out", out, "--workers", "1"]);
    expect(code).toBe(0);
    const lines = sortedLines(out).map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    for (const { point, result } of lines) {
      expect(result.dtype).toBe(point.dtype);
      expect(result.layers).toHaveLength(4);
      for (const b of result.layers) expect(b.stdTheoryLo).toBeLessThanOrEqual(b.stdTheoryHi);
    }
    expect((await runCli(["report", out])).code).toBe(0);
    for (const id of ["stream", "rank-collapse", "gradients"]) expect(existsSync(join(out, `${id}.svg`))).toBe(true);
    const csv = readFileSync(join(out, "results.csv"), "utf8").split("\n");
    expect(csv[0]).toBe(
      "residualScale,dtype,std first,std last,theory last (lo–hi),token cos last,‖∂L/∂W‖ last / first,theory (lo–hi)",
    );
  }, 60_000);

  it("sweeps decoders (crossAttention) beside encoders: post-LN decoders' gradient ratio grows past the encoders'", async () => {
    const spec = join(root, "decoder.yaml");
    writeFileSync(
      spec,
      "name: decoders\nexperiment: transformer\ngrid:\n  crossAttention: [false, true]\nfixed:\n  depth: 8\n  width: 32\n  seq: 8\n  memorySeq: null\n  normPosition: post\n  init: lecun_normal\n  batch: 2\n",
    );
    const out = join(root, "decoder");
    expect((await runCli(["sweep", spec, "--out", out, "--workers", "1"])).code).toBe(0);
    const ratio = (r: { result: { layers: { gradWeightNorm: number }[] } }) =>
      r.result.layers[7].gradWeightNorm / r.result.layers[0].gradWeightNorm;
    const lines = sortedLines(out).map((l) => JSON.parse(l));
    const enc = lines.find((l) => !l.point.crossAttention);
    const dec = lines.find((l) => l.point.crossAttention);
    expect(ratio(dec)).toBeGreaterThan(2 * ratio(enc));
    expect(dec.result.gradRatioTheory.max).toBeGreaterThan(ratio(dec));
    const bad = join(root, "decoder-bad.yaml");
    writeFileSync(bad, "name: bad\nexperiment: transformer\nfixed:\n  depth: 2\n  width: 16\n  encoderDepth: 3\n");
    const b = await runCli(["sweep", bad, "--out", join(root, "decoder-bad")]);
    expect(b.stderr).toMatch(/crossAttention: memorySeq and encoderDepth size the encoder of crossAttention: true/);
  }, 60_000);

  it("refuses a dense field in a transformer sweep, naming the transformer's fields", async () => {
    const spec = join(root, "transformer-bad.yaml");
    writeFileSync(spec, "name: bad\nexperiment: transformer\nfixed:\n  depth: 2\n  width: 16\n  widths: [3]\n");
    await expectOneLineError(
      ["sweep", spec, "--out", join(root, "bad-t")],
      /fixed\.widths: unknown field for a transformer experiment \(allowed: depth, width, heads, seq/,
    );
  });
});

describe("initlab train", () => {
  it("--json follows the contract: history from epoch 0 with losses, accuracies and per-layer gradient norms", async () => {
    const { code, stdout } = await runCli([
      "train",
      "--dataset",
      "spirals",
      "--train-size",
      "300",
      "--depth",
      "2",
      "--width",
      "16",
      "--activation",
      "tanh",
      "--init",
      "lecun_normal",
      "--optimizer",
      "adam",
      "--lr",
      "0.02",
      "--epochs",
      "3",
      "--json",
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.history).toHaveLength(4);
    expect(doc.history[0].epoch).toBe(0);
    for (const k of ["trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "gradNorms"])
      expect(doc.history[0]).toHaveProperty(k);
    expect(doc.history[0].gradNorms).toHaveLength(3);
    expect(doc.history[3].trainLoss).toBeLessThan(doc.history[0].trainLoss);
  });

  it("is deterministic for a seed", async () => {
    const args = [
      "train",
      "--dataset",
      "teacher",
      "--train-size",
      "200",
      "--depth",
      "2",
      "--width",
      "8",
      "--epochs",
      "2",
      "--json",
      "--seed",
      "0",
    ];
    expect((await runCli(args)).stdout).toBe((await runCli(args)).stdout);
  });

  it.each([
    [["train", "--dataset", "cifar"], /Allowed choices are mnist, spirals, teacher/],
    [["train", "--lr", "-1"], /lr must be a number > 0/],
    [["train", "--init", "bogus"], /init: unknown initializer "bogus"/],
  ])("%j → one-line error", expectOneLineError);
});

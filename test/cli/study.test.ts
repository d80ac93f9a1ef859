import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

describe("initlab study", () => {
  it("prints the notebook's rows, the variance-law sentences and one line per experiment", async () => {
    const { code, stdout } = await runCli(["study", "--seed", "0", "--epochs", "2"]);
    expect(code).toBe(0);
    expect(stdout).toContain("dtype float32");
    expect(stdout).toMatch(/^\(0, -?[\d.e+-]+, [\d.e+-]+\)$/m);
    expect(stdout).toMatch(/^\(13, -?[\d.e+-]+, inf\)$/m);
    expect(stdout).toMatch(/^\(3[12], -?[\d.e+-]+, 0\.0\)$/m);
    expect(stdout).toMatch(/^The mean is -?[\d.e-]+, and the standard deviation is [\d.]+$/m);
    expect(stdout).toContain("std becomes inf at layer 13");
    expect(stdout.match(/^→ /gm)?.length).toBe(7);
  });

  it("--json prints one document with the contract's names and non-finite numbers as strings", async () => {
    const { code, stdout } = await runCli(["study", "--seed", "1", "--json", "--epochs", "3"]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.seed).toBe(1);
    expect(doc.dtype).toBe("float32");
    expect(doc.exploding.stoppedAt).toBe(13);
    expect(doc.exploding.reason).toBe("std-non-finite");
    expect(doc.exploding.layers.at(-1)).toEqual({ index: 13, mean: expect.any(Number), std: "Infinity" });
    expect(doc.vanishing.reason).toBe("std-zero");
    expect([31, 32]).toContain(doc.vanishing.stoppedAt);
    expect(doc.varianceLaw.fanIn).toBe(625);
    expect(Object.keys(doc.varianceLaw.unscaled)).toEqual(expect.arrayContaining(["mean", "std"]));
    expect(doc.xavierForward.layers).toHaveLength(100);
    expect(Object.keys(doc.xavierForward.layers[0]).sort()).toEqual(["index", "mean", "std"]);
    for (const key of ["lecun", "xavier"]) {
      expect(doc.gradients[key].epochs).toBe(3);
      expect(doc.gradients[key].meanGradient).toHaveLength(3);
      expect(doc.gradients[key].meanGradient[0]).toHaveLength(5);
      expect(doc.gradients[key].loss).toHaveLength(3);
    }
  });

  it("--seed abc fails with a one-line error and exit code 2, without a stack trace", async () => {
    const { code, stdout, stderr } = await runCli(["study", "--seed", "abc"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(
      /^initlab: error: option '--seed <n>' argument 'abc' is invalid\. seed must be an integer from 0 to/,
    );
    expect(stderr).not.toMatch(/\bat .*\(/);
  });

  it.each([
    [["study", "--frobnicate"]],
    [["study", "--dtype", "int8"]],
    [["study", "--seed", "-1"]],
    [["nosuchcommand"]],
  ])("rejects %j with a one-line error", async (args) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^initlab: error: /);
  });

  it("shows progress on stderr once a step runs for more than a second", async () => {
    const { stderr } = await runCli(["study", "--epochs", "30"]);
    expect(stderr).toMatch(/^initlab: (exploding|vanishing|xavierForward|lecun|xavier) \d+\/\d+ \(\d+%\)$/m);
  });

  describe("--out DIR", () => {
    const dir = mkdtempSync(join(tmpdir(), "initlab-study-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("writes index.html with inline SVG charts and PNG copies beside them", async () => {
      const { code, stderr } = await runCli(["study", "--epochs", "5", "--out", dir]);
      expect(code).toBe(0);
      expect(stderr).toContain("wrote");
      const html = readFileSync(join(dir, "index.html"), "utf8");
      expect(html.match(/<svg/g)?.length).toBe(5);
      expect(html).toContain("→ inf at layer 13");
      expect(html).toMatch(/exactly 0 at layer 3[12]/);
      for (const id of ["exploding-vanishing", "xavier-forward", "gradients-lecun", "gradients-xavier", "loss"]) {
        const png = readFileSync(join(dir, `${id}.png`));
        expect(png.subarray(1, 4).toString()).toBe("PNG");
        expect(png.length).toBeGreaterThan(10_000);
        expect(existsSync(join(dir, `${id}.svg`))).toBe(true);
      }
    });
  });
});

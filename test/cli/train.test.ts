import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

const small = ["--dataset", "spirals", "--train-size", "300", "--depth", "3", "--width", "16", "--epochs", "2"];

describe("initlab train --compare and --out", () => {
  it("each init trains on the same data and seed: its history is that init's own run", async () => {
    const specs = ["he_normal", "normal(mean=0,std=0.01)"];
    const { code, stdout } = await runCli(["train", ...small, "--compare", specs.join(","), "--json"]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.settings.init).toBeUndefined();
    expect(doc.compare.map((c: { init: string }) => c.init)).toEqual(specs);
    for (const [i, init] of specs.entries()) {
      const one = JSON.parse((await runCli(["train", ...small, "--init", init, "--json"])).stdout);
      expect(doc.compare[i].history).toEqual(one.history);
    }
  });

  it("--out charts name every line: each init in the colour legend, train solid and test dashed in the split legend", async () => {
    const dir = mkdtempSync(join(tmpdir(), "initlab-train-"));
    try {
      const { code, stdout } = await runCli(["train", ...small, "--compare", "he_normal,glorot_uniform", "--out", dir]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^he_normal: test accuracy \S+ → \S+, train loss \S+ → \S+$/m);
      for (const chart of ["loss", "accuracy", "gradients"]) {
        const svg = readFileSync(join(dir, `${chart}.svg`), "utf8");
        for (const name of ["he_normal", "glorot_uniform"]) expect(svg).toContain(`>${name}<`);
      }
      const loss = readFileSync(join(dir, "loss.svg"), "utf8");
      for (const label of [">split<", ">train<", ">test<"]) expect(loss).toContain(label);
      // the loss axis starts at 0: a flat curve is drawn flat
      expect(loss).toMatch(/>0\.0<\/text>/);
      expect(readFileSync(join(dir, "index.html"), "utf8")).toContain("Train solid, test dashed");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

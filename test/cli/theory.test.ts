import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectOneLineError, runCli } from "./helpers.js";

describe("initlab theory", () => {
  it("--json follows the contract, ξ as the string Infinity at criticality", async () => {
    const doc = JSON.parse(
      (await runCli(["theory", "--activation", "relu", "--sigma-w2", "2", "--sigma-b2", "0", "--json"])).stdout,
    );
    expect(doc).toMatchObject({ activation: "relu", sigmaW2: 2, sigmaB2: 0, cStar: 1, xiC: "Infinity" });
    expect(doc.chi1).toBeCloseTo(1, 12);
    // at σ_w² = 2, σ_b² = 0 every q is a fixed point of ReLU's length map: no single q*, no rate ξ_q
    expect(doc).toMatchObject({ qStar: "NaN", xiQ: "NaN", trainableDepth: "Infinity" });
    expect(doc.fixedPoint.kind).toBe("marginal");
  });

  it("critical --json gives σ_w² and q*", async () => {
    const doc = JSON.parse(
      (await runCli(["theory", "critical", "--activation", "tanh", "--sigma-b2", "0.05", "--json"])).stdout,
    );
    expect(Object.keys(doc).sort()).toEqual([
      "activation",
      "fixedPoint",
      "kind",
      "qStar",
      "sentence",
      "sigmaB2",
      "sigmaW2",
    ]);
    expect(doc.kind).toBe("critical");
    expect(doc.sigmaW2).toBeCloseTo(1.7609546, 6);
  });

  it("jacobian --json gives eigVariance, mu1, mu2", async () => {
    const doc = JSON.parse(
      (
        await runCli([
          "theory",
          "jacobian",
          "--activation",
          "linear",
          "--weights",
          "gaussian",
          "--depth",
          "5",
          "--sigma-w2",
          "1",
          "--json",
        ])
      ).stdout,
    );
    expect(doc.eigVariance).toBeCloseTo(5, 12);
    // linear: φ' = 1, so the moments of σ_w²φ'² are μ₁ = μ₂ = 1 (Pennington et al. 2017)
    expect(doc.mu1).toBeCloseTo(1, 12);
    expect(doc.mu2).toBeCloseTo(1, 12);
  });

  it("phase writes the heatmap with the critical line as SVG and PNG", async () => {
    const dir = mkdtempSync(join(tmpdir(), "initlab-phase-"));
    try {
      const { code, stdout } = await runCli(["theory", "phase", "--activation", "relu", "--grid", "6", "--out", dir]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/critical line: σ_b² 0\.000 → σ_w² 2(\.0+)?;/);
      expect(readFileSync(join(dir, "phase.svg"), "utf8")).toContain("χ₁ = 1 (critical)");
      expect(readFileSync(join(dir, "phase.png")).subarray(1, 4).toString()).toBe("PNG");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [["theory", "--activation", "tanh", "--sigma-w2", "-1"], /sigma-w2 must be a finite number >= 0/],
    [["theory", "--activation", "swishy", "--sigma-w2", "1"], /activation: unknown "swishy"/],
    [["theory", "--activation", "tanh"], /sigma-w2: required/],
    [
      ["theory", "jacobian", "--activation", "tanh", "--weights", "uniform", "--depth", "3", "--sigma-w2", "1"],
      /Allowed choices are orthogonal, gaussian/,
    ],
  ])("%j → one-line error", expectOneLineError);
});

describe("propagate prints theory beside the measurement", () => {
  it("has a theory block with q per layer, and c per layer with --correlation", async () => {
    const doc = JSON.parse(
      (await runCli(["propagate", "--depth", "4", "--width", "64", "--batch", "4", "--correlation", "0.3", "--json"]))
        .stdout,
    );
    expect(doc.theory.q).toHaveLength(4);
    expect(doc.theory.c).toHaveLength(4);
    expect(doc.theory.sigmaW2[0]).toBeCloseTo(1, 12); // lecun_normal: fan_in·Var(w) = 1
    const table = (await runCli(["propagate", "--depth", "4", "--width", "64", "--batch", "4"])).stdout;
    expect(table).toMatch(/q = E\[pre²\]\s+q theory/);
  });
});

describe("propagate --out", () => {
  it("writes the signal, q-vs-theory and gradient charts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "initlab-prop-"));
    try {
      const { code } = await runCli([
        "propagate",
        "--depth",
        "5",
        "--width",
        "32",
        "--batch",
        "4",
        "--backward",
        "--out",
        dir,
      ]);
      expect(code).toBe(0);
      const html = readFileSync(join(dir, "index.html"), "utf8");
      expect(html).toContain("q theory (mean field)");
      for (const id of ["signal", "q-theory", "gradients"])
        expect(readFileSync(join(dir, `${id}.png`)).length).toBeGreaterThan(5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

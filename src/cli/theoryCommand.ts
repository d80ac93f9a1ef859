import { Command, InvalidArgumentError, Option } from "commander";
import type { MeanFieldSummary } from "../core/internal.js";
import {
  criticalSigmaW2,
  jacobianSpectrumTheory,
  linspace,
  meanField,
  parseActivation,
  phaseDiagram,
  toJson,
} from "../core/internal.js";
import { positiveIntArg } from "./argParsers.js";
import type { CliIo } from "./io.js";
import { progressReporter } from "./progressReporter.js";

function variance(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${name} must be a finite number >= 0.`);
    return n;
  };
}

function activationArg(v: string): string {
  try {
    parseActivation(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return v;
}

const g = (x: number) =>
  Number.isNaN(x) ? "nan" : x === Infinity ? "inf" : Number.isInteger(x) ? String(x) : x.toPrecision(8);

function summaryLines(s: MeanFieldSummary): string[] {
  const phase = !Number.isFinite(s.chi1)
    ? "—"
    : Math.abs(s.chi1 - 1) < 1e-9
      ? "critical (edge of chaos)"
      : s.chi1 > 1
        ? "chaotic"
        : "ordered";
  const at =
    s.fixedPoint.kind === "finite"
      ? "√q* z"
      : s.fixedPoint.kind === "vanishes"
        ? "√q z, q → 0⁺"
        : s.fixedPoint.kind === "grows"
          ? "√q z, q → ∞"
          : "√q z, any q";
  return [
    `mean-field theory: ${s.activation}, σ_w² = ${s.sigmaW2}, σ_b² = ${s.sigmaB2}`,
    `q*  = ${s.fixedPoint.kind === "marginal" ? "every q" : g(s.qStar)}   (fixed point of q ← σ_w²·E[φ(√q z)²] + σ_b²: ${s.fixedPoint.sentence})`,
    `χ₁  = ${g(s.chi1)}   (σ_w²·E[φ'(${at})²]: ${phase})`,
    `c*  = ${g(s.cStar)}`,
    `ξ_q = ${g(s.xiQ)}   ξ_c = ${g(s.xiC)}   trainable depth ≈ 6ξ_c = ${g(s.trainableDepth)}`,
  ];
}

/** `initlab theory …`: mean-field predictions (Poole 2016, Schoenholz 2017, Pennington 2017). */
export function theoryCommand(io: CliIo): Command {
  const theory = new Command("theory")
    .description("mean-field theory: q*, χ₁, c*, depth scales; critical σ_w²; Jacobian spectrum; phase diagram")
    .option("--activation <spec>", "activation (required)", activationArg)
    .option("--sigma-w2 <x>", "σ_w² = fan_in·Var(w) (required)", variance("sigma-w2"))
    .option("--sigma-b2 <y>", "σ_b² = Var(b)", variance("sigma-b2"), 0)
    .option("--json", "print one JSON document")
    .action((flags: { activation?: string; sigmaW2?: number; sigmaB2: number; json?: boolean }) => {
      if (flags.activation === undefined) throw new Error("activation: required, e.g. --activation tanh");
      if (flags.sigmaW2 === undefined) throw new Error("sigma-w2: required, e.g. --sigma-w2 1.76");
      const s = meanField({
        activation: parseActivation(flags.activation),
        sigmaW2: flags.sigmaW2,
        sigmaB2: flags.sigmaB2,
      });
      if (flags.json) {
        const { trainableDepth: _t, ...contract } = s;
        return io.stdout(`${toJson({ ...contract, trainableDepth: s.trainableDepth })}\n`);
      }
      io.stdout(`${summaryLines(s).join("\n")}\n`);
    });
  // options after a subcommand's name belong to the subcommand
  theory.enablePositionalOptions();

  theory.addCommand(criticalCommand(io));
  theory.addCommand(jacobianCommand(io));
  theory.addCommand(phaseCommand(io));
  return theory;
}

/** `initlab theory critical`: the critical σ_w² (χ₁ = 1) for a σ_b², or why there is none. */
function criticalCommand(io: CliIo): Command {
  return new Command("critical")
    .description("the critical σ_w² (χ₁ = 1) for a given σ_b²")
    .requiredOption("--activation <spec>", "activation", activationArg)
    .option("--sigma-b2 <y>", "σ_b²", variance("sigma-b2"), 0)
    .option("--json", "print JSON")
    .action((flags: { activation: string; sigmaB2: number; json?: boolean }) => {
      const act = parseActivation(flags.activation);
      const c = criticalSigmaW2(act, flags.sigmaB2);
      if (flags.json)
        return io.stdout(
          `${toJson({ activation: act.name, sigmaB2: flags.sigmaB2, sigmaW2: c.sigmaW2, qStar: c.qStar, kind: c.kind, fixedPoint: c.fixedPoint, sentence: c.sentence })}\n`,
        );
      if (c.kind === "jump") return io.stdout(`${act.name} at σ_b² = ${flags.sigmaB2}: ${c.sentence}\n`);
      io.stdout(
        `critical σ_w² for ${act.name} at σ_b² = ${flags.sigmaB2}: ${g(c.sigmaW2)} (q* = ${g(c.qStar)}: ${c.sentence})\n`,
      );
    });
}

/** `initlab theory jacobian`: the variance of the Jacobian's squared singular values (Pennington et al. 2017). */
function jacobianCommand(io: CliIo): Command {
  return new Command("jacobian")
    .description("Pennington et al. (2017): variance of the Jacobian's squared singular values")
    .requiredOption("--activation <spec>", "activation", activationArg)
    .addOption(
      new Option("--weights <kind>", "weight ensemble").choices(["orthogonal", "gaussian"]).makeOptionMandatory(),
    )
    .requiredOption("--depth <L>", "depth", positiveIntArg("depth", 1e7))
    .requiredOption("--sigma-w2 <x>", "σ_w²", variance("sigma-w2"))
    .option("--sigma-b2 <y>", "σ_b²", variance("sigma-b2"), 0)
    .option("--json", "print JSON")
    .action(
      (flags: {
        activation: string;
        weights: "orthogonal" | "gaussian";
        depth: number;
        sigmaW2: number;
        sigmaB2: number;
        json?: boolean;
      }) => {
        const act = parseActivation(flags.activation);
        const r = jacobianSpectrumTheory(
          { activation: act, sigmaW2: flags.sigmaW2, sigmaB2: flags.sigmaB2 },
          flags.weights,
          flags.depth,
        );
        if (flags.json)
          return io.stdout(`${toJson({ eigVariance: r.eigVariance, mu1: r.mu1, mu2: r.mu2, qStar: r.qStar })}\n`);
        io.stdout(
          `σ²(JJᵀ) = L·(μ₂/μ₁² − 1 − s₁) = ${g(r.eigVariance)}   (μ₁ = ${g(r.mu1)}, μ₂ = ${g(r.mu2)}, q* = ${g(r.qStar)}, ${flags.weights} weights, L = ${flags.depth})\n`,
        );
      },
    );
}

/** `initlab theory phase`: the order/chaos phase diagram as SVG, PNG and JSON. */
function phaseCommand(io: CliIo): Command {
  return new Command("phase")
    .description("the order/chaos phase diagram: ξ_c over (σ_w², σ_b²) with the critical line, as SVG/PNG")
    .requiredOption("--activation <spec>", "activation", activationArg)
    .option("--out <dir>", "folder for phase.svg, phase.png and phase.json", "reports/theory")
    .option(
      "--grid <n>",
      "grid points along σ_w² (σ_b² gets half as many: 24 → a 24×12 grid)",
      positiveIntArg("grid", 200),
      24,
    )
    .option("--json", "print the grid as JSON")
    .action(async (flags: { activation: string; out: string; grid: number; json?: boolean }) => {
      const act = parseActivation(flags.activation);
      const progress = progressReporter(io);
      const d = phaseDiagram(
        act,
        linspace(0.5, 4, flags.grid),
        linspace(0, 0.3, Math.max(2, Math.round(flags.grid / 2))),
        progress.listener,
      );
      progress.done();
      if (flags.json) return io.stdout(`${toJson(d)}\n`);
      const [{ mkdirSync, writeFileSync }, { join }, { renderSvg, svgToPng }, { phaseChart }] = await Promise.all([
        import("node:fs"),
        import("node:path"),
        import("../report/renderChart.js"),
        import("../charts/phaseChart.js"),
      ]);
      mkdirSync(flags.out, { recursive: true });
      const svg = await renderSvg(phaseChart(d));
      writeFileSync(join(flags.out, "phase.svg"), svg);
      writeFileSync(join(flags.out, "phase.png"), svgToPng(svg));
      writeFileSync(join(flags.out, "phase.json"), toJson(d));
      io.stdout(
        `critical line: ${d.critical.map((c) => `σ_b² ${c.sigmaB2.toFixed(3)} → σ_w² ${g(c.sigmaW2)}`).join("; ")}\n`,
      );
      io.stderr(`initlab: wrote ${join(flags.out, "phase.svg")}, phase.png, phase.json\n`);
    });
}

import type { NamedChart } from "../charts/studyCharts.js";
import { lineChart, logSignalChart } from "../charts/lineCharts.js";
import { splitDataset, toJson } from "../core/internal.js";
import type { BandPoint } from "../core/internal.js";
import { bandChart } from "../charts/bandChart.js";
import { transformerStudy } from "../experiment/transformerStudy.js";
import { he2015, schoenholz2017, selu2017 } from "../experiment/studies.js";
import { loadMnist } from "../adapters/data/mnist.js";
import type { ProgressListener } from "../core/internal.js";
import type { CliIo } from "./io.js";
import { progressReporter } from "./progressReporter.js";

const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

interface StudyOutput {
  doc: unknown;
  text: string[];
  charts: NamedChart[];
}

/** He et al. (2015) on MNIST: He against Glorot for a 30-layer ReLU MLP. */
async function he2015Output(o: { seed: number; epochs?: number }, onProgress: ProgressListener): Promise<StudyOutput> {
  const m = loadMnist();
  const dataset = splitDataset("mnist", m.x, m.y, m.inputDim, m.classes, 2000, 1000, o.seed);
  const r = await he2015({ dataset, epochs: o.epochs, seed: o.seed, onProgress });
  const s = r.settings;
  const text = [
    `he2015 — He et al. (2015): a ${s.depth}-layer plain ReLU MLP (width ${s.width}) on MNIST (${s.trainSize} training digits, 1000 test), SGD lr ${s.lr}, batch ${s.batchSize}, ${s.epochs} epochs, seed ${s.seed}`,
    ...r.runs.map((run) => {
      const h = run.history;
      return `${run.init.padEnd(14)} train loss ${h.map((e) => f(e.trainLoss)).join(" → ")}; test accuracy ${f(h[0].testAccuracy)} → ${f(h[h.length - 1].testAccuracy)}; ‖∂L/∂W₁‖ at start ${h[0].gradNorms[0].toExponential(2)}`;
    }),
    `→ He's Var = 2/fan_in keeps the ReLU signal's second moment, so the loss falls from ${f(r.runs[0].history[0].trainLoss)} to ${f(r.runs[0].history.at(-1)!.trainLoss)}; Glorot's 1/n halves it every layer (2⁻³⁰ after 30), the first layers get gradients of ~${r.runs[1].history[0].gradNorms[0].toExponential(0)}, and the loss stays at ${f(r.runs[1].history.at(-1)!.trainLoss)} ≈ ln 10 = 2.303.`,
  ];
  const charts: NamedChart[] = [
    {
      id: "he2015-loss",
      caption: "Training loss per epoch (0 = before training).",
      spec: lineChart(
        "he2015: training loss, 30-layer ReLU on MNIST",
        "epoch",
        "train loss",
        r.runs.map((run) => ({ name: run.init, values: run.history.map((h) => h.trainLoss) })),
      ),
    },
    {
      id: "he2015-gradients",
      caption: "‖∂L/∂W‖ per layer before training.",
      spec: logSignalChart(
        "he2015: gradient norm per layer at init",
        "‖∂L/∂W‖ (log)",
        r.runs.map((run) => ({ name: run.init, values: run.history[0].gradNorms })),
      ),
    },
  ];
  return { doc: r, text, charts };
}

/** Schoenholz et al. (2017): trainable depth against σ_w² for tanh. */
async function schoenholzOutput(
  o: { seed: number; epochs?: number },
  onProgress: ProgressListener,
): Promise<StudyOutput> {
  const r = await schoenholz2017({ seed: o.seed, epochs: o.epochs, onProgress });
  const ws = r.settings.sigmaW2;
  const text = [
    `schoenholz2017 — Schoenholz et al. (2017): tanh, σ_b² = 0.05, width ${r.settings.width}, teacher task, short SGD runs; trained = test accuracy ≥ 0.5 (chance 0.25)`,
    "σ_w²    6ξ_c      " + r.settings.depths.map((d) => `L=${d}`.padEnd(12)).join(""),
    ...ws.map((w) => {
      const row = r.cells.filter((c) => c.sigmaW2 === w);
      return `${String(w).padEnd(7)} ${f(6 * row[0].xiC, 1).padEnd(9)} ${row.map((c) => `${f(c.testAccuracy, 2)} ${c.trained ? "✓" : "✗"}`.padEnd(12)).join("")}`;
    }),
    `→ deepest trained net per σ_w²: ${ws.map((w) => `${w}: ${Math.max(0, ...r.cells.filter((c) => c.sigmaW2 === w && c.trained).map((c) => c.depth))}`).join(", ")}; the critical σ_w² = 1.76 (ξ_c → ∞) trains deepest. Cells where "trained" matches depth ≤ 6ξ_c: ${(100 * r.agreement).toFixed(0)}% — with this short budget deep nets also stall for lack of steps, so the trend (deepest at criticality, shallowest deep in chaos) is the claim shown, not the exact boundary.`,
  ];
  const charts: NamedChart[] = [
    {
      id: "schoenholz2017",
      caption: "Test accuracy against depth for each σ_w² (chance = 0.25).",
      spec: lineChart(
        "schoenholz2017: test accuracy vs depth (tanh)",
        "depth index",
        "test accuracy",
        ws.map((w) => ({
          name: `σ_w² = ${w} (6ξ_c = ${f(6 * r.cells.find((c) => c.sigmaW2 === w)!.xiC, 0)})`,
          values: r.cells.filter((c) => c.sigmaW2 === w).map((c) => c.testAccuracy),
        })),
      ),
    },
  ];
  return { doc: r, text, charts };
}

/** Klambauer et al. (2017): SELU's self-normalisation against ReLU and tanh. */
async function seluOutput(o: { seed: number }): Promise<StudyOutput> {
  const r = await selu2017({ seed: o.seed });
  const text = [
    `selu2017 — Klambauer et al. (2017): ${r.settings.depth} layers of width ${r.settings.width}, batch ${r.settings.batch}, float32; theory for SELU at σ_w² = 1: q* = ${f(r.theory.qStar, 6)}, χ₁ = ${f(r.theory.chi1, 4)}`,
    ...r.runs.map(
      (run) =>
        `${`${run.activation} + ${run.init}`.padEnd(22)} mean ${f(run.mean[0])} → ${f(run.mean.at(-1)!)}; variance ${run.variance[0].toPrecision(3)} → ${run.variance.at(-1)!.toPrecision(3)}`,
    ),
    "→ SELU with LeCun-normal weights holds mean 0 and variance 1 through depth (its fixed point); ReLU with Glorot halves the variance per layer; tanh with Glorot lets it fade.",
  ];
  const charts: NamedChart[] = [
    {
      id: "selu2017",
      caption: "Post-activation variance per layer.",
      spec: logSignalChart(
        "selu2017: variance per layer",
        "variance (log)",
        r.runs.map((run) => ({ name: `${run.activation} + ${run.init}`, values: run.variance })),
      ),
    },
  ];
  return { doc: r, text, charts };
}

const band = (b: BandPoint, d = 3) => `${f(b.mean, d)} (seeds ${f(b.min, d)}–${f(b.max, d)})`;

/** What the measured gradient ratios say about Xiong et al.'s profile, from the numbers (not assumed). */
function gradientVerdict(r: ReturnType<typeof transformerStudy>): string {
  const series = (pick: (g: (typeof r.gradientRatio)[number]) => BandPoint) => r.gradientRatio.map((g) => pick(g).mean);
  const grows = (xs: number[]) => xs.every((v, i) => i === 0 || v > xs[i - 1]);
  const list = (xs: number[], sep: string) => xs.map((v) => f(v, 3)).join(sep);
  const inTheory = (key: "preLN" | "postLNDecoder" | "preLNDecoder") =>
    r.gradientRatio.every((g) => g[key].mean >= g.theory[key].min && g[key].mean <= g.theory[key].max);
  const postDec = series((g) => g.postLNDecoder);
  const preDec = series((g) => g.preLNDecoder);
  const post = series((g) => g.postLN);
  const pre = series((g) => g.preLN);
  const nearOne = (xs: number[]) => xs.every((v) => v > 1 / 3 && v < 3);
  const encOfDec = series((g) => g.postLNDecoderEncoder);
  return [
    grows(postDec) && postDec[0] > 1
      ? `→ post-LN decoder: the last/first ratio grows with depth (${list(postDec, " → ")}), the gradients largest near the output, as Xiong et al. (2020) report${inTheory("postLNDecoder") ? "; inside the theory's range at every depth" : ""}. Cross-attention's values come from the memory, so its post-norm divides the gradient by √(1 + C) a block and nothing gives it back (Liu et al. 2020). The same models' encoders ${nearOne(encOfDec) ? "keep theirs within a factor 3 of 1" : "do not keep theirs near 1"} (${list(encOfDec, ", ")}): the vanishing is the decoder's.`
      : `→ post-LN decoder: the last/first ratio does not grow with depth here (${list(postDec, ", ")}).`,
    `→ pre-LN decoder with a final norm: the ratio ${nearOne(preDec) ? "stays within a factor 3 of 1" : "leaves [1/3, 3]"} (${list(preDec, ", ")})${inTheory("preLNDecoder") ? ", inside the theory's range" : ""}; it falls slowly because the gradient goes as 1/σ of the growing stream.`,
    grows(post)
      ? `→ post-LN encoder: the ratio grows with depth (${list(post, " → ")}).`
      : `→ post-LN encoder (no cross-attention): the ratio does not grow with depth (${list(post, ", ")}): self-attention and the MLP pass the gradient back with about the gain they have forward, so each post-norm's division is undone; the theory says the same (≈ 1 at every depth).`,
    `→ pre-LN encoder with a final norm: the ratio falls with depth (${list(pre, " → ")})${inTheory("preLN") ? ", inside the theory's range at every depth" : ""}: the lowest blocks get the largest gradients.`,
  ].join("\n");
}

/** The transformer study: rank collapse, the residual stream's growth and its fixes, gradient profiles; over seeds. */
function transformerOutput(o: { seed: number }, onProgress: ProgressListener): StudyOutput {
  const seeds = Array.from({ length: 5 }, (_, i) => o.seed + i);
  const r = transformerStudy({ seeds, onSeed: (done, total) => onProgress({ step: "seeds", done, total }) });
  const s = r.settings;
  const last = <T>(xs: readonly T[]) => xs[xs.length - 1];
  const text = [
    `transformer — blocks of width ${s.width}, ${s.heads} heads, ${s.seq} tokens, batch ${s.batch}, ${s.init} weights, GELU MLP ×4, float64; mean (range) over seeds ${seeds[0]}–${last(seeds)}`,
    `rank collapse: pure attention (no residual, no MLP, no norm) — token cosine after block 12 ${band(last(r.rankCollapse.pure), 4)}; with residual connections (pre-LN) ${band(last(r.rankCollapse.residual))}`,
    `pre-LN residual stream: std ${band(r.stream.preLN[11])} after 12 blocks, ${band(last(r.stream.preLN))} after 48: ratio ${band(r.preLNGrowth)} (the √L law: 2; mean-field theory with the tokens held at either edge: ${f(r.theory.preLNGrowth.lo, 3)} independent, ${f(r.theory.preLNGrowth.hi, 3)} collapsed${r.preLNGrowth.mean > Math.max(r.theory.preLNGrowth.lo, r.theory.preLNGrowth.hi) ? "; measured is larger because the tokens move from the independent edge toward the collapsed one as depth grows" : ""})`,
    `  theory after 48 blocks: std ${f(r.theory.preLN.lo[47], 3)}–${f(r.theory.preLN.hi[47], 3)} (pre-LN), ${f(r.theory.gpt2At48.lo[47], 3)}–${f(r.theory.gpt2At48.hi[47], 3)} (GPT-2 scaling)`,
    `GPT-2's 1/√(2L) on the output projections: std ${band(last(r.stream.gpt2At12))} after 12 blocks, ${band(last(r.stream.gpt2At48))} after 48 (input 1)`,
    `post-LN: std ${band(last(r.stream.postLN), 4)} after 48 blocks (held at 1 by the norm)`,
    `‖∂L/∂W‖ of the last block / the first (L = Σ out ⊙ T, a random readout; theory: the mean-field backward recursion's range):`,
    ...r.gradientRatio.map((g) => {
      const th = (k: keyof typeof g.theory) => `theory ${f(g.theory[k].min, 3)}–${f(g.theory[k].max, 3)}`;
      return [
        `  ${g.depth} blocks, decoder (cross-attention over an encoder of ${g.depth} blocks): post-LN ${band(g.postLNDecoder)} (${th("postLNDecoder")}), its encoder ${band(g.postLNDecoderEncoder)}; pre-LN + final norm ${band(g.preLNDecoder)} (${th("preLNDecoder")})`,
        `  ${g.depth} blocks, encoder: post-LN ${band(g.postLN)} (${th("postLN")}); pre-LN + final norm ${band(g.preLN)} (${th("preLN")})`,
      ].join("\n");
    }),
    gradientVerdict(r),
  ];
  const charts: NamedChart[] = [
    {
      id: "transformer-rank-collapse",
      caption:
        "Mean pairwise cosine of the token vectors after each block: pure attention collapses the tokens to one direction; residual connections keep them apart.",
      spec: bandChart(
        "Rank collapse: token cosine per block",
        "token cosine (log)",
        [
          { name: "pure attention", band: r.rankCollapse.pure },
          { name: "attention + residual (pre-LN)", band: r.rankCollapse.residual },
        ],
        "block",
      ),
    },
    {
      id: "transformer-stream",
      caption:
        "Std of the residual stream after each block: pre-LN grows like √L, GPT-2's scaling holds it near 1, post-LN's norm holds it at 1.",
      spec: bandChart(
        "Residual stream std per block",
        "std (log)",
        [
          { name: "pre-LN", band: r.stream.preLN },
          { name: "pre-LN, GPT-2 scaling", band: r.stream.gpt2At48 },
          { name: "post-LN", band: r.stream.postLN },
        ],
        "block",
        [
          { name: "theory pre-LN (independent / collapsed tokens)", lo: r.theory.preLN.lo, hi: r.theory.preLN.hi },
          { name: "theory GPT-2", lo: r.theory.gpt2At48.lo, hi: r.theory.gpt2At48.hi },
        ],
      ),
    },
    {
      id: "transformer-gradients",
      caption:
        "Weight-gradient norm of each block over the last block's, 24 blocks: decoders over an encoder's memory and encoder stacks, post-LN and pre-LN with a final norm. The post-LN decoder's gradient falls toward the input (largest near the output).",
      spec: bandChart(
        "‖∂L/∂W‖ per block over the last block's",
        "ratio (log)",
        [
          { name: "post-LN decoder", band: r.gradientProfile.postLNDecoder },
          { name: "pre-LN decoder + final norm", band: r.gradientProfile.preLNDecoder },
          { name: "post-LN encoder", band: r.gradientProfile.postLN },
          { name: "pre-LN encoder + final norm", band: r.gradientProfile.preLN },
        ],
        "block",
      ),
    },
  ];
  return { doc: r, text, charts };
}

/** Runs `initlab study he2015|schoenholz2017|selu2017|transformer`: text (or JSON) and, with an out folder, a report with charts. */
export async function runNamedStudy(
  name: "he2015" | "schoenholz2017" | "selu2017" | "transformer",
  o: { seed: number; epochs?: number; json?: boolean; out?: string },
  io: CliIo,
): Promise<void> {
  const progress = progressReporter(io);
  const out =
    name === "he2015"
      ? await he2015Output(o, progress.listener)
      : name === "schoenholz2017"
        ? await schoenholzOutput(o, progress.listener)
        : name === "transformer"
          ? transformerOutput(o, progress.listener)
          : await seluOutput(o);
  const { doc, text, charts } = out;
  progress.done();
  io.stdout(o.json ? `${toJson(doc)}\n` : `${text.join("\n")}\n`);
  if (o.out) {
    const { writeChartsReport } = await import("../report/writeChartsReport.js");
    const html = await writeChartsReport(o.out, `initlab study ${name}`, text[0], charts, text.join("\n"));
    io.stderr(`initlab: wrote ${html}\n`);
  }
}

import type {
  BandPoint,
  Dtype,
  TransformerBands,
  TransformerLayer,
  TransformerResult,
  TransformerSpec,
} from "../core/internal.js";
import {
  bandPoint,
  checkTransformer,
  DEFAULT_TRANSFORMER,
  formatStat,
  propagateTransformer,
  toJson,
  transformerBands,
} from "../core/internal.js";
import { bandChart } from "../charts/bandChart.js";
import type { NamedChart } from "../charts/studyCharts.js";
import { formatTable } from "../report/table.js";
import type { CliIo } from "./io.js";
import type { PropagateFlags } from "./propagateCommand.js";

/** The flags only `--arch transformer` reads. */
export interface TransformerFlags {
  heads: number;
  seq: number;
  mlpRatio: number;
  normPosition: "pre" | "post";
  residualScale: TransformerSpec["residualScale"];
  causal?: boolean;
  attentionOnly?: boolean;
  finalNorm?: boolean;
  embeddingInit?: string;
  vocab: number;
  crossAttention?: boolean;
  memorySeq?: number;
  encoderDepth?: number;
  readout: "random" | "softmax";
  readoutInit?: string;
}

/** Dense-network flags that a transformer run does not take (yet), named in the refusal. */
const DENSE_ONLY: [keyof PropagateFlags, string][] = [
  ["widths", "--widths"],
  ["conv", "--conv"],
  ["biasInit", "--bias-init"],
  ["correlation", "--correlation"],
  ["lsuv", "--lsuv"],
  ["compare", "--compare"],
];

/**
 * The transformer spec the flags describe. `explicit` says which flags the user gave (the dense
 * defaults — activation tanh, batch 64, dtype float32 — do not carry over: a transformer's MLP
 * defaults to GELU, its batch to 8, and it computes in float64 unless --dtype says otherwise).
 * @throws one-line errors for flags a transformer run does not take.
 */
export function transformerFromFlags(
  flags: PropagateFlags & TransformerFlags,
  explicit: (name: string) => boolean,
): { spec: TransformerSpec; batch: number; dtype: Dtype } {
  for (const [key, flag] of DENSE_ONLY)
    if (flags[key] !== undefined && flags[key] !== false)
      throw new Error(`arch: ${flag} is for dense networks; --arch transformer does not take it yet`);
  if (explicit("rng") && flags.rng !== "initlab")
    throw new Error("rng: --arch transformer draws from initlab's streams only; drop --rng");
  if (explicit("backend") && flags.backend !== "reference")
    throw new Error("backend: --arch transformer runs on the reference engine only");
  if (flags.norm === "batch") throw new Error("norm: a transformer takes layer, rms or none");
  if (flags.readoutInit !== undefined && flags.readout !== "softmax")
    throw new Error("readout-init: sets the unembedding of --readout softmax; add it");
  if (!flags.crossAttention)
    for (const [value, flag] of [
      [flags.memorySeq, "--memory-seq"],
      [flags.encoderDepth, "--encoder-depth"],
    ] as const)
      if (value !== undefined)
        throw new Error(`cross-attention: ${flag} sizes the encoder of --cross-attention; add it`);
  const framework = flags.framework ?? null;
  if (framework !== null && framework !== "torch" && framework !== "keras")
    throw new Error(
      `framework: a transformer takes torch or keras (their attention layers' defaults), got ${framework}`,
    );
  const residual = (flags as { residual?: unknown }).residual;
  if (typeof residual === "number")
    throw new Error(
      "residual: --residual M makes dense residual blocks; a transformer has them (--no-residual drops them)",
    );
  const spec = checkTransformer({
    ...DEFAULT_TRANSFORMER,
    depth: flags.depth,
    width: flags.width,
    heads: flags.heads,
    seq: flags.seq,
    mlpRatio: flags.mlpRatio,
    norm: flags.norm ?? "layer",
    normPosition: flags.normPosition,
    residualScale: flags.residualScale,
    causal: flags.causal ?? false,
    finalNorm: flags.finalNorm ?? false,
    embedding: flags.embeddingInit === undefined ? null : { init: flags.embeddingInit, vocab: flags.vocab },
    attentionOnly: flags.attentionOnly ?? false,
    crossAttention: flags.crossAttention
      ? { memorySeq: flags.memorySeq ?? flags.seq, encoderDepth: flags.encoderDepth ?? flags.depth }
      : null,
    readout: flags.readout === "softmax" ? { vocab: flags.vocab, init: flags.readoutInit ?? flags.init } : null,
    residual: residual !== false,
    init: flags.init,
    framework,
    parameterization: (flags as { parameterization?: "standard" | "mup" }).parameterization ?? "standard",
    activation: explicit("activation") ? flags.activation : DEFAULT_TRANSFORMER.activation,
  });
  return { spec, batch: explicit("batch") ? flags.batch : 8, dtype: explicit("dtype") ? flags.dtype : "float64" };
}

const g = (x: number) => formatStat(x, 3);

/** The run's first line: the stack's shape and configuration. */
function describeStack(spec: TransformerSpec): string {
  const c = spec.crossAttention;
  const kind = c
    ? `decoder blocks over an encoder of ${c.encoderDepth} blocks (${c.memorySeq} memory tokens)`
    : "blocks";
  return `transformer, ${spec.depth} ${kind} × width ${spec.width}, ${spec.heads} heads, ${spec.seq} tokens, ${spec.normPosition}-${spec.norm === "none" ? "no" : spec.norm} norm, residual ${spec.residual ? spec.residualScale : "off"}${spec.attentionOnly ? ", attention only" : `, MLP ×${spec.mlpRatio} ${spec.activation}`}${spec.causal ? ", causal" : ""}${spec.finalNorm ? ", final norm" : ""}; init ${spec.init}`;
}

/** The per-block table: the residual stream, attention, token geometry and (with --backward) gradients. */
export function transformerTable(r: TransformerResult): string {
  const header = ["block", "stream std", "stream rms", "attn entropy", "logit std", "token cos", "eff. rank"];
  const backward = r.layers.some((l) => l.grad);
  const cross = r.layers.some((l) => l.grad?.cross !== undefined);
  if (backward) header.push("‖∂L/∂x‖", "‖∂L/∂W‖ attn", ...(cross ? ["‖∂L/∂W‖ cross"] : []), "‖∂L/∂W‖ mlp");
  const rows = r.layers.map((l) => [
    String(l.index),
    g(l.stream.std),
    g(l.stream.rms),
    g(l.attention.entropy),
    g(l.attention.logitStd),
    g(l.tokenCosine),
    g(l.effectiveRank),
    ...(l.grad
      ? [g(l.grad.stream), g(l.grad.attention), ...(cross ? [g(l.grad.cross ?? NaN)] : []), g(l.grad.mlp)]
      : []),
  ]);
  return formatTable(header, rows);
}

/** `--seeds`: the stack over each seed, as per-block bands (a table of mean [5 %, 95 %], or JSON). */
async function runTransformerSeeds(
  io: CliIo,
  spec: TransformerSpec,
  batch: number,
  dtype: Dtype,
  flags: PropagateFlags,
): Promise<void> {
  const seeds = flags.seeds!;
  const runs = seeds.map((seed) =>
    propagateTransformer(spec, { batch, seed, dtype, backward: flags.backward ?? false }),
  );
  const b = transformerBands(seeds, runs);
  const theory = runs[0].theory;
  const cell = (p: BandPoint) => `${g(p.mean)} [${g(p.lo)}, ${g(p.hi)}]`;
  const header = [
    "block",
    "stream std",
    "token cos",
    "eff. rank",
    "attn entropy",
    ...(b.gradWeights ? ["‖∂L/∂W‖"] : []),
  ];
  const rows = b.streamStd.map((_, i) => [
    String(i),
    cell(b.streamStd[i]),
    cell(b.tokenCosine[i]),
    cell(b.effectiveRank[i]),
    cell(b.entropy[i]),
    ...(b.gradWeights ? [cell(b.gradWeights[i])] : []),
  ]);
  const last = spec.depth - 1;
  const ratio = b.gradWeights
    ? bandPoint(
        0,
        runs.map((r) => r.layers[last].grad!.weights / r.layers[0].grad!.weights),
      )
    : null;
  const lines = [
    `propagate: ${describeStack(spec)}; batch ${batch}; seeds ${seeds.join(",")}: mean [5 %, 95 %] over seeds, dtype ${dtype}`,
    "",
    formatTable(header, rows),
    "",
    ...(ratio ? [`→ weight gradient ‖∂L/∂W‖ of the last block / the first: ${cell(ratio)}`] : []),
    `theory: stream std after block ${last} between ${g(theory.lo[last])} (independent tokens) and ${g(theory.hi[last])} (collapsed tokens); measured ${g(b.streamStd[last].mean)}`,
    ...(ratio && theory.gradRatio
      ? [
          `theory: ‖∂L/∂W‖ last/first from ${g(theory.gradRatio.min)} to ${g(theory.gradRatio.max)}; measured ${cell(ratio)}`,
        ]
      : []),
  ];
  const text = lines.join("\n") + "\n";
  io.stdout(flags.json ? `${toJson({ arch: "transformer", dtype, spec, batch, bands: b, theory })}\n` : text);
  if (flags.out) await writeTransformerReport(io, flags.out, text, b, theory);
}

/** The report's charts: the stream with the theory band, token cosine, and (with --backward) the weight gradients per block. */
function transformerCharts(b: TransformerBands, theory: TransformerResult["theory"]): NamedChart[] {
  const charts: NamedChart[] = [
    {
      id: "transformer-stream",
      caption:
        "Std of the residual stream after each block, with the mean-field band (independent to collapsed tokens).",
      spec: bandChart(
        "Residual stream std per block",
        "std (log)",
        [{ name: "measured", band: b.streamStd }],
        "block",
        [{ name: "theory (independent / collapsed tokens)", lo: theory.lo, hi: theory.hi }],
      ),
    },
    {
      id: "transformer-rank-collapse",
      caption: "Mean pairwise cosine of the token vectors after each block (1: every token the same direction).",
      spec: bandChart(
        "Token cosine per block",
        "token cosine (log)",
        [{ name: "token cosine", band: b.tokenCosine }],
        "block",
      ),
    },
  ];
  if (b.gradWeights)
    charts.push({
      id: "transformer-gradients",
      caption: "‖∂L/∂W‖ of each block's weights (L = Σ out ⊙ T, a fixed random readout).",
      spec: bandChart(
        "Weight gradient per block",
        "‖∂L/∂W‖ (log)",
        [{ name: "‖∂L/∂W‖", band: b.gradWeights }],
        "block",
      ),
    });
  return charts;
}

/** Writes --out's report: the text and the charts, as index.html with SVG/PNG files. */
async function writeTransformerReport(
  io: CliIo,
  dir: string,
  text: string,
  b: TransformerBands,
  theory: TransformerResult["theory"],
): Promise<void> {
  const { writeChartsReport } = await import("../report/writeChartsReport.js");
  const lines = text.trimEnd().split("\n");
  const html = await writeChartsReport(
    dir,
    "initlab propagate --arch transformer",
    lines[0],
    transformerCharts(b, theory),
    text,
  );
  io.stderr(`initlab: wrote ${html}\n`);
}

/** With --backward: the weight-gradient ratio, and what the readout made of the loss. */
function gradientLines(r: TransformerResult): string[] {
  const first = r.layers[0].grad!;
  const last = r.layers[r.layers.length - 1].grad!;
  const read = r.spec.readout;
  const loss = read
    ? `softmax cross-entropy over ${read.vocab} classes (${g(r.loss! / (r.batch * r.spec.seq))} a token; ln ${read.vocab} = ${g(Math.log(read.vocab))} at uniform)`
    : "L = Σ out ⊙ T, a fixed random readout";
  if (read && first.weights === 0 && last.weights === 0)
    return [
      `→ every block's weight gradient is 0: ${r.spec.parameterization === "mup" ? "μP's zero readout W_U = 0" : "the readout"} passes no gradient back at init; ‖∂L/∂W_U‖ = ${g(r.unembeddingGrad!)} (${loss})`,
    ];
  return [
    `→ weight gradient ‖∂L/∂W‖ of the last block / the first: ${g(last.weights / first.weights)} (${loss}${read ? `; ‖∂L/∂W_U‖ ${g(r.unembeddingGrad!)}` : ""})`,
  ];
}

/** With --backward, the encoder's weight gradients (they reach it through the decoder's cross-attention). */
function encoderGradientLine(layers: TransformerLayer[]): string[] {
  const first = layers[0].grad;
  const last = layers[layers.length - 1].grad;
  if (!first || !last) return [];
  return [
    `→ encoder: ‖∂L/∂W‖ of its last block ${g(last.weights)}, its first ${g(first.weights)} (ratio ${g(last.weights / first.weights)}), through the decoder's cross-attention`,
  ];
}

/** The mean-field lines under a run: the stream band at the last block, the gradient ratio, what is left out. */
function theoryLines(r: TransformerResult): string[] {
  const t = r.theory;
  const last = r.layers.length - 1;
  const lines = [
    `theory: stream std after block ${last} between ${g(t.lo[last])} (independent tokens) and ${g(t.hi[last])} (collapsed tokens); measured ${g(r.layers[last].stream.std)}`,
  ];
  // a zero readout leaves every gradient 0, and no ratio to compare
  const grad = r.layers[last].grad && r.layers[0].grad && r.layers[0].grad.weights > 0;
  if (t.gradRatio && grad)
    lines.push(
      `theory: ‖∂L/∂W‖ last/first from ${g(t.gradRatio.min)} to ${g(t.gradRatio.max)} (the mean-field backward recursion); measured ${g(r.layers[last].grad!.weights / r.layers[0].grad!.weights)}`,
    );
  lines.push(`theory: ${t.note}`);
  return lines;
}

/** `initlab propagate --arch transformer`: one run of the stack (or bands over --seeds), as a table or one JSON document. */
export async function runTransformer(
  io: CliIo,
  flags: PropagateFlags & TransformerFlags,
  explicit: (name: string) => boolean,
): Promise<void> {
  const { spec, batch, dtype } = transformerFromFlags(flags, explicit);
  if (flags.seeds) return runTransformerSeeds(io, spec, batch, dtype, flags);
  const r = propagateTransformer(spec, { batch, seed: flags.seed, dtype, backward: flags.backward ?? false });
  const last = r.layers[r.layers.length - 1];
  const first = r.layers[0];
  const text =
    [
      `propagate: ${describeStack(spec)}; batch ${batch}, seed ${flags.seed}, dtype ${r.dtype}`,
      "",
      transformerTable(r),
      "",
      `→ residual stream std ${g(r.input.std)} at the input → ${g(last.stream.std)} after block ${last.index}`,
      ...(r.memory
        ? [
            `→ memory: the encoder's output after ${r.memory.encoderDepth} blocks, std ${g(r.memory.std)}, token cosine ${g(r.memory.tokenCosine)}`,
            ...encoderGradientLine(r.memory.layers),
          ]
        : []),
      `→ token cosine ${g(first.tokenCosine)} after block 0 → ${g(last.tokenCosine)} after block ${last.index}${last.tokenCosine > 0.99 ? ": the tokens have collapsed to one direction (rank collapse)" : ""}`,
      ...(first.grad && last.grad ? gradientLines(r) : []),
      ...theoryLines(r),
    ].join("\n") + "\n";
  io.stdout(flags.json ? `${toJson(r)}\n` : text);
  if (flags.out) await writeTransformerReport(io, flags.out, text, transformerBands([flags.seed], [r]), r.theory);
}

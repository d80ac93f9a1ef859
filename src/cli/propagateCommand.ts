import { Command, Option } from "commander";
import type {
  NetworkSpec,
  NetworkTheory,
  PropagateOptions,
  PropagateResult,
  RngKind,
  Verdict,
} from "../core/internal.js";
import {
  defaultAccumulate,
  exactBackend,
  jacobianSpectrum,
  networkTheory,
  networkWeightCount,
  propagate,
  propagateCorrelation,
  eventSentences,
  formatStat,
  hiddenMeanField,
  NO_EVENTS,
  propagationProfile,
  RESIDUAL_SCALES,
  RNG_KINDS,
  signalVerdicts,
  toJson,
  TRANSFORMER_LIMITS,
  verdictHeadline,
} from "../core/internal.js";
import { formatTable } from "../report/table.js";
import { parseSeedListArg, parseSpecListArg, positiveIntArg, positiveNumberArg } from "./argParsers.js";
import type { CliIo } from "./io.js";
import type { TransformerFlags } from "./propagateTransformer.js";
import type { NetworkFlags } from "./networkOptions.js";
import { addNetworkOptions, checkSpec, networkFromFlags } from "./networkOptions.js";
import { progressReporter } from "./progressReporter.js";

function parseCorrelation(value: string): number {
  const c = Number(value);
  if (!(c >= -1 && c <= 1)) throw new Error(`correlation: must be a number in [-1, 1], got ${value}`);
  return c;
}

/** Multiply–adds above which `auto` moves a plain float32 network to onnxruntime. */
export const ONNX_AUTO_MACS = 2 ** 26;

async function chooseBackend(
  o: PropagateOptions,
  wanted: "auto" | "reference" | "onnx",
  io: CliIo,
): Promise<"reference" | "onnx"> {
  if (wanted === "reference" || o.lsuv) return "reference";
  if (o.rng !== undefined && o.rng !== "initlab") {
    if (wanted === "onnx")
      throw new Error(`backend: --rng ${o.rng} draws the weights on the reference backend; drop --backend onnx`);
    return "reference";
  }
  const { onnxRuntimeAvailable, ONNX_RUNTIME_MISSING } = await import("../adapters/onnx/onnxRuntime.js");
  const available = await onnxRuntimeAvailable();
  if (wanted === "onnx" && !available) throw new Error(`backend: ${ONNX_RUNTIME_MISSING}; use --backend reference`);
  const { onnxUnsupported } = await import("../adapters/onnx/propagateOnnx.js");
  const why = onnxUnsupported(o);
  if (wanted === "onnx") {
    if (why) throw new Error(`backend: ${why}; use --backend reference`);
    return "onnx";
  }
  let macs = 0;
  let prev = o.network.inputWidth;
  for (const w of o.network.widths) {
    macs += o.batch * prev * w;
    prev = w;
  }
  const onnx = why === null && macs >= ONNX_AUTO_MACS;
  if (onnx && !available)
    io.stderr(`initlab: ${ONNX_RUNTIME_MISSING}: running on the exact TypeScript backend (slower)\n`);
  return onnx && available ? "onnx" : "reference";
}

async function runOnnx(o: PropagateOptions): Promise<PropagateResult> {
  const { propagateOnnx } = await import("../adapters/onnx/propagateOnnx.js");
  const { timings: _timings, ...result } = await propagateOnnx(o);
  return result;
}

export type PropagateFlags = NetworkFlags & {
  seeds?: number[];
  compare?: string[];
  out?: string;
  backward?: boolean;
  loss: "sum-squares" | "mse";
  correlation?: string;
  json?: boolean;
  backend: "auto" | "reference" | "onnx";
  lsuv?: boolean;
  lsuvTol: string;
  lsuvIterations: string;
  rng: RngKind;
};

export type Correlation = Awaited<ReturnType<typeof propagateCorrelation>> | null;

/** LSUV's options from the flags, or null. @throws one-line errors for bad values. */
function lsuvOptions(flags: PropagateFlags): { tol: number; maxIterations: number } | null {
  if (!flags.lsuv) return null;
  const lsuv = { tol: Number(flags.lsuvTol), maxIterations: Number(flags.lsuvIterations) };
  if (!(lsuv.tol > 0)) throw new Error(`lsuv-tol: must be a number > 0, got ${flags.lsuvTol}`);
  if (!(Number.isInteger(lsuv.maxIterations) && lsuv.maxIterations >= 0))
    throw new Error(`lsuv-iterations: must be an integer >= 0, got ${flags.lsuvIterations}`);
  if (flags.backend === "onnx") throw new Error("backend: LSUV runs on the reference backend; drop --backend onnx");
  return lsuv;
}

/** The per-layer table: signal, theory, block statistics, gradients and correlation, as the flags ask. */
function propagateTable(
  result: PropagateResult,
  theory: NetworkTheory,
  correlation: Correlation,
  flags: PropagateFlags,
  residual: boolean,
): string {
  const th = theory.unsupported === null;
  const L = result.layers.length;
  const step = L <= 60 ? 1 : Math.ceil(L / 50);
  const ev = result.events;
  const marks = new Set(
    [ev.stdNonFinite, ev.valueNonFinite, ev.stdZero, ev.allZero, L - 1].filter((x): x is number => x !== null),
  );
  const fast = result.backend !== "reference";
  const rows = result.layers
    .filter((l) => l.index % step === 0 || marks.has(l.index))
    .map((l) => {
      // mean, std and zero fraction describe the signal passed on: the block output h + scale·branch at a
      // block's end (no activation there, so no saturation), else the activation's output
      const sig = l.block ?? l.post;
      const block = l.block
        ? [
            formatStat(l.block.averageChannelSquaredMean),
            formatStat(l.block.averageChannelVariance),
            formatStat(l.block.residualBranchVariance),
          ]
        : ["", "", ""];
      return [
        String(l.index),
        String(l.width),
        formatStat(l.pre.rms ** 2),
        ...(th ? [formatStat(theory.q[l.index])] : []),
        formatStat(sig.mean),
        formatStat(sig.std),
        ...(fast ? [] : [formatStat(sig.zeroFraction), l.block ? "—" : formatStat(l.post.saturatedFraction)]),
        ...(residual ? block : []),
        ...(flags.backward
          ? [formatStat(l.grad?.activationNorm), formatStat(l.grad?.weightNorm), formatStat(l.grad?.weightRatio)]
          : []),
        ...(correlation
          ? [formatStat(correlation.layers[l.index].c), ...(th && theory.c ? [formatStat(theory.c[l.index])] : [])]
          : []),
      ];
    });
  const header = [
    "layer",
    "width",
    "q = E[pre²]",
    ...(th ? ["q theory"] : []),
    "mean",
    "std",
    ...(fast ? [] : ["zero frac", "saturated"]),
    ...(residual ? ["block: chan mean²", "chan var", "branch var"] : []),
    ...(flags.backward ? ["‖∂L/∂a‖", "‖∂L/∂W‖", "‖∂L/∂W‖/‖W‖"] : []),
    ...(correlation ? ["c", ...(th ? ["c theory"] : [])] : []),
  ];
  return formatTable(header, rows);
}

/** The run in words after the table: events, trend, theory, loss and what the backend left out. */
function propagateSentences(
  result: PropagateResult,
  theory: NetworkTheory,
  verdicts: Verdict[],
  flags: PropagateFlags,
  residual: boolean,
): string[] {
  const events = eventSentences(result.events);
  return [
    ...(events.length > 0 ? events : [NO_EVENTS]).map((s) => `→ ${s}`),
    ...verdicts.map((v) => `→ ${v.sentence}`),
    theory.unsupported === null
      ? `theory: mean-field q^l (Poole et al. 2016) from σ_w² = ${formatStat(theory.sigmaW2[0])}, σ_b² = ${formatStat(theory.sigmaB2[0])} at layer 0`
      : `theory: ${theory.unsupported}`,
    ...(result.loss !== null ? [`loss ${formatStat(result.loss)} (${flags.loss})`] : []),
    ...(result.backend !== "reference"
      ? [
          `backend ${result.backend}: zero fraction, saturation, quantiles and histograms are not computed (use --backend reference)`,
        ]
      : []),
    ...(residual
      ? [
          "block columns (Brock, De & Smith 2021): average over channels of the squared batch mean and of the batch variance of the block output, and the residual branch's variance",
        ]
      : []),
    ...(result.lsuv
      ? [
          `LSUV: ${result.lsuv.filter((r) => r.converged).length}/${result.lsuv.length} layers converged, ${result.lsuv.reduce((s, r) => s + r.iterations, 0)} rescalings`,
        ]
      : []),
  ];
}

/** `--out DIR`: the charts report (signal, q against theory, gradients, correlation) with the printed text. */
async function writePropagateReport(
  io: CliIo,
  flags: PropagateFlags,
  network: NetworkSpec,
  result: PropagateResult,
  theory: NetworkTheory,
  correlation: Correlation,
  verdicts: Verdict[],
  text: string,
): Promise<void> {
  if (flags.out === undefined) return;
  const [{ propagateCharts }, { writeChartsReport }] = await Promise.all([
    import("../charts/propagateCharts.js"),
    import("../report/writeChartsReport.js"),
  ]);
  const title = `${network.init}, ${result.activation}, ${network.widths.length} layers`;
  const events = eventSentences(result.events);
  const intro = `${verdictHeadline(verdicts)}. ${verdicts.map((v) => `${v.sentence}.`).join(" ")} dtype ${result.dtype}, accumulate ${result.accumulate}, backend ${result.backend}, batch ${flags.batch}, seed ${flags.seed}. ${(events.length > 0 ? events : [NO_EVENTS]).join("; ")}.`;
  const html = await writeChartsReport(
    flags.out,
    `initlab propagate — ${title}`,
    intro,
    propagateCharts(result, theory, title, correlation),
    text,
  );
  io.stderr(`initlab: wrote ${html}\n`);
}

/** One measured run of the flags' network at `seed`: the result (LSUV first if asked, on the chosen backend), the correlation run, and the theory. */
export async function measureNetwork(
  io: CliIo,
  flags: PropagateFlags,
  network: NetworkSpec,
  seed: number,
  onProgress: PropagateOptions["onProgress"],
): Promise<{ result: PropagateResult; correlation: Correlation; theory: NetworkTheory }> {
  const c0 = flags.correlation === undefined ? null : parseCorrelation(flags.correlation);
  const run = {
    network,
    batch: flags.batch,
    inputScale: flags.inputScale,
    dtype: flags.dtype,
    accumulate: flags.accumulate,
    seed,
  };
  const acc = run.accumulate ?? defaultAccumulate(run.dtype);
  const popts = {
    ...run,
    backward: flags.backward ?? false,
    loss: flags.loss,
    backend: exactBackend(acc, networkWeightCount(network)),
    onProgress,
    lsuv: lsuvOptions(flags),
    rng: flags.rng,
  };
  const result =
    (await chooseBackend(popts, flags.backend, io)) === "onnx" ? await runOnnx(popts) : await propagate(popts);
  const correlation = c0 === null ? null : await propagateCorrelation(run, c0);
  // after LSUV the weights are rescaled: the theory follows the rescaled σ_w²
  const theory = networkTheory(
    network,
    flags.inputScale,
    c0,
    result.lsuv ? result.lsuv.map((r) => r.totalScale) : null,
  );
  return { result, correlation, theory };
}

/** `initlab propagate`: build the network, run it (LSUV first if asked) on the chosen backend, with theory beside it, then print or write. */
async function runPropagate(io: CliIo, flags: PropagateFlags): Promise<void> {
  const network = networkFromFlags(flags);
  if (flags.compare && flags.seeds) throw new Error("compare: give --compare or --seeds, not both");
  if (flags.compare) {
    const { runPropagateCompare } = await import("./propagateCompare.js");
    return runPropagateCompare(io, flags, flags.compare);
  }
  if (flags.seeds) {
    const { runPropagateSeeds } = await import("./propagateSeeds.js");
    return runPropagateSeeds(io, flags, network, flags.seeds);
  }
  const progress = progressReporter(io);
  const { result, correlation, theory } = await measureNetwork(io, flags, network, flags.seed, progress.listener);
  const verdicts = signalVerdicts(
    propagationProfile(result, correlation ? correlation.layers.map((l) => l.c) : null),
    hiddenMeanField(network, theory),
  );
  progress.done();
  if (flags.json) {
    io.stdout(`${toJson({ verdicts, ...result, seed: flags.seed, network, correlation, theory })}\n`);
    return writePropagateReport(
      io,
      flags,
      network,
      result,
      theory,
      correlation,
      verdicts,
      toJson({ verdicts, ...result, seed: flags.seed, network, theory }, 1),
    );
  }
  const residual = network.residual !== null;
  const text =
    [
      verdictHeadline(verdicts),
      `propagate: ${network.init} weights, ${result.activation}, ${result.layers.length} layers, widths ${network.inputWidth}→${network.widths.join("→").slice(0, 60)}${network.widths.length > 10 ? "…" : ""}, batch ${flags.batch}`,
      `dtype ${result.dtype}, accumulate ${result.accumulate}, backend ${result.backend}, seed ${flags.seed}${network.norm ? `, ${network.norm} norm` : ""}${network.residual ? `, residual blocks of ${network.residual.branchDepth} (scale ${network.residual.branchScale})` : ""}`,
      "",
      propagateTable(result, theory, correlation, flags, residual),
      "",
      ...propagateSentences(result, theory, verdicts, flags, residual),
    ].join("\n") + "\n";
  io.stdout(text);
  await writePropagateReport(io, flags, network, result, theory, correlation, verdicts, text);
}

/** The flags of `--arch transformer` (the block's shape, norms, residual scheme). */
function addTransformerOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--arch <arch>", "dense (MLP, conv) or transformer blocks")
        .choices(["dense", "transformer"])
        .default("dense"),
    )
    .option(
      "--heads <H>",
      "transformer: attention heads (divide the width)",
      positiveIntArg("heads", TRANSFORMER_LIMITS.heads),
      4,
    )
    .option("--seq <S>", "transformer: tokens per sequence", positiveIntArg("seq", TRANSFORMER_LIMITS.seq), 16)
    .option(
      "--mlp-ratio <r>",
      "transformer: the MLP's hidden width over the width",
      positiveNumberArg("mlp-ratio", TRANSFORMER_LIMITS.mlpRatio),
      4,
    )
    .addOption(
      new Option("--norm-position <p>", "transformer: norm before (pre) or after (post) each residual sum")
        .choices(["pre", "post"])
        .default("pre"),
    )
    .addOption(
      new Option(
        "--residual-scale <scheme>",
        "transformer: none, gpt2 (output projections × 1/√N, N residual branches), deepnorm (post-LN, α and β by depth) or tfixup (no norms, V, O and MLP × 0.67·L^−¼; decoder (9L)^−¼)",
      )
        .choices([...RESIDUAL_SCALES])
        .default("none"),
    )
    .option("--causal", "transformer: causal attention mask")
    .option("--attention-only", "transformer: blocks without the MLP")
    .option("--final-norm", "transformer: a norm after the last block, before the readout (GPT-2's ln_f)")
    .option(
      "--embedding-init <spec>",
      "transformer: inputs are rows of an embedding table drawn from this spec (small-init: uniform(low=-1e-4, high=1e-4)) at random tokens",
      checkSpec("init"),
    )
    .option(
      "--vocab <n>",
      "transformer: the embedding table's rows and the softmax readout's classes",
      positiveIntArg("vocab", TRANSFORMER_LIMITS.vocab),
      1000,
    )
    .option("--no-residual", "transformer: no skip connections (x ← f(x))")
    .addOption(
      new Option(
        "--readout <kind>",
        "transformer --backward: the loss reads the stream with a fixed random T (Σ out ⊙ T), or by softmax cross-entropy over --vocab classes",
      )
        .choices(["random", "softmax"])
        .default("random"),
    )
    .option(
      "--readout-init <spec>",
      "transformer --readout softmax: the unembedding [width, vocab] (default: --init; μP: zero)",
      checkSpec("init"),
    )
    .option(
      "--cross-attention",
      "transformer: decoder blocks (self-attention, cross-attention, MLP) over the output of an encoder of the same configuration",
    )
    .option(
      "--memory-seq <M>",
      "transformer --cross-attention: the encoder's source tokens (default: --seq)",
      positiveIntArg("memory-seq", TRANSFORMER_LIMITS.seq),
    )
    .option(
      "--encoder-depth <E>",
      "transformer --cross-attention: the encoder's blocks (default: --depth)",
      positiveIntArg("encoder-depth", TRANSFORMER_LIMITS.depth),
    );
}

/** `initlab propagate` and `initlab jacobian`. */
export function propagateCommands(io: CliIo): Command[] {
  const prop = addNetworkOptions(
    new Command("propagate").description(
      "push a batch through a freshly initialized network; per-layer forward (and backward) statistics",
    ),
    { batch: 64 },
  )
    .option("--backward", "also propagate the gradient of the loss back")
    .addOption(
      new Option("--loss <loss>", "loss for --backward").choices(["sum-squares", "mse"]).default("sum-squares"),
    )
    .option("--correlation <c0>", "also propagate two inputs with correlation c0 and report c per layer")
    .option("--lsuv", "rescale each layer by LSUV on the input batch first (Mishkin & Matas 2016)")
    .option("--lsuv-tol <tol>", "LSUV: stop when |Var − 1| < tol", "0.1")
    .option("--lsuv-iterations <n>", "LSUV: at most n rescalings a layer", "10")
    .addOption(
      new Option(
        "--backend <name>",
        "compute backend: reference (every dtype, exact), onnx (float32, fast), auto (onnx for large plain float32 nets)",
      )
        .choices(["auto", "reference", "onnx"])
        .default("auto"),
    )
    .option(
      "--seeds <list>",
      "run the same network over several seeds (a range 0-9 or a list 0,3,7): per-layer mean, 90 % interval and range",
      parseSeedListArg,
    )
    .option(
      "--compare <specs>",
      "run the same network and seed under each initializer of a comma-separated list (e.g. he_normal,lecun_normal,default), side by side",
      parseSpecListArg,
    )
    .option("--json", "print one JSON document")
    .addOption(
      new Option(
        "--rng <stream>",
        "whose random numbers draw the weights: initlab's (a stream per layer), or one numpy (default_rng), numpy-legacy or torch (manual_seed) generator through every weight then bias, in layer order",
      )
        .choices([...RNG_KINDS])
        .default("initlab"),
    )
    .option("--out <dir>", "also write index.html with SVG/PNG charts (signal, q measured vs theory, gradients)");
  addTransformerOptions(prop).action(
    async (flags: PropagateFlags & TransformerFlags & { arch: string }, command: Command) => {
      if (flags.arch === "transformer") {
        const { runTransformer } = await import("./propagateTransformer.js");
        return runTransformer(io, flags, (name) => command.getOptionValueSource(name) === "cli");
      }
      for (const name of [
        "heads",
        "seq",
        "mlpRatio",
        "normPosition",
        "residualScale",
        "causal",
        "attentionOnly",
        "finalNorm",
        "crossAttention",
        "memorySeq",
        "encoderDepth",
        "readout",
        "readoutInit",
      ])
        if (command.getOptionValueSource(name) === "cli")
          throw new Error(`arch: --${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for --arch transformer`);
      if ((flags as { residual?: unknown }).residual === false)
        throw new Error("arch: --no-residual is for --arch transformer");
      return runPropagate(io, flags);
    },
  );

  return [prop, jacobianCommand(io)];
}

/** `initlab jacobian`: the singular values of the input–output Jacobian at one input. */
function jacobianCommand(io: CliIo): Command {
  return addNetworkOptions(
    new Command("jacobian").description(
      "singular values of the input–output Jacobian at one input (dynamical isometry)",
    ),
    { batch: 1 },
  )
    .option("--json", "print one JSON document")
    .action(async (flags: NetworkFlags & { json?: boolean }) => {
      const network = networkFromFlags(flags);
      const r = await jacobianSpectrum({
        network,
        batch: 1,
        inputScale: flags.inputScale,
        dtype: flags.dtype,
        accumulate: flags.accumulate,
        seed: flags.seed,
      });
      if (flags.json) return io.stdout(`${toJson(r)}\n`);
      const sv = r.singularValues;
      const q = (p: number) => sv[Math.min(sv.length - 1, Math.floor(p * (sv.length - 1)))];
      io.stdout(
        [
          `jacobian: ${network.init} weights, ${flags.activation}, ${network.widths.length} layers, ${r.inputWidth}→${r.outputWidth}, dtype ${flags.dtype}, seed ${flags.seed}`,
          `singular values: max ${formatStat(sv[0])}, 90% ${formatStat(q(0.1))}, median ${formatStat(q(0.5))}, 10% ${formatStat(q(0.9))}, min ${formatStat(sv[sv.length - 1])}`,
          `squared singular values: mean ${formatStat(r.squaredSingularValues.mean)}, variance ${formatStat(r.squaredSingularValues.variance)}`,
          `condition number σ_max/σ_min: ${formatStat(sv[0] / sv[sv.length - 1])}`,
        ].join("\n") + "\n",
      );
    });
}

import { Command, InvalidArgumentError, Option } from "commander";
import type { Dtype, Framework, ResolvedInitializer } from "../core/internal.js";
import {
  ACTIVATION_NAMES,
  calculateGain,
  DTYPES,
  FRAMEWORKS,
  RNG_KINDS,
  GAIN_NONLINEARITIES,
  initialize,
  initMemoryBytes,
  INITIALIZERS,
  kernelContext,
  LAYOUTS,
  oneOfMessage,
  orthogonalityError,
  orthogonalMatrixView,
  parseActivation,
  resolveInitializer,
  rngStream,
  sampleStats,
  secondMomentGain,
  toJson,
  torchGainFor,
  translateShape,
} from "../core/internal.js";
import { describeDistribution } from "../report/describeInit.js";
import { formatTable } from "../report/table.js";
import { parseDtypeArg, parseSeedArg, positiveIntArg } from "./argParsers.js";
import type { CliIo } from "./io.js";
import type { SampleFlags } from "./initSample.js";
import type { KernelFlags } from "./kernelFlags.js";
import { kernelResolveOptions, refuseKernelSize } from "./kernelFlags.js";

/** Refuse to allocate more than this for one initializer (the machine has 24 GiB). */
export const MAX_INIT_BYTES = 4 * 1024 ** 3;

function parseShape(value: string): number[] {
  const parts = value.split(/[,x×]/).map((p) => p.trim());
  const dims = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN));
  if (dims.length === 0 || dims.some((d) => !Number.isSafeInteger(d) || d < 1)) {
    throw new InvalidArgumentError("shape must be positive integers separated by commas, e.g. 3,3,64,128.");
  }
  return dims;
}

function parseFloatArg(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError("must be a finite number.");
  return n;
}

function kernelOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--shape <dims>", "kernel shape, e.g. 3,3,64,128", parseShape)
    .addOption(
      new Option(
        "--layout <layout>",
        "axis order: torch [out, in, k…] or keras [k…, in, out] (default: the framework's, else keras)",
      ).choices(LAYOUTS),
    )
    .option("--groups <g>", "grouped convolution: number of groups", positiveIntArg("groups", 1 << 20))
    .option("--transposed", "the kernel of a transposed convolution")
    .option("--depthwise", "a keras DepthwiseConv kernel [k…, in, multiplier]");
}

function inspectJson(r: ResolvedInitializer, values: Float64Array, seed: number, dtype: Dtype) {
  const view = orthogonalMatrixView(r);
  return {
    initializer: r.initializer,
    spec: r.spec,
    framework: r.framework,
    frameworkName: r.frameworkName,
    shape: r.ctx.shape,
    layout: r.ctx.layout,
    groups: r.ctx.groups,
    fanIn: r.fanIn,
    fanOut: r.fanOut,
    fanRule: r.fanRule,
    distribution: r.distribution,
    parameters: r.params,
    mean: r.mean,
    variance: r.variance,
    targetVariance: r.targetVariance,
    bound: r.bound,
    quirks: r.quirks,
    bias: r.bias ? r.bias.description : null,
    sample: { seed, dtype, count: values.length, ...sampleStats(values) },
    orthogonalityError: view ? orthogonalityError(view.extract(values), view.rows, view.cols, view.gain) : null,
  };
}

const num = (x: number | null) => (x === null ? "—" : Number.isInteger(x) ? String(x) : x.toPrecision(6));

/** `init list`: every initializer with its formula, frameworks and paper. */
function printList(io: CliIo, flags: { json?: boolean }): void {
  const rows = INITIALIZERS.map((d) => ({
    name: d.name,
    aliases: d.aliases,
    formula: d.formula,
    parameters: Object.fromEntries(Object.entries(d.params).map(([k, p]) => [k, p.default])),
    frameworks: Object.fromEntries(Object.entries(d.frameworks).map(([fw, v]) => [fw, v?.name])),
    paper: d.paper,
  }));
  if (flags.json) return io.stdout(`${toJson(rows)}\n`);
  io.stdout(
    `${formatTable(
      ["name", "formula", "frameworks", "paper"],
      rows.map((r) => [
        [r.name, ...r.aliases].join(" / "),
        r.formula,
        Object.keys(r.frameworks).join(",") || "initlab",
        r.paper,
      ]),
    )}\n`,
  );
}

/** `init inspect SPEC`: fans, distribution, analytic variance, a sample and quirks for one kernel. */
function printInspect(
  io: CliIo,
  spec: string,
  flags: KernelFlags & { seed: number; dtype: Dtype; json?: boolean },
): void {
  const opts = kernelResolveOptions(flags);
  const resolved = resolveInitializer(spec, opts);
  refuseKernelSize(flags.shape, initMemoryBytes(resolved), MAX_INIT_BYTES);
  const { values } = initialize(spec, opts, rngStream(flags.seed, "init", resolved.initializer), flags.dtype);
  const r = resolved.reading;
  const readAs = r
    ? `read as: ${r.native} → ${resolved.spec}, ${resolved.framework} semantics${resolved.framework !== r.implied ? ` (--framework ${resolved.framework} given; the spelling implies ${r.implied})` : " (implied by the spelling)"}${r.seed !== null ? `; its seed ${r.seed} fixes the draws (initlab's stream for that seed, whatever --seed)` : ""}`
    : null;
  const doc = { ...inspectJson(resolved, values, r?.seed ?? flags.seed, flags.dtype), readAs };
  if (flags.json) return io.stdout(`${toJson(doc)}\n`);
  const lines = [
    ...(readAs ? [readAs] : []),
    `${resolved.spec}${resolved.framework ? ` — ${resolved.framework} ${resolved.frameworkName}` : " — initlab semantics"}`,
    `shape [${doc.shape.join(",")}] (${doc.layout} layout${doc.groups > 1 ? `, groups ${doc.groups}` : ""}${flags.transposed ? ", transposed" : ""}${flags.depthwise ? ", depthwise" : ""})`,
    `fans: fan_in ${num(doc.fanIn)}, fan_out ${num(doc.fanOut)}   (${doc.fanRule})`,
    `distribution: ${describeDistribution(resolved.params)}`,
    `variance: ${num(doc.variance)} analytic${doc.targetVariance !== null ? `; intended ${num(doc.targetVariance)}` : ""}${doc.bound !== null ? `; bound ${num(doc.bound)}` : ""}`,
    `sample (seed ${doc.sample.seed}, ${doc.sample.dtype}, ${doc.sample.count} values): mean ${num(doc.sample.mean)}, std ${num(doc.sample.std)}, variance ${num(doc.sample.variance)}, min ${num(doc.sample.min)}, max ${num(doc.sample.max)}`,
  ];
  if (doc.orthogonalityError !== null)
    lines.push(`orthogonality error max|QᵀQ − I|: ${doc.orthogonalityError.toExponential(2)}`);
  if (doc.bias) lines.push(`layer bias: ${doc.bias}`);
  lines.push(doc.quirks.length ? `quirks:\n${doc.quirks.map((q) => `  - ${q}`).join("\n")}` : "quirks: none");
  io.stdout(`${lines.join("\n")}\n`);
}

/** One framework's row of `init compare`: the layer translated to its layout, resolved there, or the reason it cannot be. */
function compareRow(spec: string, ctx: ReturnType<typeof kernelContext>, fw: Framework | null) {
  const layout = fw === "torch" ? "torch" : "keras";
  const t =
    fw === null
      ? { shape: [...ctx.shape], groups: ctx.groups, depthwise: ctx.depthwise }
      : translateShape(ctx, layout, fw !== "keras" && fw !== "tfjs");
  const none = { name: null, fanIn: null, fanOut: null, distribution: null, variance: null, targetVariance: null };
  try {
    const r = resolveInitializer(spec, {
      shape: t.shape,
      framework: fw,
      layout: fw === null ? ctx.layout : layout,
      groups: t.groups,
      transposed: ctx.transposed,
      depthwise: t.depthwise,
    });
    return {
      framework: fw ?? "initlab",
      name: r.frameworkName ?? r.spec,
      shape: t.shape,
      fanIn: r.fanIn,
      fanOut: r.fanOut,
      distribution: describeDistribution(r.params),
      variance: r.variance,
      targetVariance: r.targetVariance,
      quirks: r.quirks,
      error: null,
    };
  } catch (e) {
    return { framework: fw ?? "initlab", ...none, shape: t.shape, quirks: [], error: (e as Error).message };
  }
}

/** `init compare SPEC`: the same layer in initlab and every framework, side by side, with each one's quirks. */
function printCompare(io: CliIo, spec: string, flags: KernelFlags & { json?: boolean }): void {
  const ctx = kernelContext(flags.shape, {
    layout: flags.layout ?? "keras",
    groups: flags.groups,
    transposed: flags.transposed,
    depthwise: flags.depthwise,
  });
  const rows = [null, ...FRAMEWORKS].map((fw) => compareRow(spec, ctx, fw));
  if (flags.json) return io.stdout(`${toJson(rows)}\n`);
  const table = formatTable(
    ["framework", "name", "shape", "fan_in", "fan_out", "distribution", "variance", "intended"],
    rows.map((r) => [
      r.framework,
      r.name ?? "—",
      `[${r.shape.join(",")}]`,
      num(r.fanIn),
      num(r.fanOut),
      r.distribution ?? (r.error ? "n/a" : "—"),
      num(r.variance),
      num(r.targetVariance),
    ]),
  );
  const notes = rows.flatMap((r) => [
    ...r.quirks.map((q) => `${r.framework}: ${q}`),
    ...(r.error ? [`${r.framework}: ${r.error}`] : []),
  ]);
  io.stdout(`${table}\n${notes.length ? `\n${notes.map((n) => `- ${n}`).join("\n")}\n` : ""}`);
}

/** `initlab init …`: the initializer catalog. */
export function initCommand(io: CliIo): Command {
  const init = new Command("init").description(
    "the initializer catalog: list, inspect, compare across frameworks, gains",
  );

  init
    .command("list")
    .description("every initializer: name, formula, frameworks, paper")
    .option("--json", "print JSON")
    .action((flags: { json?: boolean }) => printList(io, flags));

  kernelOptions(
    init
      .command("inspect")
      .description("what an initializer gives for one kernel: fans, distribution, analytic variance, a sample, quirks")
      .argument("<spec>", "initializer spec, e.g. he_normal or normal(std=0.01)"),
  )
    .addOption(new Option("--framework <name>", "reproduce a framework's exact semantics").choices(FRAMEWORKS))
    .option("--seed <n>", "random seed for the sample", parseSeedArg, 0)
    .addOption(
      new Option("--dtype <dtype>", "dtype the sample is rounded to")
        .choices(DTYPES)
        .default("float32")
        .argParser(parseDtypeArg),
    )
    .option("--json", "print one JSON document")
    .action((spec: string, flags: KernelFlags & { seed: number; dtype: Dtype; json?: boolean }) =>
      printInspect(io, spec, flags),
    );

  kernelOptions(
    init
      .command("compare")
      .description("the same initializer for the same layer in initlab and every framework, side by side")
      .argument("<spec>", "initializer spec"),
  )
    .option("--json", "print JSON")
    .action((spec: string, flags: KernelFlags & { json?: boolean }) => printCompare(io, spec, flags));

  init.addCommand(sampleCommand(io));

  init
    .command("gain")
    .description(
      "the gain for a nonlinearity: 1/√E[φ(z)²] (preserves a unit Gaussian's second moment) for every activation, beside torch's calculate_gain where it has one",
    )
    .addArgument(
      new Command()
        .createArgument(
          "<nonlinearity>",
          `an activation spec (${ACTIVATION_NAMES.join(", ")}) or a torch name (${GAIN_NONLINEARITIES.join(", ")})`,
        )
        .argParser(gainNonlinearityArg),
    )
    .option("--param <p>", "leaky_relu's negative slope (default 0.01)", parseFloatArg)
    .option("--json", "print JSON")
    .action((nonlinearity: string, flags: { param?: number; json?: boolean }) => printGain(io, nonlinearity, flags));
  init
    .command("docs")
    .description("print docs/initializers.md, generated from the catalog")
    .action(async () => {
      const { initializerDocs } = await import("../report/initializerDocs.js");
      io.stdout(initializerDocs());
    });
  return init;
}

/** `initlab init gain`: the second-moment gain of an activation and torch's calculate_gain, each where defined. */
function printGain(io: CliIo, nonlinearity: string, flags: { param?: number; json?: boolean }): void {
  const torchOnly = !ACTIVATION_NAMES.includes(nonlinearity) && !nonlinearity.includes("(");
  if (torchOnly && !(GAIN_NONLINEARITIES as readonly string[]).includes(nonlinearity))
    throw new Error(
      oneOfMessage("nonlinearity", [...new Set([...ACTIVATION_NAMES, ...GAIN_NONLINEARITIES])], nonlinearity),
    );
  if (torchOnly || flags.param !== undefined) {
    // a torch name (conv2d …) or torch's (name, param) form: torch's table
    const gain = calculateGain(nonlinearity, flags.param);
    if (flags.json)
      return io.stdout(`${toJson({ nonlinearity, param: flags.param ?? null, gain, torchGain: gain })}\n`);
    return io.stdout(
      `calculate_gain(${nonlinearity}${flags.param !== undefined ? `, ${flags.param}` : ""}) = ${gain}\n`,
    );
  }
  const moment = secondMomentGain(nonlinearity);
  const torch = torchGainFor(nonlinearity);
  const gain = torch ?? moment;
  if (flags.json)
    return io.stdout(`${toJson({ nonlinearity, param: null, gain, secondMomentGain: moment, torchGain: torch })}\n`);
  io.stdout(
    `gain(${nonlinearity}) = 1/√E[φ(z)²] = ${moment}   (preserves E[pre²] = 1 layer to layer: Var(w) = gain²/fan_in)\n` +
      `torch calculate_gain: ${torch === null ? `none for ${nonlinearity}` : torch}\n`,
  );
}

/** `init gain`'s argument: an activation spec or one of torch's calculate_gain names (a usage error otherwise). */
function gainNonlinearityArg(value: string): string {
  if ((GAIN_NONLINEARITIES as readonly string[]).includes(value)) return value;
  try {
    parseActivation(value);
    return value;
  } catch (e) {
    if (value.includes("(")) throw new InvalidArgumentError((e as Error).message);
    throw new InvalidArgumentError(
      oneOfMessage("nonlinearity", [...new Set([...ACTIVATION_NAMES, ...GAIN_NONLINEARITIES])], value),
    );
  }
}

/** `init sample SPEC --shape DIMS --out FILE`: the initialized tensor as .npy or .safetensors. */
function sampleCommand(io: CliIo): Command {
  return kernelOptions(
    new Command("sample")
      .description(
        "write an initialized tensor for use elsewhere: .npy (C order) or .safetensors by the --out extension, - for npy on stdout",
      )
      .argument("<spec>", "initializer spec, e.g. lecun_normal or orthogonal(gain=2)"),
  )
    .addOption(new Option("--framework <name>", "reproduce a framework's exact semantics").choices(FRAMEWORKS))
    .option("--seed <n>", "random seed (the stream init inspect samples from)", parseSeedArg, 0)
    .addOption(
      new Option(
        "--dtype <dtype>",
        "element type of the file: float64, float32, float16 (npy or safetensors), bfloat16 (safetensors)",
      )
        .choices(DTYPES)
        .default("float32")
        .argParser(parseDtypeArg),
    )
    .option("--name <name>", "the tensor's name in a .safetensors file", "weight")
    .addOption(
      new Option(
        "--rng <stream>",
        "whose random numbers: initlab's, or bit-exact numpy (default_rng), numpy-legacy (np.random.seed) or torch (torch.manual_seed, CPU)",
      )
        .choices(RNG_KINDS)
        .default("initlab"),
    )
    .option(
      "--with-bias",
      "also draw the layer's default bias after the weight, from the same generator (nn.Linear's order), into .safetensors",
    )
    .requiredOption("--out <file>", "FILE.npy, FILE.safetensors, or - (npy on stdout)")
    .action(async (spec: string, flags: SampleFlags) => {
      const { writeSample } = await import("./initSample.js");
      await writeSample(io, spec, flags);
    });
}

import { Command, Option } from "commander";
import type { Framework, Recommendation } from "../core/internal.js";
import { DTYPES, FRAMEWORKS, recommend, toJson, TRANSFORMER_LIMITS } from "../core/internal.js";
import { NETWORK_LIMITS, NetworkDescriptionSchema, networkSpecOf } from "../experiment/networkDescription.js";
import { formatTable } from "../report/table.js";
import { choiceArg, dtypeArg, parseSeedListArg, positiveIntArg } from "./argParsers.js";
import type { CliIo } from "./io.js";
import { checkSpec, parseWidths } from "./networkOptions.js";
import { progressReporter } from "./progressReporter.js";
import type { RecommendTransformerFlags } from "./recommendTransformer.js";

interface RecommendFlags {
  activation: string;
  depth: number;
  width: number;
  widths?: number[];
  residual?: number;
  norm?: "none" | "layer" | "batch" | "rms";
  framework?: Framework;
  batch: number;
  dtype: (typeof DTYPES)[number];
  seeds: number[];
  json?: boolean;
}

/** The ranking as text: a table of the schemes, one reason a line, and the winner's snippets. */
function recommendText(r: Recommendation, flags: RecommendFlags): string {
  const label = (s: Recommendation["ranked"][number]) =>
    `${s.spec}${s.framework ? ` (${s.framework})` : ""}${s.origin === "derived" ? " [derived]" : ""}`;
  const best = r.ranked[0];
  const rows = r.ranked.map((s, i) => [
    String(i + 1),
    label(s),
    `${s.healthySeeds}/${flags.seeds.length}`,
    Number.isFinite(s.score) ? s.score.toFixed(3) : "inf",
    s.verdicts.map((v) => `${v.signal} ${v.kind}`).join(", "),
  ]);
  const lines = [
    `recommend: ${label(best)} for ${flags.activation}, ${flags.widths ? `widths ${flags.widths.join(",")}` : `${flags.depth} layers × ${flags.width}`}${flags.residual ? `, residual blocks of ${flags.residual}` : ""}${flags.norm && flags.norm !== "none" ? `, ${flags.norm} norm` : ""} — ${best.why}`,
    `measured over ${flags.seeds.length} seeds, batch ${flags.batch}, ${flags.dtype}; forward and backward (L = ½‖out‖²)`,
    "",
    formatTable(["rank", "scheme", "healthy seeds", "score", "verdicts"], rows),
    "",
    ...r.ranked.map((s, i) => `${i + 1}. ${label(s)}: ${s.why}`),
    ...(r.note ? ["", r.note] : []),
    "",
    best.snippets
      ? [
          `${label(best)} in each framework (a hidden layer's weights; w = layer.weight in PyTorch):`,
          `  PyTorch:  ${best.snippets.torch}`,
          `  Keras:    kernel_initializer=${best.snippets.keras}`,
          `  TF.js:    kernelInitializer: ${best.snippets.tfjs}`,
          `  JAX/Flax: kernel_init=${best.snippets.jax}`,
        ].join("\n")
      : `${label(best)} has no common spelling across frameworks; see initlab init inspect`,
  ];
  return `${lines.join("\n")}\n`;
}

/** Checks the network (its size refused with an estimate), ranks the schemes over the seeds on worker threads, prints. */
async function runRecommend(io: CliIo, flags: RecommendFlags): Promise<void> {
  const description = NetworkDescriptionSchema.parse({
    init: "he_normal",
    activation: flags.activation,
    depth: flags.depth,
    width: flags.width,
    widths: flags.widths ?? null,
    residual: flags.residual ?? null,
    norm: flags.norm === undefined || flags.norm === "none" ? null : flags.norm,
    framework: flags.framework ?? null,
    batch: flags.batch,
    dtype: flags.dtype,
  });
  const network = networkSpecOf(description);
  const progress = progressReporter(io);
  const { parallelSeeds } = await import("../adapters/recommend/parallelSeeds.js");
  const pool = parallelSeeds(flags.seeds.length);
  let r: Recommendation;
  try {
    r = await recommend({
      network,
      seeds: flags.seeds,
      batch: flags.batch,
      dtype: flags.dtype,
      runSeed: pool.run,
      onProgress: progress.listener,
    });
  } finally {
    await pool.close();
  }
  progress.done();
  if (flags.json) return io.stdout(`${toJson({ network, seeds: flags.seeds, batch: flags.batch, ...r })}\n`);
  io.stdout(recommendText(r, flags));
}

/** `initlab recommend`: ranks the catalog's schemes (and the framework's default) for a network by measured health over seeds. */
export function recommendCommand(io: CliIo): Command {
  return new Command("recommend")
    .description(
      "rank initializers for a network by measured signal health over seeds (forward and backward), theory beside, with snippets for PyTorch, Keras, TF.js and JAX",
    )
    .requiredOption("--activation <spec>", "activation, e.g. gelu, relu, leaky_relu(a=0.2)", checkSpec("activation"))
    .option("--depth <L>", "number of layers", positiveIntArg("depth", NETWORK_LIMITS.depth), 12)
    .option("--width <n>", "width of the input and every layer", positiveIntArg("width", NETWORK_LIMITS.width), 256)
    .option("--widths <list>", "input and layer widths a,b,… (overrides --width and --depth)", parseWidths)
    .option(
      "--residual <m>",
      "residual blocks of m layers: h ← h + branch(h)",
      positiveIntArg("residual", NETWORK_LIMITS.residual),
    )
    .addOption(
      new Option("--norm <kind>", "normalise every pre-activation: none, layer or batch").argParser(
        choiceArg("norm", ["none", "layer", "batch", "rms"] as const),
      ),
    )
    .addOption(new Option("--framework <name>", "initializer semantics of a framework").choices(FRAMEWORKS))
    .option("--batch <B>", "batch size of each run", positiveIntArg("batch", NETWORK_LIMITS.batch), 16)
    .addOption(new Option("--dtype <dtype>", "storage dtype").choices(DTYPES).default("float32").argParser(dtypeArg()))
    .option(
      "--seeds <list>",
      "seeds to measure over (a range 0-9 or a list 0,3,7)",
      parseSeedListArg,
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    )
    .addOption(
      new Option("--arch <arch>", "dense (MLP) or transformer").choices(["dense", "transformer"]).default("dense"),
    )
    .option("--heads <h>", "transformer: attention heads", positiveIntArg("heads", TRANSFORMER_LIMITS.heads), 4)
    .option("--seq <s>", "transformer: tokens per sequence", positiveIntArg("seq", TRANSFORMER_LIMITS.seq), 16)
    .addOption(
      new Option("--norm-position <p>", "transformer: norm before (pre) or after (post) each residual sum")
        .choices(["pre", "post"])
        .default("pre"),
    )
    .option(
      "--init <spec>",
      "transformer: the weights' init the schemes start from (default glorot_uniform)",
      checkSpec("init"),
    )
    .option(
      "--cross-attention",
      "transformer: decoder blocks with cross-attention over an encoder of the same depth (its schemes' decoder constants)",
    )
    .option("--json", "print one JSON document")
    .action(async (flags: RecommendFlags & RecommendTransformerFlags & { arch: string }, command: Command) => {
      if (flags.arch === "transformer") {
        const { runRecommendTransformer } = await import("./recommendTransformer.js");
        // a transformer's defaults: 8 sequences a run and 5 seeds unless given
        const given = (name: string) => command.getOptionValueSource(name) === "cli";
        return runRecommendTransformer(io, {
          ...flags,
          batch: given("batch") ? flags.batch : 4,
          seeds: given("seeds") ? flags.seeds : [0, 1, 2, 3, 4],
          depth: given("depth") ? flags.depth : 12,
          width: given("width") ? flags.width : 64,
        });
      }
      if (flags.norm === "rms") throw new Error("norm: rms is for recommend --arch transformer");
      for (const name of ["heads", "seq", "normPosition", "init", "crossAttention"])
        if (command.getOptionValueSource(name) === "cli")
          throw new Error(`arch: --${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for --arch transformer`);
      return runRecommend(io, flags);
    });
}

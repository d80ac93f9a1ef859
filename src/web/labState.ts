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
} from "../core/internal.js";
import type { Dtype, NetworkSpec } from "../core/internal.js";
import type { NetworkDescription } from "../experiment/networkDescription.js";
import {
  NETWORK_LIMITS,
  NetworkDescriptionSchema,
  networkSpecFrom,
  parseWidthList,
} from "../experiment/networkDescription.js";

export const VIEWS = ["signal", "distributions", "phase", "inspector", "study", "audit"] as const;
export type View = (typeof VIEWS)[number];

/** The controls each view uses ("all" for the network views); the others are hidden there. */
export const VIEW_CONTROLS: Record<View, readonly string[] | "all"> = {
  signal: "all",
  distributions: "all",
  phase: ["activation"],
  inspector: ["init", "width"],
  study: ["seed"],
  audit: ["seed"],
};

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
  /** bias initializer spec, or "none" (the name `initlab propagate --bias-init` and sweep points use: biasInit) */
  biasInit: string;
  norm: "none" | "layer" | "batch";
  /** residual branch depth, 0 = none */
  residual: number;
  /** the inspector's layer: "" = a dense width × width layer, else a keras-layout shape "3,3,64,128" with optional ":depthwise", ":transposed" or ":groups=G" */
  kernel: string;
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
  biasInit: "none",
  norm: "none",
  residual: 0,
  kernel: "",
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
};

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

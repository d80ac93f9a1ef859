import { DTYPES, parseActivation, parseInitSpec } from "../core/index.js";
import type { Dtype } from "../core/index.js";

export const VIEWS = ["signal", "distributions", "phase", "inspector", "study"] as const;
export type View = (typeof VIEWS)[number];

/** Everything the lab shows is a function of this state, and the state lives in the URL query. */
export interface LabState {
  view: View;
  init: string;
  activation: string;
  depth: number;
  width: number;
  batch: number;
  dtype: Dtype;
  seed: number;
  /** bias initializer spec, or "none" */
  bias: string;
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
  batch: 1,
  dtype: "float32",
  seed: 0,
  bias: "none",
  norm: "none",
  residual: 0,
  kernel: "",
};

/** Limits that keep one run in the browser around a second at most. */
export const LIMITS = { depth: 500, width: 2048, batch: 512 };

type Checker = (v: string) => unknown;

const int = (name: string, min: number, max: number): Checker => (v) => {
  const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= min && n <= max)) throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return n;
};
const oneOf = (name: string, values: readonly string[]): Checker => (v) => {
  if (!values.includes(v)) throw new Error(`${name} must be one of ${values.join(", ")}`);
  return v;
};
const CHECKS: Record<keyof LabState, Checker> = {
  view: oneOf("view", VIEWS),
  init: (v) => {
    parseInitSpec(v);
    return v;
  },
  activation: (v) => {
    parseActivation(v);
    return v;
  },
  depth: int("depth", 1, LIMITS.depth),
  width: int("width", 1, LIMITS.width),
  batch: int("batch", 1, LIMITS.batch),
  dtype: oneOf("dtype", DTYPES),
  seed: int("seed", 0, Number.MAX_SAFE_INTEGER),
  bias: (v) => {
    if (v !== "none") parseInitSpec(v);
    return v;
  },
  norm: oneOf("norm", ["none", "layer", "batch"]),
  residual: int("residual", 0, 100),
  kernel: (v) => {
    parseKernel(v);
    return v;
  },
};

/** Parses the inspector's kernel description. @throws a one-line error. */
export function parseKernel(v: string): { shape: number[]; depthwise: boolean; transposed: boolean; groups: number } | null {
  if (v.trim() === "") return null;
  const [dims, mod = ""] = v.split(":");
  const shape = dims.split(",").map((d) => (/^\d+$/.test(d.trim()) ? Number(d) : Number.NaN));
  if (shape.length < 2 || shape.some((d) => !(d >= 1))) throw new Error("kernel must be positive integers like 3,3,64,128 (keras layout), optionally :depthwise, :transposed or :groups=G");
  const g = /^groups=(\d+)$/.exec(mod);
  if (mod !== "" && mod !== "depthwise" && mod !== "transposed" && !g) throw new Error("kernel suffix must be :depthwise, :transposed or :groups=G");
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
      errors.push(`${key}=${JSON.stringify(raw)} ignored: ${(e as Error).message}; using ${String(DEFAULT_STATE[key])}`);
    }
  }
  for (const key of params.keys()) if (!(key in CHECKS)) errors.push(`unknown parameter ${key} ignored`);
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
  { id: "exploding", label: "The seed's exploding net", state: { init: "normal(std=1)", activation: "linear", depth: 100, width: 512, batch: 1, dtype: "float32", bias: "none", norm: "none", residual: 0 } },
  { id: "vanishing", label: "The seed's vanishing net", state: { init: "normal(std=0.01)", activation: "linear", depth: 100, width: 512, batch: 1, dtype: "float32", bias: "none", norm: "none", residual: 0 } },
  { id: "he-relu", label: "He for ReLU", state: { init: "he_normal", activation: "relu", depth: 50, width: 256, batch: 16, bias: "none", norm: "none", residual: 0 } },
  { id: "critical-tanh", label: "Critical tanh", state: { init: "normal(std=0.0829)", activation: "tanh", depth: 100, width: 256, batch: 16, bias: "normal(std=0.2236)", norm: "none", residual: 0 } },
  { id: "selu", label: "SELU", state: { init: "lecun_normal", activation: "selu", depth: 100, width: 256, batch: 16, bias: "none", norm: "none", residual: 0 } },
];

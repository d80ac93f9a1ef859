import { calculateGain } from "./gain.js";
import type { Framework } from "./kernel.js";

/**
 * How a framework spells an initializer, and how initlab reads it: the framework's own name and
 * parameter names, mapped onto a catalog entry. `params` maps each native parameter to initlab's
 * (null: accepted only at its default, e.g. JAX's in_axis), "seed" for a seed; `positional` is
 * the order of positional arguments (after PyTorch's tensor); `values` renames word values (TF.js's
 * fanIn → fan_in).
 */
interface NativeEntry {
  framework: Framework;
  native: string;
  initlab: string;
  params: Record<string, string | null>;
  positional: string[];
  defaults?: Record<string, number | string>;
}

const K = (native: string, initlab: string, params: Record<string, string | null> = {}): NativeEntry => ({
  framework: "keras",
  native,
  initlab,
  params: { ...params, seed: "seed" },
  positional: [...Object.keys(params), "seed"],
});
const KERAS: NativeEntry[] = [
  K("RandomNormal", "normal", { mean: "mean", stddev: "std" }),
  K("RandomUniform", "uniform", { minval: "low", maxval: "high" }),
  K("TruncatedNormal", "truncated_normal", { mean: "mean", stddev: "std" }),
  K("VarianceScaling", "variance_scaling", { scale: "scale", mode: "mode", distribution: "distribution" }),
  K("GlorotUniform", "glorot_uniform"),
  K("GlorotNormal", "glorot_normal"),
  K("HeNormal", "he_normal"),
  K("HeUniform", "he_uniform"),
  K("LecunNormal", "lecun_normal"),
  K("LecunUniform", "lecun_uniform"),
  K("Orthogonal", "orthogonal", { gain: "gain" }),
  { framework: "keras", native: "Constant", initlab: "constant", params: { value: "value" }, positional: ["value"] },
  { framework: "keras", native: "Identity", initlab: "identity", params: { gain: "gain" }, positional: ["gain"] },
  { framework: "keras", native: "Zeros", initlab: "zeros", params: {}, positional: [] },
  { framework: "keras", native: "Ones", initlab: "ones", params: {}, positional: [] },
];
/** Keras's string names (`"glorot_uniform"`, `keras.initializers.random_normal()`) for its classes. */
const KERAS_SNAKE: Record<string, string> = {
  random_normal: "RandomNormal",
  random_uniform: "RandomUniform",
  truncated_normal: "TruncatedNormal",
  variance_scaling: "VarianceScaling",
  glorot_uniform: "GlorotUniform",
  glorot_normal: "GlorotNormal",
  he_normal: "HeNormal",
  he_uniform: "HeUniform",
  lecun_normal: "LecunNormal",
  lecun_uniform: "LecunUniform",
  orthogonal: "Orthogonal",
  constant: "Constant",
  identity: "Identity",
  zeros: "Zeros",
  ones: "Ones",
};

const T = (native: string, initlab: string, params: Record<string, string | null> = {}): NativeEntry => ({
  framework: "tfjs",
  native,
  initlab,
  params: { ...params, seed: "seed" },
  positional: [],
});
const TFJS: NativeEntry[] = [
  T("randomNormal", "normal", { mean: "mean", stddev: "std" }),
  T("randomUniform", "uniform", { minval: "low", maxval: "high" }),
  T("truncatedNormal", "truncated_normal", { mean: "mean", stddev: "std" }),
  T("varianceScaling", "variance_scaling", { scale: "scale", mode: "mode", distribution: "distribution" }),
  T("glorotUniform", "glorot_uniform"),
  T("glorotNormal", "glorot_normal"),
  T("heNormal", "he_normal"),
  T("heUniform", "he_uniform"),
  T("leCunNormal", "lecun_normal"),
  T("leCunUniform", "lecun_uniform"),
  T("orthogonal", "orthogonal", { gain: "gain" }),
  { framework: "tfjs", native: "constant", initlab: "constant", params: { value: "value" }, positional: [] },
  { framework: "tfjs", native: "identity", initlab: "identity", params: { gain: "gain" }, positional: [] },
  { framework: "tfjs", native: "zeros", initlab: "zeros", params: {}, positional: [] },
  { framework: "tfjs", native: "ones", initlab: "ones", params: {}, positional: [] },
];
/** TF.js's word values: modes and distributions in camelCase. */
const TFJS_VALUES: Record<string, string> = {
  fanIn: "fan_in",
  fanOut: "fan_out",
  fanAvg: "fan_avg",
  truncatedNormal: "truncated_normal",
  normal: "normal",
  uniform: "uniform",
};

const P = (native: string, initlab: string, params: Record<string, string | null> = {}): NativeEntry => ({
  framework: "torch",
  native,
  initlab,
  params: { ...params, generator: null },
  positional: Object.keys(params),
});
const TORCH: NativeEntry[] = [
  P("normal_", "normal", { mean: "mean", std: "std" }),
  P("uniform_", "uniform", { a: "low", b: "high" }),
  P("trunc_normal_", "truncated_normal", { mean: "mean", std: "std", a: "a", b: "b" }),
  P("constant_", "constant", { val: "value" }),
  P("ones_", "ones"),
  P("zeros_", "zeros"),
  P("eye_", "identity"),
  P("dirac_", "dirac", { groups: "groups" }),
  P("xavier_uniform_", "glorot_uniform", { gain: "gain" }),
  P("xavier_normal_", "glorot_normal", { gain: "gain" }),
  P("kaiming_uniform_", "he_uniform", { a: "a", mode: "mode", nonlinearity: "nonlinearity" }),
  P("kaiming_normal_", "he_normal", { a: "a", mode: "mode", nonlinearity: "nonlinearity" }),
  P("orthogonal_", "orthogonal", { gain: "gain" }),
  P("sparse_", "sparse", { sparsity: "sparsity", std: "std" }),
];

/** JAX's axis arguments: initlab reads kernels in the framework's layout, so only their defaults. */
const AXES = { in_axis: null, out_axis: null, batch_axis: null, dtype: null };
const J = (native: string, initlab: string, params: Record<string, string | null> = {}): NativeEntry => ({
  framework: "jax",
  native,
  initlab,
  params: { ...params, ...AXES },
  positional: Object.keys(params),
});
const VS = (native: string, initlab: string): NativeEntry => J(native, initlab);
const JAX: NativeEntry[] = [
  J("variance_scaling", "variance_scaling", { scale: "scale", mode: "mode", distribution: "distribution" }),
  VS("glorot_uniform", "glorot_uniform"),
  VS("glorot_normal", "glorot_normal"),
  VS("xavier_uniform", "glorot_uniform"),
  VS("xavier_normal", "glorot_normal"),
  VS("he_uniform", "he_uniform"),
  VS("he_normal", "he_normal"),
  VS("kaiming_uniform", "he_uniform"),
  VS("kaiming_normal", "he_normal"),
  VS("lecun_uniform", "lecun_uniform"),
  VS("lecun_normal", "lecun_normal"),
  { ...J("normal", "normal", { stddev: "std" }), params: { stddev: "std", dtype: null } },
  { ...J("uniform", "uniform", { scale: "high" }), params: { scale: "high", dtype: null } },
  {
    ...J("truncated_normal", "truncated_normal", { stddev: "std" }),
    params: { stddev: "std", dtype: null, lower: "a", upper: "b" },
    positional: ["stddev", "dtype", "lower", "upper"],
  },
  { ...J("orthogonal", "orthogonal", { scale: "gain" }), params: { scale: "gain", column_axis: null, dtype: null } },
  {
    ...J("delta_orthogonal", "delta_orthogonal", { scale: "gain" }),
    params: { scale: "gain", column_axis: null, dtype: null },
  },
  { ...J("constant", "constant", { value: "value" }), params: { value: "value", dtype: null } },
  { ...J("zeros", "zeros"), params: {} },
  { ...J("ones", "ones"), params: {} },
];

/** The prefixes a spelling may carry, and the framework each implies (null: decided by the name). */
const PREFIXES: [RegExp, Framework | null][] = [
  [/^(tf\.keras|keras)\.initializers\./, "keras"],
  [/^tf\.initializers\./, "tfjs"],
  [/^jax\.nn\.initializers\./, "jax"],
  [/^(flax\.linen\.|nn\.)initializers\./, "flax"],
  [/^(torch\.nn\.init\.|nn\.init\.)/, "torch"],
  [/^initializers\./, null],
];

/** How initlab read a framework spelling: the catalog spec, the framework it implies, its seed. */
export interface NativeReading {
  name: string;
  params: Record<string, number | string>;
  framework: Framework;
  /** a seed the spelling carries (Keras's seed=, TF.js's {seed}), else null */
  seed: number | null;
  /** the framework's own name, e.g. "keras TruncatedNormal" */
  native: string;
}

type Value = number | string | boolean | null;

/** Splits at the commas outside brackets and quotes. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (c === "," && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  const last = s.slice(start);
  if (last.trim() !== "" || out.length > 0) out.push(last);
  return out.map((p) => p.trim()).filter((p) => p !== "");
}

/**
 * A value as the frameworks write them: a number, a quoted string, True/False/None (also
 * true/false/null), `math.sqrt(x)`, `calculate_gain('name'[, param])` (with or without
 * `nn.init.`/`torch.nn.init.`), and unary minus on any of those.
 */
function readValue(raw: string, where: string): Value {
  const s = raw.trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return Number(s);
  const q = /^(['"])(.*)\1$/.exec(s);
  if (q) return q[2];
  if (/^(True|true)$/.test(s)) return true;
  if (/^(False|false)$/.test(s)) return false;
  if (/^(None|null|undefined)$/.test(s)) return null;
  if (s.startsWith("-")) {
    const v = readValue(s.slice(1), where);
    if (typeof v === "number") return -v;
  }
  const sqrt = /^(math\.|np\.|numpy\.|Math\.)?sqrt\((.*)\)$/.exec(s);
  if (sqrt) {
    const v = readValue(sqrt[2], where);
    if (typeof v === "number" && v >= 0) return Math.sqrt(v);
  }
  const gain = /^(torch\.nn\.init\.|nn\.init\.|init\.)?calculate_gain\((.*)\)$/.exec(s);
  if (gain) {
    const args = splitTop(gain[2]).map((a) => readValue(a.replace(/^(nonlinearity|param)\s*=/, ""), where));
    if (typeof args[0] === "string") return calculateGain(args[0], typeof args[1] === "number" ? args[1] : undefined);
  }
  throw new SyntaxError(
    `init: cannot read ${JSON.stringify(s)} in ${where} (a number, a quoted word, math.sqrt(x) or calculate_gain('name'))`,
  );
}

/** Whether an argument is a name or call that {@link readValue} does not read as a value. */
function isExpression(part: string): boolean {
  return (
    /^[A-Za-z_][\w.]*(\(.*\))?$/s.test(part) &&
    !/^(math|np|numpy|Math|torch\.nn\.init|nn\.init|init)?\.?(sqrt|calculate_gain)\(/.test(part) &&
    !/^(True|False|None|true|false|null|undefined)$/.test(part)
  );
}

/** The arguments of a call: positional values and key=value (Python) or one {key: value} object (TF.js). */
function readArgs(body: string, where: string): { positional: Value[]; named: Record<string, Value> } {
  const parts = splitTop(body);
  const positional: Value[] = [];
  const named: Record<string, Value> = {};
  for (const part of parts) {
    const obj = /^\{(.*)\}$/s.exec(part);
    if (obj) {
      for (const kv of splitTop(obj[1])) {
        const m = /^['"]?([A-Za-z_]\w*)['"]?\s*:\s*(.+)$/s.exec(kv);
        if (!m) throw new SyntaxError(`init: ${JSON.stringify(kv)} in ${where} needs the form key: value`);
        named[m[1]] = readValue(m[2], where);
      }
      continue;
    }
    const kv = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$/s.exec(part);
    // PyTorch's tensor argument may be any expression: kept aside, never read
    if (kv && kv[1] === "tensor") named.tensor = `#${kv[2]}`;
    else if (kv) named[kv[1]] = readValue(kv[2], where);
    else if (Object.keys(named).length > 0)
      throw new SyntaxError(`init: a positional argument after a named one in ${where}`);
    // a bare name or call that is not a value (PyTorch's tensor `w`, `torch.empty(3, 4)`): kept aside as #text
    else positional.push(isExpression(part) ? `#${part}` : readValue(part, where));
  }
  return { positional, named };
}

const ALL: NativeEntry[] = [...KERAS, ...TFJS, ...TORCH, ...JAX];

function findEntry(name: string, framework: Framework | null): NativeEntry | null {
  const fw = framework === "flax" ? "jax" : framework;
  if (fw === "keras" && KERAS_SNAKE[name]) return KERAS.find((e) => e.native === KERAS_SNAKE[name])!;
  const candidates = ALL.filter((e) => e.native === name && (fw === null || e.framework === fw));
  return candidates[0] ?? null;
}

/**
 * Reads a framework's own spelling of an initializer, or returns null when no framework has that
 * name (callers try initlab's own grammar first: a snake_case name without a prefix is JAX's only
 * when initlab's reading of it fails):
 * - Keras/TF: `TruncatedNormal(mean=0.0, stddev=0.05)`, `VarianceScaling(2.0, "fan_in", "normal")`,
 *   `keras.initializers.GlorotUniform()`, `"he_normal"` after a `keras.initializers.` prefix;
 * - TF.js: `tf.initializers.truncatedNormal({stddev: 0.05})`, `heNormal({seed: 1})`;
 * - PyTorch: `nn.init.kaiming_uniform_(w, a=math.sqrt(5), mode='fan_in', nonlinearity='leaky_relu')`,
 *   `trunc_normal_(std=.02, a=-2, b=2)`, `xavier_normal_(gain=nn.init.calculate_gain('tanh'))` — the
 *   tensor argument omitted, named or first;
 * - JAX/Flax: `jax.nn.initializers.variance_scaling(2.0, "fan_in", "truncated_normal")`,
 *   `nn.initializers.lecun_normal()`, `normal(stddev=1e-2)`.
 * @throws a one-line error naming the spelling's own parameters when one is unknown.
 */
export function readNativeSpec(text: string): NativeReading | null {
  const quoted = /^(['"])(.*)\1$/.exec(text.trim());
  let s = quoted ? quoted[2] : text.trim();
  // a quoted name is Keras's string identifier ("he_normal")
  let framework: Framework | null = quoted ? "keras" : null;
  let prefixed = quoted !== null;

  for (const [re, fw] of PREFIXES)
    if (re.test(s)) {
      s = s.replace(re, "");
      framework = fw;
      prefixed = true;
      break;
    }
  const m = /^([A-Za-z_]\w*)\s*(?:\((.*)\))?$/s.exec(s);
  if (!m) return null;
  const name = m[1];
  const body = m[2] ?? "";
  // unprefixed: Keras's classes are CamelCase, TF.js's factories camelCase, PyTorch's end in _, the rest is JAX's
  const implied =
    framework ?? (/^[A-Z]/.test(name) ? "keras" : /[a-z][A-Z]/.test(name) ? "tfjs" : /_$/.test(name) ? "torch" : "jax");
  const entry = findEntry(name, implied) ?? (framework === null ? findEntry(name, null) : null);
  if (!entry) {
    if (!prefixed) return null;
    throw new RangeError(
      `init: ${framework ?? "a framework"} has no initializer ${JSON.stringify(name)} that initlab reads`,
    );
  }
  const fw: Framework = framework === "flax" ? "flax" : entry.framework;
  const label = `${fw} ${entry.native}`;
  const args = readArgs(body, JSON.stringify(text.trim()));
  // PyTorch's tensor: a named tensor=, or a first positional argument that is a name
  if (entry.framework === "torch") {
    delete args.named.tensor;
    if (typeof args.positional[0] === "string" && args.positional[0].startsWith("#")) args.positional.shift();
  }
  for (const v of args.positional)
    if (typeof v === "string" && v.startsWith("#"))
      throw new SyntaxError(`init: cannot read ${JSON.stringify(v.slice(1))} in ${label}`);
  const allowed = Object.keys(entry.params);
  const params: Record<string, number | string> = {};
  let seed: number | null = null;
  const set = (key: string, value: Value) => {
    if (!(key in entry.params))
      throw new RangeError(
        `${label}: unknown parameter ${key}; ${label} takes ${allowed.length ? allowed.join(", ") : "no parameters"}`,
      );
    const to = entry.params[key];
    if (value === null) return;
    if (to === null)
      throw new RangeError(
        `${label}: ${key} is read at its default only (initlab uses the framework's own kernel layout)`,
      );
    if (to === "seed") {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
        throw new RangeError(`${label}: seed must be an integer >= 0, got ${String(value)}`);
      seed = value;
      return;
    }
    if (typeof value === "boolean") throw new RangeError(`${label}: ${key} must be a number or a word, got ${value}`);
    params[to] = typeof value === "string" && entry.framework === "tfjs" ? (TFJS_VALUES[value] ?? value) : value;
  };
  if (args.positional.length > entry.positional.length)
    throw new RangeError(
      `${label}: takes at most ${entry.positional.length} positional arguments (${entry.positional.join(", ") || "none"}), got ${args.positional.length}`,
    );
  args.positional.forEach((v, i) => set(entry.positional[i], v));
  for (const [k, v] of Object.entries(args.named)) set(k, v);
  return { name: entry.initlab, params, framework: fw, seed, native: label };
}

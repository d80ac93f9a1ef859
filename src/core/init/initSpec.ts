import { INITIALIZERS } from "./catalog.js";
import type { Framework } from "./kernel.js";
import { readNativeSpec } from "./nativeSpelling.js";
import { parseOwnSpec } from "./specGrammar.js";

export { formatInitSpec, parseOwnSpec } from "./specGrammar.js";

/** A parsed initializer spec: `name(key=value, …)`. Values are numbers or bare words. */
export interface InitSpec {
  name: string;
  params: Record<string, number | string>;
  /** read from a framework's spelling: the framework it implies (a --framework given wins) */
  framework?: Framework;
  /** read from a framework's spelling: the seed it carries (Keras's seed=, TF.js's {seed}) */
  seed?: number | null;
  /** read from a framework's spelling: the framework's own name, e.g. "keras TruncatedNormal" */
  native?: string;
}

/** Whether a spec in initlab's grammar names a catalog entry with parameters it knows by these names. */
function isOwnSpec(spec: InitSpec): boolean {
  const def = INITIALIZERS.find((d) => d.name === spec.name || d.aliases.includes(spec.name));
  return def !== undefined && Object.keys(spec.params).every((k) => k in def.params);
}

/**
 * Reads a spec in initlab's grammar ({@link parseOwnSpec}) or, where that reading is not a catalog
 * entry with its parameters, in a framework's own spelling ({@link readNativeSpec}: Keras, TF.js,
 * PyTorch, JAX/Flax), which also says the framework it implies and any seed it carries.
 * @throws a one-line error: the framework spelling's own (naming its parameters) when the text is
 *   one, else initlab's grammar's.
 */
export function parseInitSpec(text: string): InitSpec {
  let own: InitSpec | null = null;
  let error: unknown = null;
  try {
    own = parseOwnSpec(text);
  } catch (e) {
    error = e;
  }
  // initlab's names are snake_case: a capitalised name (Keras's Orthogonal) is a framework's
  const name = text.trim().split("(")[0].trim();
  if (own && isOwnSpec(own) && name === name.toLowerCase()) return own;
  let native: ReturnType<typeof readNativeSpec>;
  try {
    native = readNativeSpec(text);
  } catch (e) {
    // initlab's own name with nothing of a framework's syntax: initlab's reading, and its error, stand
    const plain = /^[a-z_][a-z0-9_]*$/.test(name) && !name.endsWith("_") && !/['"{}]/.test(text);
    if (plain && INITIALIZERS.some((d) => d.name === name || d.aliases.includes(name))) {
      if (own) return own;
      throw error;
    }
    throw e;
  }
  if (native)
    return {
      name: native.name,
      params: native.params,
      framework: native.framework,
      seed: native.seed,
      native: native.native,
    };
  if (own) return own;
  throw error;
}

/**
 * Splits a comma-separated list of specs at the commas outside parentheses:
 * "he_normal,normal(mean=0,std=0.1),default" → ["he_normal", "normal(mean=0,std=0.1)", "default"].
 * @throws a one-line error for unbalanced parentheses or an empty entry.
 */
export function splitSpecList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) throw new SyntaxError(`spec list: unbalanced ")" in ${JSON.stringify(text)}`);
    else if ((ch === "," && depth === 0) || i === text.length) {
      const item = text.slice(start, i).trim();
      if (item === "") throw new SyntaxError(`spec list: an empty entry in ${JSON.stringify(text)}`);
      out.push(item);
      start = i + 1;
    }
  }
  if (depth !== 0) throw new SyntaxError(`spec list: missing ")" in ${JSON.stringify(text)}`);
  return out;
}

import type { InitSpec } from "./initSpec.js";

/** A parameter an initializer accepts. */
export type ParamDef =
  | {
      kind: "number";
      default: number | null;
      min?: number;
      max?: number;
      exclusiveMin?: boolean;
      integer?: boolean;
      doc: string;
    }
  | { kind: "word"; default: string | null; values: readonly string[]; doc: string };

export type ParamDefs = Record<string, ParamDef>;

/** Parameter values after defaults; numbers and words as declared. */
export type ParamValues = Record<string, number | string | null>;

/**
 * Checks a spec's parameters against the definitions and fills defaults.
 * @throws a one-line error naming the parameter and what is allowed (unknown names list the valid ones).
 */
export function bindParams(spec: InitSpec, defs: ParamDefs, label = spec.name): ParamValues {
  const out: ParamValues = {};
  for (const key of Object.keys(spec.params)) {
    if (!(key in defs)) {
      const valid = Object.keys(defs);
      throw new RangeError(`${label}: unknown parameter ${key}; valid: ${valid.length ? valid.join(", ") : "(none)"}`);
    }
  }
  for (const [key, def] of Object.entries(defs)) {
    const given = spec.params[key];
    if (given === undefined) {
      out[key] = def.default;
      continue;
    }
    if (def.kind === "number") {
      if (typeof given !== "number" || !Number.isFinite(given))
        throw new RangeError(`${label}: ${key} must be a finite number, got ${given}`);
      if (def.integer && !Number.isInteger(given))
        throw new RangeError(`${label}: ${key} must be an integer, got ${given}`);
      if (def.min !== undefined && (def.exclusiveMin ? given <= def.min : given < def.min)) {
        throw new RangeError(`${label}: ${key} must be ${def.exclusiveMin ? ">" : ">="} ${def.min}, got ${given}`);
      }
      if (def.max !== undefined && given > def.max)
        throw new RangeError(`${label}: ${key} must be <= ${def.max}, got ${given}`);
      out[key] = given;
    } else {
      if (typeof given !== "string" || !def.values.includes(given)) {
        throw new RangeError(`${label}: ${key} must be one of ${def.values.join(", ")}, got ${given}`);
      }
      out[key] = given;
    }
  }
  return out;
}

/** Reads a bound number parameter. */
export function num(p: ParamValues, key: string): number {
  const v = p[key];
  if (typeof v !== "number") throw new RangeError(`${key}: required`);
  return v;
}

/** Reads a bound word parameter. */
export function word(p: ParamValues, key: string): string {
  const v = p[key];
  if (typeof v !== "string") throw new RangeError(`${key}: required`);
  return v;
}

import { InvalidArgumentError } from "commander";
import type { Dtype } from "../core/internal.js";
import {
  DTYPES,
  findInitializer,
  integerMessage,
  oneOfMessage,
  parseInitSpec,
  splitSpecList,
} from "../core/internal.js";

/** Parses `--seed`: an integer from 0 to 2⁵³−1 (0 is a seed). */
export function parseSeedArg(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new InvalidArgumentError(`${integerMessage("seed", 0, Number.MAX_SAFE_INTEGER)}.`);
  return n;
}

/** A parser for a positive integer option, with inclusive bounds. */
export function positiveIntArg(name: string, max: number): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`${integerMessage(name, 1, max)}.`);
    return n;
  };
}

/** A parser for a positive finite number option (e.g. seconds), at most `max`. */
export function positiveNumberArg(name: string, max = 86400): (value: string) => number {
  return (value) => {
    const n = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!(n > 0 && n <= max))
      throw new InvalidArgumentError(
        `${name}: must be a number greater than 0 and at most ${max}, got ${JSON.stringify(value)}.`,
      );
    return n;
  };
}

/** A parser for a dtype option accepting `allowed` (default: every dtype). */
export function dtypeArg(allowed: readonly Dtype[] = DTYPES): (value: string) => Dtype {
  return (value) => {
    if ((allowed as readonly string[]).includes(value)) return value as Dtype;
    throw new InvalidArgumentError(oneOfMessage("dtype", allowed, value));
  };
}

/** Parses `--dtype` (any dtype). */
export const parseDtypeArg = dtypeArg();

/** A parser for an option with a fixed set of values, erring in the same words as the lab and sweep files ({@link oneOfMessage}). */
export function choiceArg<T extends string>(field: string, allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(oneOfMessage(field, allowed, value));
  };
}

/** The most seeds one `--seeds` list may name. */
export const MAX_SEEDS = 1000;

/** Parses `--seeds`: a range "0-9" (inclusive) or a list "0,3,7", each a seed, at most {@link MAX_SEEDS}, no repeats. */
export function parseSeedListArg(value: string): number[] {
  const message = `seeds must be a range a-b or a list a,b,c of integers from 0 to ${Number.MAX_SAFE_INTEGER}, at most ${MAX_SEEDS} distinct seeds (e.g. 0-9).`;
  const range = /^(\d+)-(\d+)$/.exec(value.trim());
  let seeds: number[];
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (!(Number.isSafeInteger(a) && Number.isSafeInteger(b) && a <= b && b - a < MAX_SEEDS))
      throw new InvalidArgumentError(message);
    seeds = Array.from({ length: b - a + 1 }, (_, i) => a + i);
  } else {
    seeds = value.split(",").map((p) => (/^\d+$/.test(p.trim()) ? Number(p) : Number.NaN));
    if (seeds.some((s) => !Number.isSafeInteger(s)) || seeds.length > MAX_SEEDS || new Set(seeds).size !== seeds.length)
      throw new InvalidArgumentError(message);
  }
  return seeds;
}

/** Parses a `--compare` list of initializer specs (commas inside parentheses belong to a spec), each checked against the catalog. */
export function parseSpecListArg(value: string): string[] {
  try {
    const specs = splitSpecList(value);
    for (const s of specs) findInitializer(parseInitSpec(s).name);
    return specs;
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

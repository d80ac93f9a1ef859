import { InvalidArgumentError } from "commander";
import type { Dtype } from "../core/internal.js";
import { DTYPES } from "../core/internal.js";

/** Parses `--seed`: an integer from 0 to 2⁵³−1 (0 is a seed). */
export function parseSeedArg(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new InvalidArgumentError(`seed must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}.`);
  return n;
}

/** A parser for a positive integer option, with inclusive bounds. */
export function positiveIntArg(name: string, max: number): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from 1 to ${max}.`);
    return n;
  };
}

/** A parser for a dtype option accepting `allowed` (default: every dtype). */
export function dtypeArg(allowed: readonly Dtype[] = DTYPES): (value: string) => Dtype {
  return (value) => {
    if ((allowed as readonly string[]).includes(value)) return value as Dtype;
    throw new InvalidArgumentError(`must be one of: ${allowed.join(", ")}.`);
  };
}

/** Parses `--dtype` (any dtype). */
export const parseDtypeArg = dtypeArg();

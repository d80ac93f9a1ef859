import fc from "fast-check";
import { expect } from "vitest";
import { isInternalError } from "../../src/cli/main.js";

/**
 * The fuzz campaigns' size and seed: `npm test` runs a short one (FUZZ_RUNS unset: 150 cases a
 * surface), `npm run fuzz` the long one (FUZZ_RUNS=10000); FUZZ_SEED reproduces a campaign (the
 * seed is printed with every surface's count, and fast-check prints a failing case's path).
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 150);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261202);

/** Counts of the cases each surface ran, printed at the end of a campaign. */
export const counts = new Map<string, { cases: number; failures: number }>();

/**
 * Runs a property over `runs` generated cases (seeded) and records the count; a failure throws
 * fast-check's report (the minimal counterexample, its seed and path).
 */
export async function campaign<T>(
  surface: string,
  arb: fc.Arbitrary<T>,
  property: (value: T) => void | Promise<void>,
  runs = FUZZ_RUNS,
): Promise<void> {
  let cases = 0;
  try {
    await fc.assert(
      fc.asyncProperty(arb, async (v) => {
        cases++;
        await property(v);
      }),
      { numRuns: runs, seed: FUZZ_SEED, endOnFailure: true },
    );
    counts.set(surface, { cases, failures: 0 });
  } catch (e) {
    counts.set(surface, { cases, failures: 1 });
    throw e;
  }
  console.log(`fuzz ${surface}: ${cases} cases, seed ${FUZZ_SEED}, 0 failures`);
}

/**
 * What every refusal must be: an Error initlab threw on purpose (not a TypeError, a stack overflow
 * or an allocation failure), whose message is one line, names what it is about before a colon
 * ("depth: …", "keras TruncatedNormal: …", "model: …"), and is not a wall of text.
 */
export function expectOneLineRefusal(e: unknown): void {
  expect(e).toBeInstanceOf(Error);
  expect(isInternalError(e), `internal error: ${String((e as Error).stack)}`).toBe(false);
  const message = (e as Error).message;
  expect(message.length).toBeGreaterThan(0);
  expect(message.length).toBeLessThan(600);
  expect(message.includes("\n"), `multi-line: ${message}`).toBe(false);
  expect(message, "the message names its subject before a colon").toMatch(/^[^:]{1,120}:/);
}

/** Runs `f`; a throw must be a one-line refusal. Returns whether it threw. */
export function refusedOrRan(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch (e) {
    expectOneLineRefusal(e);
    return true;
  }
}

/** Text a person might type: catalog and framework words, punctuation of the grammars, numbers, and noise. */
export function tokenSoup(tokens: readonly string[]): fc.Arbitrary<string> {
  const token = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...tokens) },
    {
      weight: 3,
      arbitrary: fc.constantFrom("(", ")", ",", "=", "{", "}", ":", "'", '"', ".", " ", "-", "_", "[", "]"),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.integer(),
        fc.double().map(String),
        fc.constantFrom("1e308", "-0", "NaN", "Infinity", "1e-400", "0x10", "2**31"),
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
  );
  return fc.array(token, { maxLength: 14 }).map((t) => t.join(""));
}

/** Mutations of a file's bytes: flips, truncations, insertions, and large numbers written over a length. */
export function mutatedBytes(original: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = original.length;
  const flip = fc.tuple(fc.nat(n - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
    const b = Uint8Array.from(original);
    b[i] ^= x;
    return b;
  });
  const flips = fc
    .array(fc.tuple(fc.nat(n - 1), fc.integer({ min: 0, max: 255 })), { minLength: 2, maxLength: 12 })
    .map((ps) => {
      const b = Uint8Array.from(original);
      for (const [i, x] of ps) b[i] = x;
      return b;
    });
  const truncate = fc.nat(n).map((k) => original.slice(0, k));
  const insert = fc.tuple(fc.nat(n), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([i, ins]) => {
    const b = new Uint8Array(n + ins.length);
    b.set(original.subarray(0, i));
    b.set(ins, i);
    b.set(original.subarray(i), i + ins.length);
    return b;
  });
  // a varint or length field made huge: 0xff… continuation bytes, or a u64 of 2^k − 1
  const huge = fc.tuple(fc.nat(Math.max(0, n - 9)), fc.integer({ min: 1, max: 9 })).map(([i, k]) => {
    const b = Uint8Array.from(original);
    for (let j = 0; j < k && i + j < n; j++) b[i + j] = j === k - 1 ? 0x7f : 0xff;
    return b;
  });
  return fc.oneof(flip, flips, truncate, insert, huge);
}

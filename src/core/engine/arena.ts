/**
 * Hands out slices of one preallocated Float64Array, so that a run through a network allocates
 * once rather than a few arrays per layer (in V8 every typed array of more than a few dozen
 * elements is a separate off-heap allocation, and many of them trigger extra garbage collections).
 * Slices start zeroed; past its capacity an arena falls back to fresh arrays.
 */
export interface Arena {
  take(n: number): Float64Array;
}

/** An arena of `capacity` float64 values. */
export function arena(capacity: number): Arena {
  const buffer = new Float64Array(capacity);
  let used = 0;
  return {
    take(n) {
      if (used + n > capacity) return new Float64Array(n);
      used += n;
      return buffer.subarray(used - n, used);
    },
  };
}

/** No arena: every slice a fresh array. */
export const freshArrays: Arena = { take: (n) => new Float64Array(n) };

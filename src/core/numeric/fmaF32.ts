const fr = Math.fround;

/**
 * round₃₂(a·b + c) with one rounding, as a fused multiply-add gives it, for float32 a, b, c: a·b is
 * exact in float64 (24 + 24 bits); the sum is rounded to float64 with its error kept (two-sum), and
 * a float64 sum that lands exactly between two float32 values is settled by that error's sign.
 */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  const f = fr(s);
  if (err === 0 || f === s) return f;
  // the float32 neighbour on the other side of s, and whether s is their midpoint
  const other = f < s ? nextUp32(f) : nextDown32(f);
  if ((f + other) / 2 !== s) return f;
  return err > 0 ? Math.max(f, other) : Math.min(f, other);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function nextUp32(x: number): number {
  f32[0] = x;
  if (x === 0) return 1.401298464324817e-45;
  u32[0] += x > 0 ? 1 : -1;
  return f32[0];
}
function nextDown32(x: number): number {
  return -nextUp32(-x);
}

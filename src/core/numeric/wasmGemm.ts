import type { Dtype } from "./dtype.js";
import { gemm } from "./gemm.js";

/** The slice of the WebAssembly API used here (declared locally: core compiles without DOM or Node types). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

type Arr = Float64Array | Float32Array;

const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// opcodes (WebAssembly core 2.0 with fixed-width SIMD)
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = 0x0b;
const BR = (d: number) => [0x0c, d];
const BR_IF = (d: number) => [0x0d, d];
const GET = (x: number) => [0x20, x];
const SET = (x: number) => [0x21, x];
const TEE = (x: number) => [0x22, x];
const I32 = (v: number) => [0x41, ...uleb(v)]; // non-negative values < 64 encode the same signed
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_SHL = 0x74;
const I32_GE_U = 0x4f;
const I32_GT_U = 0x4b;
const F32_LOAD = [0x2a, 0x02, 0x00];
const F32_STORE = [0x38, 0x02, 0x00];
const F32_ADD = 0x92;
const F32_MUL = 0x94;
const V128_LOAD = [0xfd, 0x00, 0x02, 0x00];
const V128_STORE = [0xfd, 0x0b, 0x02, 0x00];
const F32X4_SPLAT = [0xfd, 0x13];
const F32X4_ADD = [0xfd, 0xe4, 0x01];
const F32X4_MUL = [0xfd, 0xe6, 0x01];

// params 0 a, 1 b, 2 out, 3 m, 4 k, 5 n; locals 6 i, 7 p, 8 j, 9 orow, 10 brow (i32), 11 as (f32), 12 av (v128)
const [A, B, OUT, M, K, N, I, P, J, OROW, BROW, AS, AV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const addr = (base: number, idx: number) => [...GET(base), ...GET(idx), ...I32(2), I32_SHL, I32_ADD];

/**
 * out[i, :] += Σ_p a[i, p]·b[p, :] over p ascending, four columns at a time with f32x4 mul and add
 * (each rounds to float32, as IEEE single precision does; WebAssembly has no implicit fusing and keeps
 * subnormals), the leftover columns with scalar f32 ops — the same operations in the same order as
 * {@link gemm}'s float32 path, so the results are bit-identical.
 */
const BODY = [
  ...I32(0),
  ...SET(I),
  ...BLOCK,
  ...LOOP,
  ...GET(I),
  ...GET(M),
  I32_GE_U,
  ...BR_IF(1),
  ...GET(OUT),
  ...GET(I),
  ...GET(N),
  I32_MUL,
  ...I32(2),
  I32_SHL,
  I32_ADD,
  ...SET(OROW),
  ...I32(0),
  ...SET(P),
  ...BLOCK,
  ...LOOP,
  ...GET(P),
  ...GET(K),
  I32_GE_U,
  ...BR_IF(1),
  ...GET(A),
  ...GET(I),
  ...GET(K),
  I32_MUL,
  ...GET(P),
  I32_ADD,
  ...I32(2),
  I32_SHL,
  I32_ADD,
  ...F32_LOAD,
  ...TEE(AS),
  ...F32X4_SPLAT,
  ...SET(AV),
  ...GET(B),
  ...GET(P),
  ...GET(N),
  I32_MUL,
  ...I32(2),
  I32_SHL,
  I32_ADD,
  ...SET(BROW),
  ...I32(0),
  ...SET(J),
  ...BLOCK,
  ...LOOP,
  ...GET(J),
  ...I32(4),
  I32_ADD,
  ...GET(N),
  I32_GT_U,
  ...BR_IF(1),
  ...addr(OROW, J),
  ...addr(OROW, J),
  ...V128_LOAD,
  ...GET(AV),
  ...addr(BROW, J),
  ...V128_LOAD,
  ...F32X4_MUL,
  ...F32X4_ADD,
  ...V128_STORE,
  ...GET(J),
  ...I32(4),
  I32_ADD,
  ...SET(J),
  ...BR(0),
  END,
  END,
  ...BLOCK,
  ...LOOP,
  ...GET(J),
  ...GET(N),
  I32_GE_U,
  ...BR_IF(1),
  ...addr(OROW, J),
  ...addr(OROW, J),
  ...F32_LOAD,
  ...GET(AS),
  ...addr(BROW, J),
  ...F32_LOAD,
  F32_MUL,
  F32_ADD,
  ...F32_STORE,
  ...GET(J),
  ...I32(1),
  I32_ADD,
  ...SET(J),
  ...BR(0),
  END,
  END,
  ...GET(P),
  ...I32(1),
  I32_ADD,
  ...SET(P),
  ...BR(0),
  END,
  END,
  ...GET(I),
  ...I32(1),
  I32_ADD,
  ...SET(I),
  ...BR(0),
  END,
  END,
  END,
];

function moduleBytes(): Uint8Array {
  const funcBody = [
    ...vec([
      [...uleb(5), 0x7f],
      [...uleb(1), 0x7d],
      [...uleb(1), 0x7b],
    ]),
    ...BODY,
  ];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([[0x60, ...vec([[0x7f], [0x7f], [0x7f], [0x7f], [0x7f], [0x7f]]), ...vec([])]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(
      7,
      vec([
        [...str("mm"), 0x00, 0],
        [...str("mem"), 0x02, 0],
      ]),
    ),
    ...section(10, vec([[...uleb(funcBody.length), ...funcBody]])),
  ]);
}

interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/**
 * A float32 matrix-multiply backend on WebAssembly SIMD, bit-identical to the reference float32
 * path (same products, same additions, same order). Every case runs the one kernel C = A·B:
 * op(A)·op(B) with a transposed operand is the same sums in the same order over a transposed copy
 * (the reference's NT path sums a dot product over p ascending, its TN path accumulates rank-1
 * updates over p ascending — both are Σ_p a_ip·b_pj taken in p order from +0, exactly as here).
 * The right-hand matrix is a weight matrix unless `transA` (then it is a per-call operand such as
 * ∂L/∂pre): weights are copied into its memory once — transposed once more if used transposed —
 * and found again by identity; after changing one in place, call {@link refresh}. Accumulation in
 * other dtypes falls back to {@link gemm}.
 */
export class WasmFloat32Gemm {
  private readonly mm: (a: number, b: number, out: number, m: number, k: number, n: number) => void;
  private readonly memory: WasmMemory;
  private readonly placed = new WeakMap<object, number>();
  private readonly placedT = new WeakMap<object, { at: number; rows: number; cols: number; stale: boolean }>();
  private top = 0;
  /** a float32 view of the whole memory, renewed when the memory grows (growing detaches it) */
  private view = new Float32Array(0);

  constructor() {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), {});
    this.mm = instance.exports.mm as WasmFloat32Gemm["mm"];
    this.memory = instance.exports.mem as WasmMemory;
  }

  /** Whether this JavaScript engine runs WebAssembly SIMD (false: use the reference backend). */
  static available(): boolean {
    try {
      new WasmFloat32Gemm();
      return true;
    } catch {
      return false;
    }
  }

  private reserve(bytes: number): number {
    const at = (this.top + 15) & ~15;
    const need = at + bytes - this.memory.buffer.byteLength;
    // grow at least geometrically: each grow copies the whole memory
    if (need > 0) this.memory.grow(Math.max(Math.ceil(need / 65536), this.memory.buffer.byteLength / 65536));
    this.top = at + bytes;
    return at;
  }

  private f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** Writes src at byte offset `at`: as it is, or — given its stored [rows, cols] — transposed to [cols, rows]. */
  private write(src: Arr, at: number, transposeOf: [number, number] | null): void {
    const mem = this.f32();
    const base = at >> 2;
    if (!transposeOf) {
      mem.set(src, base);
      return;
    }
    const [rows, cols] = transposeOf;
    // in 32 × 32 tiles, so that both sides stay in cache
    for (let r0 = 0; r0 < rows; r0 += 32) {
      for (let c0 = 0; c0 < cols; c0 += 32) {
        const r1 = Math.min(rows, r0 + 32);
        const c1 = Math.min(cols, c0 + 32);
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) mem[base + c * rows + r] = src[r * cols + c];
      }
    }
  }

  /**
   * After `b` was overwritten in place: copies it again into its place in the WebAssembly memory,
   * and marks its transposed copy stale (rewritten at its next use, so that a forward-only caller
   * does not pay for the transposition). No-op for a matrix never used.
   */
  refresh(b: Arr): void {
    const at = this.placed.get(b);
    if (at !== undefined) this.write(b, at, null);
    const t = this.placedT.get(b);
    if (t !== undefined) t.stale = true;
  }

  /** C = op(A)·op(B) as {@link gemm}; written into `out` when given (any float array of length m·n). */
  gemm(a: Arr, b: Arr, m: number, k: number, n: number, transA: boolean, transB: boolean, acc: Dtype, out?: Arr): Arr {
    if (acc !== "float32") return gemm(a, b, m, k, n, transA, transB, acc, out);
    if (a.length !== m * k || b.length !== k * n)
      throw new RangeError(`gemm: shapes do not match (A ${a.length} vs ${m}x${k}, B ${b.length} vs ${k}x${n})`);
    if (out && out.length !== m * n) throw new RangeError(`gemm: output length ${out.length} is not ${m}x${n}`);
    // op(B) is k×n; stored n×k when transB
    let bAt: number | undefined;
    if (!transA) {
      const t = transB ? this.placedT.get(b) : undefined;
      if (t?.stale) {
        this.write(b, t.at, [n, k]);
        t.stale = false;
      }
      bAt = transB ? t?.at : this.placed.get(b);
      if (bAt === undefined) {
        bAt = this.reserve(4 * k * n);
        this.write(b, bAt, transB ? [n, k] : null);
        if (transB) this.placedT.set(b, { at: bAt, rows: n, cols: k, stale: false });
        else this.placed.set(b, bAt);
      }
    }
    const scratch = this.top;
    if (bAt === undefined) {
      bAt = this.reserve(4 * k * n);
      this.write(b, bAt, transB ? [n, k] : null);
    }
    // op(A) is m×k; stored k×m when transA
    const aAt = this.reserve(4 * m * k);
    this.write(a, aAt, transA ? [k, m] : null);
    const outAt = this.reserve(4 * m * n);
    const mem = this.f32();
    mem.fill(0, outAt >> 2, (outAt >> 2) + m * n);
    this.mm(aAt, bAt, outAt, m, k, n);
    this.top = scratch;
    const c = mem.subarray(outAt >> 2, (outAt >> 2) + m * n);
    if (!out) return c.slice();
    out.set(c);
    return out;
  }
}

/** A {@link Backend}-shaped float32 engine on WebAssembly SIMD (see {@link WasmFloat32Gemm}); one instance per set of weights. */
export function wasmFloat32Backend(): {
  name: string;
  accumulates: readonly Dtype[];
  gemm(
    a: Arr,
    b: Arr,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
    acc: Dtype,
    out?: Arr,
  ): Promise<Arr>;
  refresh(b: Arr): void;
} {
  const w = new WasmFloat32Gemm();
  return {
    name: "reference-wasm",
    accumulates: ["float32"],
    gemm: async (a, b, m, k, n, tA, tB, acc, out) => w.gemm(a, b, m, k, n, tA, tB, acc, out),
    refresh: (b) => w.refresh(b),
  };
}

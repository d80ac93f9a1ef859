import { fillNormal, gemm, rngStream, WasmFloat32Gemm } from "../dist/core/internal.js";
import { bestOf } from "./best.js";
import { runNumpy } from "./numpy.js";

const LAYERS = 100;
const WIDTH = 512;
const REPEATS = 5;

const best = (fn) => bestOf(REPEATS, fn);

/**
 * The exact float32 matmul chain the engine runs (h ← h·W_l, 100 layers × 512, every product and
 * partial sum rounded to float32 in the reference's order): initlab's WebAssembly SIMD kernel and
 * its plain TypeScript reference, against numpy's float32 matmul (OpenBLAS: blocked, FMA, another
 * summation order — the same workload, not the same numbers). Forward products (A·W) and the
 * backward pass's transposed ones (G·Wᵀ).
 */
export async function run(log) {
  const weights = Array.from({ length: LAYERS }, (_, l) =>
    fillNormal(rngStream(0, "bench-w", l), new Float32Array(WIDTH * WIDTH), 0, 1 / Math.sqrt(WIDTH)),
  );
  const np = runNumpy(
    `import numpy as np, time, json
g = np.random.default_rng(0)
W = [(g.standard_normal((${WIDTH}, ${WIDTH})) / ${Math.sqrt(WIDTH)}).astype(np.float32) for _ in range(${LAYERS})]
def best(f):
    t = 1e9
    for _ in range(${REPEATS}):
        s = time.perf_counter(); f(); t = min(t, time.perf_counter() - s)
    return t
def chain(m, transpose):
    h = g.standard_normal((m, ${WIDTH})).astype(np.float32)
    def f():
        x = h
        for w in W: x = x @ (w.T if transpose else w)
    return f
out = {}
for m in (1, 64):
    out[f"nn{m}"] = best(chain(m, False)); out[f"nt{m}"] = best(chain(m, True))
print(json.dumps(out))`,
    log,
  );
  log(`${LAYERS} layers × ${WIDTH}, float32, best of ${REPEATS}; time per chain of ${LAYERS} products`);
  for (const m of [1, 64]) {
    const h = fillNormal(rngStream(0, "bench-h", m), new Float64Array(m * WIDTH));
    for (const transB of [false, true]) {
      const wasm = new WasmFloat32Gemm();
      const chain = (mul) => () => {
        let x = h;
        for (const w of weights) x = mul(x, w);
      };
      // the TypeScript chain at batch 64 takes several seconds a repeat: say what is running
      process.stderr.write(
        `bench exact: batch ${m} ${transB ? "G·Wᵀ" : "A·W"}, ${REPEATS} repeats each of wasm and TypeScript…\n`,
      );
      const tWasm = best(chain((x, w) => wasm.gemm(x, w, m, WIDTH, WIDTH, false, transB, "float32")));
      const tJs = best(chain((x, w) => gemm(x, w, m, WIDTH, WIDTH, false, transB, "float32")));
      const ref = np?.[`${transB ? "nt" : "nn"}${m}`];
      const gmac = (t) => ((LAYERS * m * WIDTH * WIDTH) / t / 1e9).toFixed(2);
      log(
        `batch ${String(m).padStart(2)} ${transB ? "G·Wᵀ" : "A·W "}  initlab wasm ${(tWasm * 1e3).toFixed(1).padStart(7)} ms (${gmac(tWasm)} GMAC/s)   TypeScript ${(tJs * 1e3).toFixed(1).padStart(7)} ms (wasm ${(tJs / tWasm).toFixed(1)}× faster)` +
          (ref
            ? `   numpy ${(ref * 1e3).toFixed(1).padStart(7)} ms (${gmac(ref)} GMAC/s)   ratio time initlab/numpy ${(tWasm / ref).toFixed(2)}`
            : ""),
      );
    }
  }
}

import { initialize, rngStream } from "../dist/core/internal.js";
import { runNumpy } from "./numpy.js";

const SIZES = [256, 1024];
const REPEATS = 3;

/** Orthogonal initializer (Haar Q via Householder reflectors, sign fix) vs numpy QR of a Gaussian + sign fix. */
export async function run(log) {
  const np = runNumpy(
    `import numpy as np, time, json
g = np.random.default_rng(0); out = {}
for n in ${JSON.stringify(SIZES)}:
    t = 1e9
    for _ in range(${REPEATS}):
        s = time.perf_counter(); a = g.standard_normal((n, n)); q, r = np.linalg.qr(a); q = (q * np.sign(np.diag(r))).astype(np.float32); t = min(t, time.perf_counter() - s)
    out[str(n)] = t
print(json.dumps(out))`,
    log,
  );
  for (const n of SIZES) {
    let best = Infinity;
    for (let i = 0; i < REPEATS; i++) {
      const s = performance.now();
      initialize("orthogonal", { shape: [n, n] }, rngStream(i, "bench-orth"), "float32");
      best = Math.min(best, (performance.now() - s) / 1000);
    }
    const ref = np?.[String(n)];
    log(
      `orthogonal ${n}×${n}: initlab ${(best * 1000).toFixed(0)} ms` +
        (ref ? `   numpy QR ${(ref * 1000).toFixed(0)} ms   ratio initlab/numpy ${(best / ref).toFixed(2)}` : ""),
    );
  }
}

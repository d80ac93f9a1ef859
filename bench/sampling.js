import { fillNormal, fillUniform, rngStream } from "../dist/core/internal.js";
import { bestOf } from "./best.js";
import { runNumpy } from "./numpy.js";

const N = 1 << 22;
const REPEATS = 5;

const best = (fn) => bestOf(REPEATS, fn);

/** Normal and uniform sampling throughput, initlab (xoshiro128** + ziggurat) vs numpy (PCG64 + ziggurat). */
export async function run(log) {
  const rng = rngStream(0, "bench");
  const f64 = new Float64Array(N);
  const f32 = new Float32Array(N);
  const normal64 = best(() => fillNormal(rng, f64));
  const normal32 = best(() => fillNormal(rng, f32));
  const uniform64 = best(() => fillUniform(rng, f64));
  const np = runNumpy(
    `import numpy as np, time, json
g = np.random.default_rng(0); out = np.empty(${N}); out32 = np.empty(${N}, dtype=np.float32)
def best(f):
    t = 1e9
    for _ in range(${REPEATS}):
        s = time.perf_counter(); f(); t = min(t, time.perf_counter() - s)
    return t
print(json.dumps({"normal64": best(lambda: g.standard_normal(out=out)), "normal32": best(lambda: g.standard_normal(dtype=np.float32, out=out32)), "uniform64": best(lambda: g.random(out=out))}))`,
    log,
  );
  const rows = [
    ["normal float64", normal64, np?.normal64],
    ["normal float32", normal32, np?.normal32],
    ["uniform float64", uniform64, np?.uniform64],
  ];
  log(`samples per call: ${N}, best of ${REPEATS}`);
  for (const [name, t, ref] of rows) {
    const mine = N / t / 1e6;
    const theirs = ref ? N / ref / 1e6 : null;
    log(
      `${name.padEnd(16)} initlab ${mine.toFixed(1).padStart(6)} M/s` +
        (theirs
          ? `   numpy ${theirs.toFixed(1).padStart(6)} M/s   ratio time initlab/numpy ${(t / ref).toFixed(2)}`
          : ""),
    );
  }
}

import { spawnSync } from "node:child_process";
import { propagateOnnx } from "../dist/adapters/onnx/propagateOnnx.js";

const N = 1024;
const L = 100;
const B = 256;
const ROUNDS = 3;

function numpyW1(log) {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(
    "python3",
    [new URL("./w1_numpy.py", import.meta.url).pathname, String(N), String(L), String(B), "1"],
    { env, encoding: "utf8" },
  );
  if (r.status !== 0) {
    log(`numpy W1 unavailable: ${(r.stderr || "").trim().split("\n").pop()}`);
    return null;
  }
  return JSON.parse(r.stdout)[0];
}

/**
 * W1: width 1024, depth 100, batch 256, LeCun-normal weights drawn fresh per layer, tanh,
 * forward + backward of ½‖out‖², per-layer statistics, float32 — initlab (weights drawn on a
 * worker pool while onnxruntime computes the network layer by layer) and numpy (OpenBLAS) alternating in one run.
 */
export async function run(log) {
  const flops = 3 * 2 * B * N * N * L; // forward, ∂W and ∂a matmuls
  const mine = [];
  const theirs = [];
  for (let r = 0; r < ROUNDS; r++) {
    const res = await propagateOnnx({
      network: {
        inputWidth: N,
        widths: new Array(L).fill(N),
        init: "lecun_normal",
        biasInit: null,
        activation: "tanh",
        residual: null,
        norm: null,
        framework: null,
      },
      batch: B,
      seed: r,
      backward: true,
    });
    mine.push(res.timings);
    const np = numpyW1(log);
    if (np) theirs.push(np);
    log(
      `round ${r}: initlab ${(res.timings.totalMs / 1000).toFixed(2)} s (sessions ${(res.timings.compileMs / 1000).toFixed(2)} s, layers waited ${(res.timings.waitMs / 1000).toFixed(2)} s for weights)` +
        (np
          ? `   numpy ${np.total.toFixed(2)} s (weights ${np.sample.toFixed(2)} s, compute ${np.compute.toFixed(2)} s)`
          : ""),
    );
  }
  const best = (xs, f) => Math.min(...xs.map(f));
  const m = best(mine, (t) => t.totalMs / 1000);
  log(
    `W1 best: initlab ${m.toFixed(2)} s → ${(flops / m / 1e9).toFixed(0)} GFLOP/s over the whole run, drawing included`,
  );
  if (theirs.length) {
    const n = best(theirs, (t) => t.total);
    const nc = best(theirs, (t) => t.compute);
    log(`numpy best: ${n.toFixed(2)} s (compute ${nc.toFixed(2)} s → ${(flops / nc / 1e9).toFixed(0)} GFLOP/s)`);
    log(`ratio initlab/numpy (best of ${ROUNDS}): ${(m / n).toFixed(2)}`);
  }
}

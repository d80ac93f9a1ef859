/// <reference lib="webworker" />
import type { Backend, BuiltNetwork, DrawCache } from "../core/internal.js";
import {
  buildNetwork,
  layerDrawKey,
  networkTheory,
  networkWeightCount,
  parseActivation,
  phaseDiagram,
  referenceBackend,
  runNetwork,
  seedStudy,
  WasmFloat32Gemm,
  wasmFloat32Backend,
} from "../core/internal.js";
import { interruptible } from "./interruptible.js";
import type { LabRequest, LabResponse, PropagateView } from "./labProtocol.js";
import { drawInParallel, serveDraws } from "./parallelDraws.js";
import { warmEngine, warmLivePath } from "./warmUp.js";
import { checkLabSize, labNetwork } from "./labState.js";

/**
 * The last built network: changing only the activation or batch reuses its weights (no resampling),
 * with its own WebAssembly SIMD matmul (bit-identical to the reference) holding the weights, for float32.
 */
let cache: {
  key: string;
  shape: string;
  net: BuiltNetwork;
  fast: Backend;
  refresh: ((b: Float64Array | Float32Array) => void) | null;
} | null = null;

/**
 * The standard draws of the current seed and widths: another normal or uniform init (normal(std=1)
 * → normal(std=0.01) → lecun_normal → he_normal…) is then an affine pass over them, written into
 * the previous weights' arrays — bit-identical to drawing anew, and about 20× faster.
 */
let draws: { key: string; cache: DrawCache } | null = null;

/** The (widths, batch, dtype) the JIT has been warmed on, see {@link warmLivePath}. */
let warmed = "";

const wasmOk = WasmFloat32Gemm.available();

/** The newest propagate request; an older one still running gives way at its next matmul. */
let latest = 0;

/** The network worker's end of the channel to the other worker (see {@link drawInParallel}). */
let helper: MessagePort | null = null;

/** The network worker warms the JIT when it starts; requests wait for it. */
const warm = self.name === "network" ? warmEngine(wasmOk ? wasmFloat32Backend() : referenceBackend) : Promise.resolve();

async function propagateView(req: LabRequest & { kind: "propagate" }): Promise<PropagateView> {
  const t0 = performance.now();
  const spec = labNetwork(req.state);
  checkLabSize(spec, req.state.batch);
  const { seed, dtype, batch } = req.state;
  // the arrays (and WebAssembly copies) of a network of the same shape and dtype are reused, whatever the seed
  const shape = JSON.stringify([spec.inputWidth, spec.widths, dtype]);
  const key = JSON.stringify([shape, seed, spec.init, spec.biasInit, spec.residual]);
  let weightsFrom: PropagateView["weights"] = "reused";
  if (!cache || cache.key !== key) {
    const drawsKey = JSON.stringify([spec.inputWidth, spec.widths, seed]);
    // another seed or shape: the old draws' arrays are recycled for the new ones
    let pool: Float64Array[] = [];
    if (draws?.key !== drawsKey) {
      pool = draws ? [...draws.cache.values()] : [];
      draws = { key: drawsKey, cache: new Map() };
    }
    const previous = cache?.shape === shape ? cache : null;
    if (!previous) cache = null; // let the old weights go before drawing the new ones
    const weights = networkWeightCount(spec);
    const drawsBefore = draws.cache.size;
    const locationScale = layerDrawKey(spec, seed, 0) !== null;
    const rescale = locationScale && drawsBefore > 0;
    (self as unknown as Worker).postMessage({
      id: req.id,
      kind: "progress",
      message: `${rescale ? "Computing" : "Drawing"} ${(weights / 1e6).toPrecision(3)} M weights (${spec.init}, seed ${seed})…`,
    } satisfies LabResponse);
    if (locationScale && helper) await drawInParallel(helper, spec, seed, draws.cache, pool);
    // drop the transferred buffers now: the new weights are about to be allocated
    // eslint-disable-next-line no-useless-assignment
    pool = [];
    let net: BuiltNetwork;
    try {
      // float32 nets keep float32 weights: half the memory, and the WebAssembly copy is a plain memcpy
      net = buildNetwork(spec, seed, dtype, {
        draws: draws.cache,
        previous: previous?.net ?? null,
        storage: dtype === "float64" ? "float64" : "float32",
      });
    } catch (e) {
      cache = null; // the previous weights may be half rewritten
      throw e;
    }
    if (previous && previous.refresh && net.layers.every((l, i) => l.weights === previous.net.layers[i].weights)) {
      // every layer was rewritten in place: refresh the WebAssembly copies instead of placing anew
      for (const l of net.layers) previous.refresh(l.weights);
      cache = { ...previous, key, net };
    } else {
      const wasm = wasmOk && dtype === "float32" ? wasmFloat32Backend() : null;
      cache = {
        key,
        shape,
        net,
        fast: wasm ? { ...wasm, name: "reference" } : referenceBackend,
        refresh: wasm ? wasm.refresh : null,
      };
    }
    weightsFrom = rescale && draws.cache.size === drawsBefore ? "rescaled" : "drawn";
  }
  const net: BuiltNetwork = { ...cache.net, spec, activation: parseActivation(spec.activation) };
  const warmKey = JSON.stringify([spec.inputWidth, spec.widths, batch, dtype]);
  if (weightsFrom !== "reused" && !req.backward && warmed !== warmKey) {
    await warmLivePath(cache.net, cache.fast, spec, batch, seed, dtype);
    warmed = warmKey;
  }
  const t1 = performance.now();
  const r = await runNetwork(net, {
    network: spec,
    batch,
    seed,
    dtype,
    backward: req.backward,
    stats: req.state.view === "distributions" ? "full" : "basic",
    backend: req.backward ? interruptible(cache.fast, () => req.id !== latest) : cache.fast,
  });
  const t2 = performance.now();
  const theory = networkTheory(spec, 1);
  const t3 = performance.now();
  return {
    dtype: r.dtype,
    accumulate: r.accumulate,
    events: r.events,
    layers: r.layers.map((l) => ({
      index: l.index,
      std: (l.block ?? l.post).std,
      mean: (l.block ?? l.post).mean,
      q: l.pre.rms ** 2,
      gradWeightNorm: l.grad?.weightNorm ?? null,
      gradActivationNorm: l.grad?.activationNorm ?? null,
      logHist: (l.block ?? l.post).histogram?.logMagnitude ?? null,
      gradLogHist: l.grad?.activation?.histogram?.logMagnitude ?? null,
    })),
    theoryQ: theory.unsupported === null ? theory.q : null,
    theoryNote: theory.unsupported,
    sigmaW2: theory.unsupported === null ? theory.sigmaW2[0] : null,
    computeMs: performance.now() - t0,
    runMs: t2 - t1,
    theoryMs: t3 - t2,
    weights: weightsFrom,
  };
}

self.onmessage = async (e: MessageEvent<LabRequest>) => {
  const req = e.data;
  if (req.kind === "connect") {
    if (self.name === "network") helper = req.port;
    else serveDraws(req.port);
    return;
  }
  await warm;
  if (req.kind === "propagate") latest = req.id;
  let reply: LabResponse;
  try {
    if (req.kind === "propagate") reply = { id: req.id, kind: "propagate", result: await propagateView(req) };
    else if (req.kind === "phase")
      reply = {
        id: req.id,
        kind: "phase",
        result: phaseDiagram(parseActivation(req.activation), req.sigmaW2, req.sigmaB2),
      };
    else reply = { id: req.id, kind: "study", result: seedStudy({ seed: req.seed }) };
  } catch (err) {
    reply = { id: req.id, kind: "error", message: (err as Error).message };
  }
  (self as unknown as Worker).postMessage(reply);
};

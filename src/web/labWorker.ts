/// <reference lib="webworker" />
import type { Backend, BuiltNetwork, DrawCache, NetworkSpec } from "../core/index.js";
import { ACTIVATION_NAMES, buildNetwork, isLocationScale, kernelShape, layerDrawKey, layerStandardDraws, networkWeightCount, resolveInitializer, networkTheory, plainNetwork, parseActivation, phaseDiagram, referenceBackend, runNetwork, seedStudy, WasmFloat32Gemm, wasmFloat32Backend } from "../core/index.js";
import type { DrawJob, DrawnLayer, LabRequest, LabResponse, PropagateView } from "./labProtocol.js";
import type { LabState } from "./labState.js";
import { checkLabSize, labNetwork } from "./labState.js";

/**
 * The last built network: changing only the activation or batch reuses its weights (no resampling),
 * with its own WebAssembly SIMD matmul (bit-identical to the reference) holding the weights, for float32.
 */
let cache: { key: string; shape: string; net: BuiltNetwork; fast: Backend; refresh: ((b: Float64Array | Float32Array) => void) | null } | null = null;

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
const channel = new MessageChannel();
const tick: (() => void)[] = [];
channel.port1.onmessage = () => tick.shift()?.();
/** Yields to the event loop (without setTimeout's clamping) so a newer request can arrive. */
const yieldNow = () => new Promise<void>((r) => {
  tick.push(r);
  channel.port2.postMessage(0);
});

/** A backend that yields every 2nd matmul and gives up once a newer request arrived (for the slow backward pass). */
function interruptible(id: number, base: Backend): Backend {
  let calls = 0;
  return {
    ...base,
    async gemm(a, b, m, k, n, tA, tB, acc, out) {
      if (++calls % 2 === 0) {
        await yieldNow();
        if (id !== latest) throw new Error("superseded");
      }
      return base.gemm(a, b, m, k, n, tA, tB, acc, out);
    },
  };
}

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
    const locationScale = isLocationScale(resolveInitializer(spec.init, { shape: [spec.inputWidth, spec.widths[0]], framework: null }).params);
    const rescale = locationScale && drawsBefore > 0;
    (self as unknown as Worker).postMessage({ id: req.id, kind: "progress", message: `${rescale ? "Computing" : "Drawing"} ${(weights / 1e6).toPrecision(3)} M weights (${spec.init}, seed ${seed})…` } satisfies LabResponse);
    if (locationScale) await drawInParallel(spec, seed, draws.cache, pool);
    pool = [];
    let net: BuiltNetwork;
    try {
      // float32 nets keep float32 weights: half the memory, and the WebAssembly copy is a plain memcpy
      net = buildNetwork(spec, seed, dtype, { draws: draws.cache, previous: previous?.net ?? null, storage: dtype === "float64" ? "float64" : "float32" });
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
      cache = { key, shape, net, fast: wasm ? { ...wasm, name: "reference" } : referenceBackend, refresh: wasm ? wasm.refresh : null };
    }
    weightsFrom = rescale && draws.cache.size === drawsBefore ? "rescaled" : "drawn";
  }
  const net: BuiltNetwork = { ...cache.net, spec, activation: parseActivation(spec.activation) };
  const warmKey = JSON.stringify([spec.inputWidth, spec.widths, batch, dtype]);
  if (weightsFrom !== "reused" && !req.backward && warmed !== warmKey) {
    await warmLivePath(spec, batch, seed, dtype);
    warmed = warmKey;
  }
  const t1 = performance.now();
  const r = await runNetwork(net, { network: spec, batch, seed, dtype, backward: req.backward, stats: req.state.view === "distributions" ? "full" : "basic", backend: req.backward ? interruptible(req.id, cache.fast) : cache.fast });
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

/**
 * Right after drawing new weights (a request that takes seconds anyway): one forward run and the
 * theory for every activation on the real network. This places the weights in the WebAssembly
 * memory, takes the garbage collection the big allocation causes, and lets the JIT compile the
 * hot loops for this size — so the user's next control changes (activation, batch) are fast.
 */
async function warmLivePath(spec: NetworkSpec, batch: number, seed: number, dtype: LabState["dtype"]): Promise<void> {
  if (!cache) return;
  for (const activation of ACTIVATION_NAMES) {
    const s = { ...spec, activation };
    await runNetwork({ ...cache.net, spec: s, activation: parseActivation(activation) }, { network: s, batch, seed, dtype, stats: "basic", backend: cache.fast });
    networkTheory(s, 1);
  }
}

/**
 * Warm-up when the network worker starts: every activation, three times, on small nets that
 * stay healthy or overflow to inf (both paths), with the theory — so that the JIT has compiled
 * the engine's hot loops before the first request arrives. The other worker skips it.
 */
async function warmUp(): Promise<void> {
  if (self.name !== "network") return;
  const backend = wasmOk ? wasmFloat32Backend() : referenceBackend;
  for (const init of ["normal(std=1)", "lecun_normal"]) {
    const base = plainNetwork({ width: 128, depth: 24, init, activation: "linear" });
    const shared = buildNetwork(base, 0, "float32");
    for (let round = 0; round < 3; round++) {
      for (const activation of ACTIVATION_NAMES) {
        const spec = { ...base, activation };
        await runNetwork({ ...shared, spec, activation: parseActivation(activation) }, { network: spec, batch: 1, seed: 0, dtype: "float32", stats: "basic", backend });
        networkTheory(spec, 1);
      }
    }
  }
}
const warm = warmUp();

/** The network worker's end of the channel to the other worker (see {@link drawInParallel}). */
let helper: MessagePort | null = null;
let jobs = 0;

/** The other worker's side: draws the layers asked for, posting each as soon as it is drawn (transferred, not copied). */
function serveDraws(port: MessagePort): void {
  port.onmessage = (e: MessageEvent<DrawJob>) => {
    const { job, spec, seed, layers, recycle } = e.data;
    for (const [i, layer] of layers.entries()) {
      const entry = layerStandardDraws(spec, seed, layer, recycle[i] ?? undefined);
      port.postMessage({ job, layer, entry } satisfies DrawnLayer, entry ? [entry[1].buffer] : []);
    }
  };
}

/**
 * Fills `cache` with the standard draws of every layer a build will need, on both cores: the other
 * worker draws every second missing layer while this one draws the rest. Each layer has its own
 * stream, so the draws are the same whoever makes them. If the other worker is busy (a seed study),
 * this one draws what has not arrived once its own half is done.
 */
async function drawInParallel(spec: NetworkSpec, seed: number, cache: DrawCache, pool: Float64Array[]): Promise<void> {
  const missing = spec.widths.map((_, l) => l).filter((l) => {
    const key = layerDrawKey(spec, seed, l);
    return key !== null && !cache.has(key);
  });
  if (!helper || missing.length < 2) return;
  const port = helper;
  const job = ++jobs;
  const theirs = missing.filter((_, i) => i % 2 === 1);
  const arrived = new Set<number>();
  let allArrived: () => void = () => {};
  const done = new Promise<void>((r) => (allArrived = r));
  port.onmessage = (e: MessageEvent<DrawnLayer>) => {
    if (e.data.job !== job) return;
    if (e.data.entry) cache.set(e.data.entry[0], e.data.entry[1]);
    arrived.add(e.data.layer);
    if (arrived.size === theirs.length) allArrived();
  };
  // old draws of the same sizes are written over (no fresh memory to fault in): half of them travel
  const take = (l: number): Float64Array | null => {
    const n = kernelShape(spec, l).reduce((a, b) => a * b, 1);
    const i = pool.findIndex((p) => p.length === n);
    return i < 0 ? null : pool.splice(i, 1)[0];
  };
  const recycle = theirs.map(take);
  const started = performance.now();
  port.postMessage({ job, spec, seed, layers: theirs, recycle } satisfies DrawJob, recycle.filter((r): r is Float64Array => r !== null).map((r) => r.buffer));
  for (const l of missing.filter((_, i) => i % 2 === 0)) {
    const entry = layerStandardDraws(spec, seed, l, take(l) ?? undefined);
    if (entry) cache.set(entry[0], entry[1]);
  }
  // give the other worker as long again as this half took, then draw whatever is still missing here
  const mine = performance.now() - started;
  await Promise.race([done, new Promise((r) => setTimeout(r, Math.max(50, mine)))]);
  port.onmessage = null;
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
    else if (req.kind === "phase") reply = { id: req.id, kind: "phase", result: phaseDiagram(parseActivation(req.activation), req.sigmaW2, req.sigmaB2) };
    else reply = { id: req.id, kind: "study", result: seedStudy({ seed: req.seed }) };
  } catch (err) {
    reply = { id: req.id, kind: "error", message: (err as Error).message };
  }
  (self as unknown as Worker).postMessage(reply);
};


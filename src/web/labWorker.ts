/// <reference lib="webworker" />
import type { Backend, BuiltNetwork, NetworkSpec } from "../core/index.js";
import { buildNetwork, networkTheory, plainNetwork, parseActivation, phaseDiagram, referenceBackend, runNetwork, seedStudy, WasmFloat32Gemm, wasmFloat32Backend } from "../core/index.js";
import type { LabRequest, LabResponse, PropagateView } from "./labProtocol.js";

/**
 * The last built network: changing only the activation or batch reuses its weights (no resampling),
 * with its own WebAssembly SIMD matmul (bit-identical to the reference) holding the weights, for float32.
 */
let cache: { key: string; net: BuiltNetwork; fast: Backend } | null = null;

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
    async gemm(a, b, m, k, n, tA, tB, acc) {
      if (++calls % 2 === 0) {
        await yieldNow();
        if (id !== latest) throw new Error("superseded");
      }
      return base.gemm(a, b, m, k, n, tA, tB, acc);
    },
  };
}


function networkOf(s: LabRequest & { kind: "propagate" }): NetworkSpec {
  const st = s.state;
  return {
    inputWidth: st.width,
    widths: new Array(st.depth).fill(st.width),
    init: st.init,
    biasInit: st.bias === "none" ? null : st.bias,
    activation: st.activation,
    residual: st.residual > 0 ? { branchDepth: st.residual, branchScale: 1 } : null,
    norm: st.norm === "none" ? null : st.norm,
    framework: null,
  };
}

async function propagateView(req: LabRequest & { kind: "propagate" }): Promise<PropagateView> {
  const t0 = performance.now();
  const spec = networkOf(req);
  const key = JSON.stringify([spec.inputWidth, spec.widths.length, spec.init, spec.biasInit, spec.residual, req.state.seed, req.state.dtype]);
  let cached = true;
  if (!cache || cache.key !== key) {
    const fast = wasmOk && req.state.dtype === "float32" ? { ...wasmFloat32Backend(), name: "reference" } : referenceBackend;
    cache = { key, net: buildNetwork(spec, req.state.seed, req.state.dtype), fast };
    cached = false;
  }
  const net: BuiltNetwork = { ...cache.net, spec, activation: parseActivation(spec.activation) };
  if (!cached && !req.backward) {
    // a throwaway forward right after drawing the weights: it places them in the WebAssembly memory
    // and takes the garbage collection that the big allocation causes, inside the (already slow)
    // weight-drawing request rather than in the user's next control change
    await runNetwork(net, { network: spec, batch: req.state.batch, seed: req.state.seed, dtype: req.state.dtype, stats: "basic", backend: cache.fast });
  }
  const r = await runNetwork(net, { network: spec, batch: req.state.batch, seed: req.state.seed, dtype: req.state.dtype, backward: req.backward, stats: req.state.view === "distributions" ? "full" : "basic", backend: req.backward ? interruptible(req.id, cache.fast) : cache.fast });
  const theory = networkTheory(spec, 1);
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
    cached,
  };
}

/**
 * Warm-up: a few small forward runs when the worker starts, so that the JIT has compiled the
 * engine's hot loops before the first real control change arrives.
 */
async function warmUp(): Promise<void> {
  for (const activation of ["tanh", "relu", "linear", "selu", "gelu", "elu", "sigmoid"]) {
    const spec = plainNetwork({ width: 64, depth: 8, init: "lecun_normal", activation });
    const net = buildNetwork(spec, 0, "float32");
    const backend = wasmOk ? wasmFloat32Backend() : referenceBackend;
    for (let i = 0; i < 12; i++) await runNetwork(net, { network: spec, batch: 1, seed: 0, dtype: "float32", stats: "basic", backend });
  }
  // then the live path itself: one cached net, the activation swapped on every run, as a user does
  const base = plainNetwork({ width: 256, depth: 16, init: "lecun_normal", activation: "tanh" });
  const shared = buildNetwork(base, 0, "float32");
  const backend = wasmOk ? wasmFloat32Backend() : referenceBackend;
  for (let round = 0; round < 3; round++) {
    for (const activation of ["linear", "tanh", "relu", "selu", "gelu", "elu"]) {
      const spec = { ...base, activation };
      await runNetwork({ ...shared, spec, activation: parseActivation(activation) }, { network: spec, batch: 1, seed: 0, dtype: "float32", stats: "basic", backend });
    }
  }
}
const warm = warmUp();

self.onmessage = async (e: MessageEvent<LabRequest>) => {
  await warm;
  const req = e.data;
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


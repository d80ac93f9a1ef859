import type { Backend, BuiltNetwork, Dtype, NetworkSpec } from "../core/internal.js";
import {
  ACTIVATION_NAMES,
  buildNetwork,
  networkTheory,
  parseActivation,
  plainNetwork,
  runNetwork,
} from "../core/internal.js";

/**
 * Right after drawing new weights (a request that takes seconds anyway): one forward run and the
 * theory for every activation on the real network. This places the weights in the WebAssembly
 * memory, takes the garbage collection the big allocation causes, and lets the JIT compile the
 * hot loops for this size — so the user's next control changes (activation, batch) are fast.
 */
export async function warmLivePath(
  net: BuiltNetwork,
  backend: Backend,
  spec: NetworkSpec,
  batch: number,
  seed: number,
  dtype: Dtype,
): Promise<void> {
  for (const activation of ACTIVATION_NAMES) {
    const s = { ...spec, activation };
    await runNetwork(
      { ...net, spec: s, activation: parseActivation(activation) },
      { network: s, batch, seed, dtype, stats: "basic", backend },
    );
    networkTheory(s, 1);
  }
}

/**
 * Warm-up when the network worker starts: every activation, three times, on small nets that
 * stay healthy or overflow to inf (both paths), with the theory — so that the JIT has compiled
 * the engine's hot loops before the first request arrives.
 */
export async function warmEngine(backend: Backend): Promise<void> {
  for (const init of ["normal(std=1)", "lecun_normal"]) {
    const base = plainNetwork({ width: 128, depth: 24, init, activation: "linear" });
    const shared = buildNetwork(base, 0, "float32");
    for (let round = 0; round < 3; round++) {
      for (const activation of ACTIVATION_NAMES) {
        const spec = { ...base, activation };
        await runNetwork(
          { ...shared, spec, activation: parseActivation(activation) },
          { network: spec, batch: 1, seed: 0, dtype: "float32", stats: "basic", backend },
        );
        networkTheory(spec, 1);
      }
    }
  }
}

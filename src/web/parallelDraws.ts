import type { DrawCache, NetworkSpec } from "../core/internal.js";
import { kernelShape, layerDrawKey, layerStandardDraws } from "../core/internal.js";
import type { DrawJob, DrawnLayer } from "./labProtocol.js";

/** Ties the other worker's answers to the request they belong to. */
let jobs = 0;

/** The other worker's side: draws the layers asked for, posting each as soon as it is drawn (transferred, not copied). */
export function serveDraws(port: MessagePort): void {
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
 * this one draws what has not arrived once its own half is done (buildNetwork draws what is
 * missing from the cache). `pool`: old draws to write over — half of them travel to the other worker.
 */
export async function drawInParallel(
  helper: MessagePort,
  spec: NetworkSpec,
  seed: number,
  cache: DrawCache,
  pool: Float64Array[],
): Promise<void> {
  const missing = spec.widths
    .map((_, l) => l)
    .filter((l) => {
      const key = layerDrawKey(spec, seed, l);
      return key !== null && !cache.has(key);
    });
  if (missing.length < 2) return;
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
  port.postMessage(
    { job, spec, seed, layers: theirs, recycle } satisfies DrawJob,
    recycle.filter((r): r is Float64Array => r !== null).map((r) => r.buffer),
  );
  for (const l of missing.filter((_, i) => i % 2 === 0)) {
    const entry = layerStandardDraws(spec, seed, l, take(l) ?? undefined);
    if (entry) cache.set(entry[0], entry[1]);
  }
  // give the other worker as long again as this half took, then draw whatever is still missing here
  const mine = performance.now() - started;
  await Promise.race([done, new Promise((r) => setTimeout(r, Math.max(50, mine)))]);
  port.onmessage = null;
}

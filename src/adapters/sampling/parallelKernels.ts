import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { SampleTask } from "./sampleWorker.js";

/**
 * The compiled worker module. Worker threads run JavaScript, so when this module itself runs from
 * the TypeScript sources (under the test runner) the worker is the dist/ build of the same file
 * (`npm test` builds first).
 */
function workerFile(): string {
  const here = new URL("./sampleWorker.js", import.meta.url);
  if (existsSync(fileURLToPath(here))) return here.href;
  const built = new URL("../../../dist/adapters/sampling/sampleWorker.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return built.href;
  throw new Error("sampling worker: dist/adapters/sampling/sampleWorker.js is missing; run npm run build");
}

/**
 * Draws every layer's kernel on a worker-thread pool (piscina), one task per layer. Each layer has
 * its own random stream, so the values are bit-identical to a single-threaded draw whatever the
 * number of threads or the order tasks finish in.
 * @param threads default: the machine's parallelism.
 */
export async function drawKernelsInParallel(tasks: SampleTask[], threads = availableParallelism()): Promise<Float32Array[]> {
  const pool = new Piscina({ filename: workerFile(), minThreads: threads, maxThreads: threads });
  try {
    return (await Promise.all(tasks.map((t) => pool.run(t)))) as Float32Array[];
  } finally {
    await pool.destroy();
  }
}

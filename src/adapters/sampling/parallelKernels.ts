import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { compiledWorker } from "../compiledWorker.js";
import type { SampleTask } from "./sampleWorker.js";

/**
 * Draws every layer's kernel on a worker-thread pool (piscina), one task per layer. Each layer has
 * its own random stream, so the values are bit-identical to a single-threaded draw whatever the
 * number of threads or the order tasks finish in.
 * @param threads default: the machine's parallelism.
 * @param onKernel called with each kernel as it arrives (this thread is otherwise idle while the pool draws)
 */
export async function drawKernelsInParallel(
  tasks: SampleTask[],
  threads = availableParallelism(),
  onKernel?: (index: number, values: Float32Array) => void,
): Promise<Float32Array[]> {
  const pool = new Piscina({
    filename: compiledWorker(import.meta.url, "./sampleWorker.js", "adapters/sampling/sampleWorker.js"),
    minThreads: threads,
    maxThreads: threads,
  });
  try {
    return await Promise.all(
      tasks.map(async (t, i) => {
        const values = (await pool.run(t)) as Float32Array;
        onKernel?.(i, values);
        return values;
      }),
    );
  } finally {
    await pool.destroy();
  }
}

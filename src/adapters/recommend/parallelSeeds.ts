import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { SeedRunner } from "../../core/internal.js";
import { compiledWorker } from "../compiledWorker.js";

/**
 * A pool of worker threads (piscina) that runs `recommend`'s seeds in parallel, one seed a task.
 * Every run depends only on its seed, so the ranking is identical to running the seeds in turn.
 * With fewer than two threads, or one seed, the seeds run in this thread.
 */
export function parallelSeeds(
  seeds: number,
  threads = availableParallelism(),
): { run: SeedRunner | undefined; close(): Promise<void> } {
  const n = Math.min(threads, seeds);
  if (n < 2) return { run: undefined, close: async () => {} };
  const pool = new Piscina({
    filename: compiledWorker(import.meta.url, "./seedWorker.js", "adapters/recommend/seedWorker.js"),
    minThreads: n,
    maxThreads: n,
  });
  return { run: (task) => pool.run(task), close: () => pool.destroy() };
}

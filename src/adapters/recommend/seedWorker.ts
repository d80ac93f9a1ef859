import type { PropagateResult, SeedTask } from "../../core/internal.js";
import { runSeedTask } from "../../core/internal.js";

/** Piscina worker: every candidate's run at one seed. */
export default function seedWorker(task: SeedTask): Promise<PropagateResult[]> {
  return runSeedTask(task);
}

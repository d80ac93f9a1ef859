import { loadMnist } from "../../adapters/data/mnist.js";
import { toJson } from "../../core/internal.js";
import type { Experiment, Point } from "../../experiment/experimentSpec.js";
import { runPoint } from "../../experiment/runPoint.js";

/** Worker entry: runs one point and returns its result as JSON text (non-finite numbers as strings). */
export default async function run(task: { experiment: Experiment; point: Point }): Promise<string> {
  return toJson(await runPoint(task.experiment, task.point, loadMnist));
}

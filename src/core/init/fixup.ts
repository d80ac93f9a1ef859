/** How Fixup initializes one residual branch. */
export interface FixupPlan {
  /** multiply the standard (He) initialization of branch layers 1 … m−1 by this */
  hiddenScale: number;
  /** the last layer of every branch starts at 0 */
  lastLayer: "zero";
  /** scalar multiplier per branch, initialised to 1; scalar biases initialised to 0 */
  multiplier: 1;
  bias: 0;
}

/**
 * Fixup (Zhang, Dauphin & Ma (2019), "Fixup Initialization: Residual Learning Without
 * Normalization"): with L residual branches of m layers each, initialise the classification
 * layer and the last layer of each branch to 0, the other branch layers with He init scaled by
 *   L^(−1/(2m−2)),
 * and add scalar multipliers (1) and biases (0). For m = 1 there is nothing to scale (the
 * branch's only layer is zero-initialised), so the scale is 1.
 * @param residualBranches L ≥ 1. @param branchDepth m ≥ 1 layers per branch.
 */
export function fixupPlan(residualBranches: number, branchDepth: number): FixupPlan {
  if (!Number.isInteger(residualBranches) || residualBranches < 1)
    throw new RangeError(`residualBranches: must be an integer >= 1, got ${residualBranches}`);
  if (!Number.isInteger(branchDepth) || branchDepth < 1)
    throw new RangeError(`branchDepth: must be an integer >= 1, got ${branchDepth}`);
  const hiddenScale = branchDepth === 1 ? 1 : residualBranches ** (-1 / (2 * branchDepth - 2));
  return { hiddenScale, lastLayer: "zero", multiplier: 1, bias: 0 };
}

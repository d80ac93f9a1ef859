/**
 * initlab core: pure TypeScript (no Node, DOM, file system or clock), shared by the CLI, the
 * reports and the web lab.
 */
export { Rng, rngStream, checkSeed } from "./random/Rng.js";
export type { StreamLabel } from "./random/Rng.js";
export { mix32, hashLabel } from "./random/mix32.js";
export { standardNormal, fillNormal } from "./random/normal.js";
export { fillUniform } from "./random/uniform.js";
export { DTYPES, parseDtype, rounder } from "./numeric/dtype.js";
export type { Dtype } from "./numeric/dtype.js";
export { sumInDtype } from "./numeric/sum.js";
export { meanStd } from "./numeric/meanStd.js";
export type { MeanStd } from "./numeric/meanStd.js";
export { matmul } from "./numeric/matmul.js";
export type { Progress, ProgressListener } from "./study/progress.js";
export { scaledNormal, symmetricUniform } from "./study/weightSamplers.js";
export type { DtypeSampler } from "./study/weightSamplers.js";
export { matmulChain } from "./study/matmulChain.js";
export type { ChainEvents, ChainResult, LayerMeanStd, MatmulChainOptions, StopReason, StopRule } from "./study/matmulChain.js";
export { varianceLaw } from "./study/varianceLaw.js";
export type { VarianceLawResult } from "./study/varianceLaw.js";
export { linearNetGradients } from "./study/linearNetGradients.js";
export type { LinearNetGradientOptions, LinearNetGradientResult } from "./study/linearNetGradients.js";
export { seedStudy, SEED_DEPTH, SEED_FAN, SEED_WIDTH } from "./study/seedStudy.js";
export type { SeedStudyOptions, SeedStudyResult } from "./study/seedStudy.js";
export { formatFloat } from "./numeric/formatFloat.js";
export { toJson } from "./numeric/toJson.js";

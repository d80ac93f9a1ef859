/**
 * Everything in initlab's core, for initlab's own CLI, lab, reports, adapters, tests and
 * benchmarks — internals included (arena, gemm kernels, draw caches). The published library is
 * `./index.ts`, a curated subset.
 */
export { mix32, hashLabel } from "./random/mix32.js";
export { FORMATS, rounder, defaultAccumulate } from "./numeric/dtype.js";
export type { FloatFormat } from "./numeric/dtype.js";
export { sumInDtype, sumOfSquaresInDtype } from "./numeric/sum.js";
export { meanStd } from "./numeric/meanStd.js";
export type { MeanStd } from "./numeric/meanStd.js";
export { matmul } from "./numeric/matmul.js";
export type { Progress, ProgressListener } from "./study/progress.js";
export { scaledNormal, symmetricUniform } from "./study/weightSamplers.js";
export type { DtypeSampler } from "./study/weightSamplers.js";
export type {
  ChainEvents,
  ChainResult,
  LayerMeanStd,
  MatmulChainOptions,
  StopReason,
  StopRule,
} from "./study/matmulChain.js";
export type { VarianceLawResult } from "./study/varianceLaw.js";
export { linearNetGradients } from "./study/linearNetGradients.js";
export type { LinearNetGradientOptions, LinearNetGradientResult } from "./study/linearNetGradients.js";
export { SEED_DEPTH, SEED_FAN, SEED_WIDTH } from "./study/seedStudy.js";
export type { SeedStudyOptions } from "./study/seedStudy.js";
export { erf, erfc, normalCdf, normalPdf } from "./math/normalDistribution.js";
export { frameworkLayout, checkShape } from "./init/kernel.js";
export type { KernelAxes } from "./init/kernel.js";
export { DEFAULT_LEAKY_SLOPE } from "./init/gain.js";
export { truncatedNormalCdf, truncatedNormal, truncatedNormalMass } from "./init/truncatedNormal.js";
export { sampleDistribution, sampleStreamed, isStreamed, orthogonalView, centreTap } from "./init/distribution.js";
export type { DistributionKind } from "./init/distribution.js";
export type { FrameworkVariant, BuildEnv, Built } from "./init/catalog.js";
export { orthogonalMatrixView } from "./init/initialize.js";
export type { DrawReuse } from "./init/initialize.js";
export { drawCacheKey, fromStandardDraws, isLocationScale, standardDraws } from "./init/standardDraws.js";
export type { DrawCache, LocationScale } from "./init/standardDraws.js";
export type { ParamDef, ParamDefs } from "./init/params.js";
export type { FixupPlan } from "./init/fixup.js";
export type { MuPRole, MuPRule } from "./init/muP.js";
export { initMemoryBytes, formatBytes } from "./init/memoryEstimate.js";
export { gemm } from "./numeric/gemm.js";
export { SELU_ALPHA, SELU_LAMBDA } from "./engine/activations.js";
export { referenceBackend } from "./engine/backend.js";
export { exactBackend, exactBackendBytes, WASM_MAX_WEIGHT_BYTES } from "./engine/exactBackend.js";
export type { Backend, Matrix } from "./engine/backend.js";
export { networkMemoryBytes, networkWeightCount, NORM_EPS } from "./engine/networkSpec.js";
export type { RunOptions } from "./engine/networkSpec.js";
export { buildNetwork, kernelShape, layerDrawKey, layerStandardDraws } from "./engine/buildNetwork.js";
export type { BuildOptions, BuiltNetwork, DenseLayer } from "./engine/buildNetwork.js";
export { normalize, normalizeBackward } from "./engine/normalization.js";
export { tensorStats, QUANTILE_LEVELS, LINEAR_BINS } from "./engine/layerStats.js";
export type { Histogram } from "./engine/layerStats.js";
export { runNetwork, drawInput, firstEvents } from "./engine/propagate.js";
export type { LayerGradient, BlockSignal } from "./engine/propagate.js";
export { symmetricEigenvalues } from "./linalg/symmetricEigenvalues.js";
export { denseForward, layerOutput } from "./engine/denseForward.js";
export { arena, freshArrays } from "./engine/arena.js";
export type { Arena } from "./engine/arena.js";
export { propagateCorrelation } from "./engine/correlation.js";
export type { CorrelationLayer } from "./engine/correlation.js";
export { convGeometry, im2col, col2im } from "./engine/conv2d.js";
export type { ConvGeometry } from "./engine/conv2d.js";
export { lsuvNetwork } from "./engine/lsuvNetwork.js";
export { brentRoot } from "./math/brent.js";
export { gaussLegendre } from "./theory/gaussLegendre.js";
export { gaussianExpectation, gaussianPairExpectation, gaussianExpectationDq } from "./theory/gaussian.js";
export { correlationMap, cStar, depthScales } from "./theory/meanField.js";
export { haninRolnickGrowth, linearVarianceLaw } from "./theory/jacobianTheory.js";
export { spirals, teacher, splitDataset } from "./train/dataset.js";
export type { Dataset } from "./train/dataset.js";
export { train } from "./train/train.js";
export type { TrainOptions, TrainResult, EpochRecord } from "./train/train.js";
export { WasmFloat32Gemm, wasmFloat32Backend } from "./numeric/wasmGemm.js";
export { NO_EVENTS } from "./text/signalSentences.js";
export type { ForwardEvents } from "./text/signalSentences.js";
export { drawBlockWeights, blockDraws } from "./transformer/blockWeights.js";
export { streamTheory } from "./transformer/streamTheory.js";
export { transformerBands } from "./transformer/transformerBands.js";
export type { TransformerBands } from "./transformer/transformerBands.js";
export {
  recommendTransformer,
  transformerCandidates,
  transformerSnippets,
  TRANSFORMER_HEALTH,
} from "./transformer/recommendTransformer.js";
export type { RankedTransformerScheme, TransformerCandidate } from "./transformer/recommendTransformer.js";
export type { StreamTheory } from "./transformer/streamTheory.js";
export { blockForward, blockBackward } from "./transformer/transformerPass.js";
export * from "./index.js";
export { integerMessage, oneOfMessage, widthsMessage } from "./text/formatStat.js";
export { frameworkSampler, RNG_KINDS } from "./random/frameworks/frameworkSample.js";
export type { FrameworkSampler, RngKind } from "./random/frameworks/frameworkSample.js";
export { correctLog, ddLog, LN2 } from "./random/frameworks/correctLog.js";
export { glibcLog, glibcLogFused, GLIBC_LOG_LN2, GLIBC_LOG_TABLE } from "./random/frameworks/glibcLog.js";
export {
  glibcCos,
  glibcCosFused,
  glibcSin,
  glibcSinCos,
  glibcSinFused,
  GLIBC_SINCOS_TABLE,
} from "./random/frameworks/glibcSinCos.js";
export { glibcLog1p, LOG1P_LN2, LOG1P_LP } from "./random/frameworks/glibcLog1p.js";
export { glibcLog1pf, LOG1PF_LN2, LOG1PF_LP } from "./random/frameworks/glibcLog1pf.js";
export { fma } from "./numeric/fma.js";
export { hexFloat } from "./numeric/hexFloat.js";
export { Mt19937 } from "./random/frameworks/mt19937.js";
export { NumpyLegacyRng } from "./random/frameworks/numpyLegacy.js";
export { Pcg64 } from "./random/frameworks/pcg64.js";
export { generateState, seedSequencePool } from "./random/frameworks/seedSequence.js";
export { numpyNormal, numpyNormalF32, numpyNormals, numpyZigguratTables } from "./random/frameworks/numpyZiggurat.js";
export { TorchCpuRng } from "./random/frameworks/torchCpuRng.js";
export { fmaF32 } from "./numeric/fmaF32.js";
export { avxLog, avxSinCos } from "./random/frameworks/torchAvxMathfun.js";

/**
 * Everything in initlab's core, for initlab's own CLI, lab, reports, adapters, tests and
 * benchmarks — internals included (arena, gemm kernels, draw caches). The published library is
 * `./index.ts`, a curated subset.
 */
export { Rng, rngStream, checkSeed } from "./random/Rng.js";
export type { StreamLabel } from "./random/Rng.js";
export { mix32, hashLabel } from "./random/mix32.js";
export { standardNormal, fillNormal } from "./random/normal.js";
export { fillUniform } from "./random/uniform.js";
export { DTYPES, FORMATS, parseDtype, rounder, roundToFormat, defaultAccumulate } from "./numeric/dtype.js";
export type { Dtype, FloatFormat } from "./numeric/dtype.js";
export { sumInDtype, sumOfSquaresInDtype } from "./numeric/sum.js";
export { meanStd } from "./numeric/meanStd.js";
export type { MeanStd } from "./numeric/meanStd.js";
export { matmul } from "./numeric/matmul.js";
export type { Progress, ProgressListener } from "./study/progress.js";
export { scaledNormal, symmetricUniform } from "./study/weightSamplers.js";
export type { DtypeSampler } from "./study/weightSamplers.js";
export { matmulChain } from "./study/matmulChain.js";
export type {
  ChainEvents,
  ChainResult,
  LayerMeanStd,
  MatmulChainOptions,
  StopReason,
  StopRule,
} from "./study/matmulChain.js";
export { varianceLaw } from "./study/varianceLaw.js";
export type { VarianceLawResult } from "./study/varianceLaw.js";
export { linearNetGradients } from "./study/linearNetGradients.js";
export type { LinearNetGradientOptions, LinearNetGradientResult } from "./study/linearNetGradients.js";
export { seedStudy, SEED_DEPTH, SEED_FAN, SEED_WIDTH } from "./study/seedStudy.js";
export type { SeedStudyOptions, SeedStudyResult } from "./study/seedStudy.js";
export { formatFloat } from "./numeric/formatFloat.js";
export { toJson } from "./numeric/toJson.js";
export { erf, erfc, normalCdf, normalPdf } from "./math/normalDistribution.js";
export { haarOrthonormalColumns } from "./linalg/haarOrthogonal.js";
export {
  LAYOUTS,
  FRAMEWORKS,
  parseLayout,
  parseFramework,
  frameworkLayout,
  checkShape,
  kernelContext,
  kernelAxes,
} from "./init/kernel.js";
export type { Layout, Framework, KernelContext, KernelAxes } from "./init/kernel.js";
export { initlabFans, frameworkFans } from "./init/fans.js";
export type { Fans } from "./init/fans.js";
export { calculateGain, GAIN_NONLINEARITIES, DEFAULT_LEAKY_SLOPE } from "./init/gain.js";
export { parseInitSpec, formatInitSpec } from "./init/initSpec.js";
export type { InitSpec } from "./init/initSpec.js";
export {
  TRUNCATED_NORMAL_STD_2SIGMA,
  truncatedNormalMoments,
  truncatedNormalCdf,
  truncatedNormal,
  truncatedNormalMass,
} from "./init/truncatedNormal.js";
export { distributionMoments, sampleDistribution, orthogonalView, centreTap } from "./init/distribution.js";
export type { InitDistribution, DistributionKind } from "./init/distribution.js";
export { INITIALIZERS, varianceScaling } from "./init/catalog.js";
export type { InitializerDef, FrameworkVariant, BuildEnv, Built } from "./init/catalog.js";
export { resolveInitializer, findInitializer } from "./init/resolveInitializer.js";
export type { ResolvedInitializer, ResolveOptions } from "./init/resolveInitializer.js";
export { initialize, sampleStats, orthogonalityError, orthogonalMatrixView } from "./init/initialize.js";
export type { Initialized, SampleStats, DrawReuse } from "./init/initialize.js";
export { drawCacheKey, fromStandardDraws, isLocationScale, standardDraws } from "./init/standardDraws.js";
export type { DrawCache, LocationScale } from "./init/standardDraws.js";
export type { ParamDef, ParamDefs } from "./init/params.js";
export { lsuv } from "./init/lsuv.js";
export type { LsuvLayer, LsuvOptions, LsuvLayerReport } from "./init/lsuv.js";
export { fixupPlan } from "./init/fixup.js";
export type { FixupPlan } from "./init/fixup.js";
export { muPRule } from "./init/muP.js";
export type { MuPRole, MuPRule } from "./init/muP.js";
export { translateShape } from "./init/translateShape.js";
export { initMemoryBytes, formatBytes } from "./init/memoryEstimate.js";
export { gemm } from "./numeric/gemm.js";
export { ACTIVATIONS, ACTIVATION_NAMES, parseActivation, SELU_ALPHA, SELU_LAMBDA } from "./engine/activations.js";
export type { Activation } from "./engine/activations.js";
export { referenceBackend } from "./engine/backend.js";
export { exactBackend, exactBackendBytes, WASM_MAX_WEIGHT_BYTES } from "./engine/exactBackend.js";
export type { Backend, Matrix } from "./engine/backend.js";
export { checkNetwork, networkMemoryBytes, networkWeightCount, NORM_EPS, plainNetwork } from "./engine/networkSpec.js";
export type { NetworkSpec, RunOptions } from "./engine/networkSpec.js";
export { buildNetwork, kernelShape, layerDrawKey, layerStandardDraws } from "./engine/buildNetwork.js";
export type { BuildOptions, BuiltNetwork, DenseLayer } from "./engine/buildNetwork.js";
export { normalize, normalizeBackward } from "./engine/normalization.js";
export { tensorStats, QUANTILE_LEVELS, LINEAR_BINS } from "./engine/layerStats.js";
export type { TensorStats, Histogram } from "./engine/layerStats.js";
export { propagate, runNetwork, drawInput, firstEvents } from "./engine/propagate.js";
export type {
  PropagateOptions,
  PropagateResult,
  LayerResult,
  LayerGradient,
  BlockSignal,
  PropagationEvents,
} from "./engine/propagate.js";
export { symmetricEigenvalues } from "./linalg/symmetricEigenvalues.js";
export { denseForward, layerOutput } from "./engine/denseForward.js";
export { arena, freshArrays } from "./engine/arena.js";
export { signalTrend, TREND_FACTOR } from "./engine/signalTrend.js";
export type { SignalTrend } from "./engine/signalTrend.js";
export type { Arena } from "./engine/arena.js";
export { jacobianSpectrum } from "./engine/jacobian.js";
export type { JacobianResult } from "./engine/jacobian.js";
export { propagateCorrelation } from "./engine/correlation.js";
export type { CorrelationLayer } from "./engine/correlation.js";
export { convGeometry, im2col, col2im } from "./engine/conv2d.js";
export type { ConvGeometry } from "./engine/conv2d.js";
export { lsuvNetwork } from "./engine/lsuvNetwork.js";
export { brentRoot } from "./math/brent.js";
export { gaussLegendre } from "./theory/gaussLegendre.js";
export { gaussianExpectation, gaussianPairExpectation, gaussianExpectationDq } from "./theory/gaussian.js";
export {
  lengthMap,
  qStar,
  chi1,
  correlationMap,
  cStar,
  depthScales,
  meanField,
  criticalSigmaW2,
} from "./theory/meanField.js";
export type { MeanFieldParams, MeanFieldSummary } from "./theory/meanField.js";
export { jacobianSpectrumTheory, haninRolnickGrowth, linearVarianceLaw } from "./theory/jacobianTheory.js";
export { phaseDiagram, linspace } from "./theory/phaseDiagram.js";
export type { PhaseDiagram } from "./theory/phaseDiagram.js";
export { networkTheory } from "./theory/networkTheory.js";
export type { NetworkTheory } from "./theory/networkTheory.js";
export { spirals, teacher, splitDataset } from "./train/dataset.js";
export type { Dataset } from "./train/dataset.js";
export { train } from "./train/train.js";
export type { TrainOptions, TrainResult, EpochRecord } from "./train/train.js";
export { WasmFloat32Gemm, wasmFloat32Backend } from "./numeric/wasmGemm.js";
export { formatPValue, formatStat } from "./text/formatStat.js";
export { eventSentences, trendSentence, NO_EVENTS } from "./text/signalSentences.js";
export type { ForwardEvents } from "./text/signalSentences.js";
export * from "./index.js";
export { oneOfMessage } from "./text/formatStat.js";

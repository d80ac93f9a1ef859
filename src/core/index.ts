/**
 * initlab — the library: initializers as every framework draws them, a propagation engine with
 * every float format, mean-field theory, the seed study and the audit of a weight tensor. Pure
 * TypeScript (no Node, DOM, file system or clock): it runs in Node and in the browser.
 *
 * ```js
 * import { resolveInitializer, initialize, rngStream, propagate, plainNetwork, meanField, parseActivation } from "initlab";
 * const he = resolveInitializer("he_normal", { shape: [256, 128] }); // keras layout [in, out]: Var = 2/256
 * const w = initialize("glorot_uniform", { shape: [3, 3, 64, 128], framework: "keras" }, rngStream(0, "conv1")).values;
 * const run = await propagate({ network: plainNetwork({ width: 512, depth: 20, init: "lecun_normal", activation: "tanh" }), batch: 16, seed: 0 });
 * const theory = meanField({ activation: parseActivation("tanh"), sigmaW2: 1.76, sigmaB2: 0.05 });
 * ```
 * The examples in docs/library.md are run by the tests. `npm run docs` writes the API reference (TypeDoc) to docs/api/.
 * @packageDocumentation
 */

// randomness: explicit, seeded streams
export { Rng, rngStream, checkSeed } from "./random/Rng.js";
export type { StreamLabel } from "./random/Rng.js";
export { standardNormal, fillNormal } from "./random/normal.js";
export { fillUniform } from "./random/uniform.js";

// float formats
export { DTYPES, parseDtype, roundToFormat } from "./numeric/dtype.js";
export type { Dtype } from "./numeric/dtype.js";
export { formatFloat } from "./numeric/formatFloat.js";
export { toJson } from "./numeric/toJson.js";

// initializers, as initlab and each framework define them
export { INITIALIZERS, varianceScaling, VS_RULES } from "./init/catalog.js";
export type { InitializerDef } from "./init/catalog.js";
export { resolveInitializer, findInitializer } from "./init/resolveInitializer.js";
export type { ResolvedInitializer, ResolveOptions } from "./init/resolveInitializer.js";
export { initialize, initializeInChunks, sampleStats, orthogonalityError } from "./init/initialize.js";
export type { Initialized, SampleStats } from "./init/initialize.js";
export { parseInitSpec, formatInitSpec, splitSpecList } from "./init/initSpec.js";
export type { InitSpec } from "./init/initSpec.js";
export { LAYOUTS, FRAMEWORKS, parseLayout, parseFramework, kernelContext, kernelAxes } from "./init/kernel.js";
export type { Layout, Framework, KernelContext } from "./init/kernel.js";
export { initlabFans, frameworkFans } from "./init/fans.js";
export type { Fans } from "./init/fans.js";
export { translateShape } from "./init/translateShape.js";
export { calculateGain, GAIN_NONLINEARITIES, secondMomentGain, torchGainFor } from "./init/gain.js";
export { distributionMoments } from "./init/distribution.js";
export type { InitDistribution } from "./init/distribution.js";
export { TRUNCATED_NORMAL_STD_2SIGMA, truncatedNormalMoments } from "./init/truncatedNormal.js";
export { lsuv } from "./init/lsuv.js";
export type { LsuvLayer, LsuvOptions, LsuvLayerReport } from "./init/lsuv.js";
export { fixupPlan } from "./init/fixup.js";
export { muPRule } from "./init/muP.js";
export { haarOrthonormalColumns } from "./linalg/haarOrthogonal.js";

// the propagation engine
export { propagate } from "./engine/propagate.js";
export type { PropagateOptions, PropagateResult, LayerResult, PropagationEvents } from "./engine/propagate.js";
export { plainNetwork, checkNetwork } from "./engine/networkSpec.js";
export type { NetworkSpec } from "./engine/networkSpec.js";
export { ACTIVATIONS, ACTIVATION_NAMES, parseActivation } from "./engine/activations.js";
export type { Activation } from "./engine/activations.js";
export { jacobianSpectrum } from "./engine/jacobian.js";
export type { JacobianResult } from "./engine/jacobian.js";
export type { TensorStats } from "./engine/layerStats.js";

// mean-field theory
export { meanField, qStar, chi1, criticalSigmaW2, lengthMap } from "./theory/meanField.js";
export type { MeanFieldParams, MeanFieldSummary } from "./theory/meanField.js";
export type { LengthFixedPoint } from "./theory/lengthFixedPoint.js";
export { hiddenMeanField, networkTheory } from "./theory/networkTheory.js";
export type { NetworkTheory } from "./theory/networkTheory.js";
export { phaseDiagram, linspace } from "./theory/phaseDiagram.js";
export type { PhaseDiagram } from "./theory/phaseDiagram.js";
export { jacobianSpectrumTheory } from "./theory/jacobianTheory.js";

// the seed study
export { seedStudy } from "./study/seedStudy.js";
export type { SeedStudyResult } from "./study/seedStudy.js";
export { matmulChain } from "./study/matmulChain.js";
export { varianceLaw } from "./study/varianceLaw.js";

// auditing a weight tensor
export { auditTensor } from "./audit/auditTensor.js";
export type { TensorAudit } from "./audit/auditTensor.js";
export { weightSpectrum } from "./audit/weightSpectrum.js";
export type { WeightSpectrum } from "./audit/weightSpectrum.js";
export { ksTest } from "./audit/kolmogorovSmirnov.js";

// one voice for numbers and events
export { formatStat, formatPValue } from "./text/formatStat.js";
export { eventSentences } from "./text/signalSentences.js";
export {
  backwardVerdict,
  correlationVerdict,
  forwardVerdict,
  propagationProfile,
  signalVerdicts,
  verdictHeadline,
  VERDICT_FACTOR,
} from "./verdict/signalVerdicts.js";
export type { SignalProfile, Verdict, VerdictKind, VerdictSignal } from "./verdict/signalVerdicts.js";
export { bandPoint, bandVerdicts, quantileSorted, seedBands } from "./verdict/seedBands.js";
export type { BandPoint, SeedBands } from "./verdict/seedBands.js";
export {
  CATALOG_CANDIDATES,
  DEFAULT_FRAMEWORKS,
  depthMatchedSigmaW2,
  derivedCandidates,
  recommend,
  recommendCandidates,
  runSeedTask,
} from "./verdict/recommend.js";
export type {
  Candidate,
  RankedScheme,
  Recommendation,
  RecommendOptions,
  SeedRunner,
  SeedTask,
} from "./verdict/recommend.js";
export { initSnippets } from "./text/initSnippets.js";
export type { InitSnippets } from "./text/initSnippets.js";
export { propagateTransformer } from "./transformer/propagateTransformer.js";
export type { TransformerLayer, TransformerResult } from "./transformer/propagateTransformer.js";
export {
  checkTransformer,
  DEFAULT_TRANSFORMER,
  RESIDUAL_SCALES,
  memoryEncoder,
  residualScheme,
  stackRole,
  TRANSFORMER_LIMITS,
} from "./transformer/transformerSpec.js";
export type { ResidualConstants, ResidualScale, StackRole, TransformerSpec } from "./transformer/transformerSpec.js";
export { tokenCosine, effectiveRank } from "./transformer/tokenSignals.js";

import { parseActivation } from "../engine/activations.js";
import type { NetworkSpec } from "../engine/networkSpec.js";
import { layerDefaultBias } from "../engine/buildNetwork.js";
import { resolveInitializer } from "../init/resolveInitializer.js";
import { gaussianExpectation, gaussianPairExpectation } from "./gaussian.js";
import type { MeanFieldSummary } from "./meanField.js";
import { meanField } from "./meanField.js";

/** The mean-field prediction beside a propagate run. */
export interface NetworkTheory {
  /** σ_w² = fan_in·E[w²] of each layer, from the initializer's analytic moments */
  sigmaW2: number[];
  /** σ_b² = E[b²] of each layer (0 without bias) */
  sigmaB2: number[];
  /** predicted q^l = E[pre_l²] per layer */
  q: number[];
  /** predicted correlation of the two inputs' pre-activations per layer, when c₀ is given */
  c: number[] | null;
  /** why no prediction is made, or null */
  unsupported: string | null;
}

/**
 * Mean-field predictions for a freshly initialized network (Poole et al. 2016; Schoenholz et al.
 * 2017): with input x ~ N(0, s²), q⁰ = σ_w²·s² + σ_b², q^{l+1} = σ_w²·E[φ(√q^l z)²] + σ_b²; for two
 * inputs with correlation c₀, c⁰ = (σ_w²·c₀·s² + σ_b²)/q⁰ and
 * c^{l+1} = (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²)/q^{l+1} with (u₁, u₂) at q^l and correlation c^l.
 * @param weightScales each layer's weights were multiplied by this factor after drawing (LSUV's
 *   total scale): σ_w² is multiplied by its square.
 * σ_w² per layer is fan_in·E[w²] of the initializer as resolved for that layer (any distribution:
 * the theory needs only second moments at infinite width). Conv layers use fan_in = k²·C_in and
 * predict interior pixels (zero padding lowers the border). Norms and residual blocks are not
 * covered (unsupported says so).
 */
export function networkTheory(
  spec: NetworkSpec,
  inputScale: number,
  c0: number | null = null,
  weightScales: readonly number[] | null = null,
): NetworkTheory {
  const none = (why: string): NetworkTheory => ({ sigmaW2: [], sigmaB2: [], q: [], c: null, unsupported: why });
  if (spec.norm) return none("mean-field prediction not implemented for normalised networks");
  if (spec.residual) return none("mean-field prediction not implemented for residual networks");
  const phi = parseActivation(spec.activation);
  const sigmaW2: number[] = [];
  const sigmaB2: number[] = [];
  let nIn = spec.inputWidth;
  for (const nOut of spec.widths) {
    const k = spec.conv?.kernel;
    // each framework's kernel in its own layout (torch [out, in, k, k]), as buildNetwork draws it
    const torch = spec.framework === "torch";
    const shape = k ? (torch ? [nOut, nIn, k, k] : [k, k, nIn, nOut]) : torch ? [nOut, nIn] : [nIn, nOut];
    const r = resolveInitializer(spec.init, { shape, framework: spec.framework });
    const mup = spec.parameterization === "mup" && sigmaW2.length === spec.widths.length - 1 ? 1 / r.fanIn : 1;
    const scale = weightScales ? weightScales[sigmaW2.length] : 1;
    sigmaW2.push(r.fanIn * (r.variance + r.mean * r.mean) * mup * scale * scale);
    if (spec.biasInit) {
      const b = resolveInitializer(layerDefaultBias(spec, spec.biasInit, shape), {
        shape: [nOut],
        framework:
          spec.framework === "torch" || spec.framework === "jax" || spec.framework === "flax" ? null : spec.framework,
      });
      sigmaB2.push(b.variance + b.mean * b.mean);
    } else sigmaB2.push(0);
    nIn = nOut;
  }
  const s2 = inputScale * inputScale;
  const q: number[] = [];
  const c: number[] | null = c0 === null ? null : [];
  let ql = sigmaW2[0] * s2 + sigmaB2[0];
  let cl = c0 === null ? 0 : (sigmaW2[0] * c0 * s2 + sigmaB2[0]) / ql;
  q.push(ql);
  c?.push(cl);
  for (let l = 1; l < spec.widths.length; l++) {
    const next = sigmaW2[l] * gaussianExpectation((u) => phi.f(u) ** 2, ql, phi.kinks) + sigmaB2[l];
    if (c) {
      cl =
        Number.isFinite(next) && next > 0
          ? (sigmaW2[l] * gaussianPairExpectation(phi.f, phi.f, ql, ql, Math.max(-1, Math.min(1, cl)), phi.kinks) +
              sigmaB2[l]) /
            next
          : Number.NaN;
      c.push(cl);
    }
    ql = next;
    q.push(ql);
  }
  return { sigmaW2, sigmaB2, q, c, unsupported: null };
}

/**
 * The mean-field summary (q*, χ₁, c*, ξ_q, ξ_c) at a network's hidden-layer σ_w² and σ_b² — layer
 * 1's (layer 0's for a single layer), which every hidden layer shares under one initializer and
 * width — or null where the theory does not apply (norms, residual blocks).
 * @param options.correlation false skips c* and ξ_c (see {@link meanField}); default true.
 */
export function hiddenMeanField(
  spec: NetworkSpec,
  theory: NetworkTheory,
  options: { correlation?: boolean } = {},
): MeanFieldSummary | null {
  if (theory.unsupported !== null || theory.sigmaW2.length === 0) return null;
  const l = Math.min(1, theory.sigmaW2.length - 1);
  return meanField(
    { activation: parseActivation(spec.activation), sigmaW2: theory.sigmaW2[l], sigmaB2: theory.sigmaB2[l] },
    options,
  );
}

import type { InitDistribution } from "../core/internal.js";

const f = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(6));

/** A distribution in words, e.g. "normal(mean 0, std 0.0589)" or "truncated normal N(0, 0.0670²) on [−0.134, 0.134]". */
export function describeDistribution(d: InitDistribution): string {
  switch (d.kind) {
    case "constant":
      return `constant ${f(d.value)}`;
    case "normal":
      return `normal N(${f(d.mean)}, ${f(d.std)}²)`;
    case "uniform":
      return `uniform U(${f(d.low)}, ${f(d.high)})`;
    case "truncated_normal":
      return `truncated normal N(${f(d.mean)}, ${f(d.std)}²) on [${f(d.low)}, ${f(d.high)}]`;
    case "orthogonal":
      return `orthogonal × ${f(d.gain)} (flattened ${d.flatten === "first" ? "[shape[0], rest]" : "[rest, shape[-1]]"})`;
    case "identity":
      return `identity × ${f(d.gain)}`;
    case "dirac":
      return `dirac (groups ${d.groups})`;
    case "delta_orthogonal":
      return `delta-orthogonal × ${f(d.gain)}`;
    case "sparse":
      return `sparse: N(0, ${f(d.std)}²) with ${f(d.sparsity)} zeros per ${d.axis === "columns" ? "column" : "unit"}`;
  }
}

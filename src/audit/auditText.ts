import { formatPValue, formatStat } from "../core/text/formatStat.js";
import { formatTable } from "../report/table.js";
import type { AuditReport } from "./auditReport.js";
import type { LayerReport } from "./auditWeights.js";

const g = (x: number | null | undefined) => formatStat(x, 3);
const fan = (x: number) => (Number.isInteger(x) ? String(x) : formatStat(x, 4));
const p = formatPValue;

/** The fitted law in a few characters: U(±0.125), N(0, 0.0722²), TN(σ=0.05, ±2σ), orth(g=1), const 0, sparse(0.9), trained. */
export function fitLabel(l: LayerReport): string {
  const f = l.fit;
  switch (f.family) {
    case "uniform":
      return Math.abs(f.mean) > 1e-3 * (f.bound ?? 1)
        ? `U(${g(f.mean - (f.bound ?? 0))}, ${g(f.mean + (f.bound ?? 0))})`
        : `U(±${g(f.bound)})`;
    case "normal":
      return `N(${Math.abs(f.mean) > 0.05 * f.std ? g(f.mean) : "0"}, ${g(f.std)}²)`;
    case "truncated_normal":
      return `TN(σ=${g(f.std)}, ±${g(f.cut)}σ)`;
    case "orthogonal":
      return `orthogonal(gain ${g(f.gain)})`;
    case "constant":
      return `constant ${g(f.value)}`;
    case "sparse":
      return `sparse(${g(f.sparsity)}, σ=${g(f.std)})`;
    default:
      return `trained? (std ${g(l.stats.std)})`;
  }
}

function likely(l: LayerReport, origin: string | null): string {
  if (l.matches.length === 0) return l.fit.family === "unknown" ? "none fits" : "no catalog scheme";
  const first = l.matches.find((m) => m.framework === origin) ?? l.matches[0];
  const others = new Set(l.matches.map((m) => `${m.spec}@${m.framework}`)).size - 1;
  return `${first.spec} (${first.framework}${first.note.startsWith("torch default") || first.note.includes("default (") ? ", default" : ""})${others > 0 ? ` +${others}` : ""}`;
}

/** Layer indices as ranges: 0-3,5,7-9. */
export function compactRange(idx: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < idx.length; i++) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j] + 1) j++;
    parts.push(j > i ? `${idx[i]}-${idx[j]}` : String(idx[i]));
    i = j;
  }
  return parts.join(",");
}

/** `initlab audit`'s human-readable output: the summary first, one table row per layer, then findings and propagation. */
export function auditText(r: AuditReport, options: { nodes?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(
    `initlab audit: ${r.format}${r.producer ? ` written by ${r.producer}` : ""}; ${r.layers.length} layer(s); seed ${r.seed}`,
  );
  for (const s of r.summary) lines.push(`→ ${s}`);
  lines.push("");
  const nodeStd = new Map<number, number>();
  if (r.propagation) for (const n of r.propagation.nodes) if (n.layer !== null) nodeStd.set(n.layer, n.std);
  const rows = r.layers.map((l, i) => [
    String(i),
    l.name.length > 28 ? `…${l.name.slice(-27)}` : l.name,
    l.op,
    l.shape.join("x"),
    `${fan(l.fanIn)}/${fan(l.fanOut)}`,
    fitLabel(l),
    p(l.fit.pValue),
    likely(l, r.origin),
    l.spectrum
      ? `${g(l.spectrum.spectralNorm)} / ${g(l.spectrum.stableRank)} / ${l.spectrum.spikes}${l.spectrum.alpha !== null ? ` / ${g(l.spectrum.alpha)}` : ""}`
      : "—",
    r.propagation ? g(nodeStd.get(i)) : "—",
  ]);
  lines.push(
    formatTable(
      [
        "#",
        "layer",
        "op",
        "shape",
        "fan in/out",
        "fit",
        "p (KS)",
        "most likely init",
        "‖W‖₂ / srank / spikes / α",
        "out std",
      ],
      rows,
    ),
  );
  // the same finding on many layers is said once, with the layers' indices
  const grouped = new Map<string, number[]>();
  r.layers.forEach((l, i) => l.findings.forEach((f) => grouped.set(f, [...(grouped.get(f) ?? []), i])));
  const findings = [...grouped].map(([f, idx]) =>
    idx.length === 1 ? `  [${idx[0]}] ${r.layers[idx[0]].name}: ${f}` : `  [${compactRange(idx)}] ${f}`,
  );
  if (findings.length > 0) lines.push("", "findings:", ...findings);
  if (r.propagation) {
    const e = r.propagation.eventNodes;
    lines.push(
      "",
      `propagation: batch ${r.propagation.batch} of ${r.propagation.inputs.map((i) => `${i.name} [${i.shape.join("x")}] ~ ${i.drawn}`).join(", ")} on ${r.propagation.engine}`,
    );
    lines.push(
      `  events: non-finite ${e.valueNonFinite ?? "none"}, all zero ${e.allZero ?? "none"}, exploding ${e.exploding ?? "none"}, vanishing ${e.vanishing ?? "none"}`,
    );
    const shown = options.nodes ? r.propagation.nodes : r.propagation.nodes.filter((n) => n.layer !== null);
    const nrows = shown.map((n) => [
      n.name.length > 34 ? `…${n.name.slice(-33)}` : n.name,
      n.op,
      n.layer === null ? "—" : String(n.layer),
      g(n.mean),
      g(n.std),
      g(n.zeroFraction),
      n.saturatedFraction === null ? "—" : g(n.saturatedFraction),
      n.gain === null ? "—" : g(n.gain),
      n.predictedGain === null ? "—" : g(n.predictedGain),
    ]);
    lines.push(
      formatTable(
        ["node", "op", "layer", "mean", "std", "zero", "saturated", "gain", "mean-field gain"],
        nrows,
      ).replace(/^/gm, "  "),
    );
    if (!options.nodes && shown.length < r.propagation.nodes.length)
      lines.push(
        `  (${r.propagation.nodes.length - shown.length} other nodes measured; --nodes lists them, --json has them all)`,
      );
  }
  if (r.notes.length > 0) lines.push("", "notes:", ...r.notes.map((n) => `  ${n}`));
  return `${lines.join("\n")}\n`;
}

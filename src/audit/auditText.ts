import { formatPValue, formatStat } from "../core/text/formatStat.js";
import { formatTable } from "../report/table.js";
import type { AuditReport } from "./auditReport.js";
import type { LayerReport } from "./auditWeights.js";

const g = (x: number | null | undefined) => formatStat(x, 3);
/** A fan in words: integers as integers, a framework's fractional average with 4 digits. */
export const formatFan = (x: number) => (Number.isInteger(x) ? String(x) : formatStat(x, 4));
const fan = formatFan;
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

/** The most likely scheme of a layer in words, the model's own framework first: "he_normal (torch, default) +2". */
export function likelyScheme(l: LayerReport, origin: string | null): string {
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
  const lines: string[] = [
    `initlab audit: ${r.format}${r.producer ? ` written by ${r.producer}` : ""}; ${r.layers.length} layer(s); seed ${r.seed}`,
    ...r.summary.map((s) => `→ ${s}`),
    "",
    layerTable(r),
    ...findingLines(r),
    ...(r.propagation ? propagationLines(r.propagation, options.nodes ?? false) : []),
  ];
  if (r.notes.length > 0) lines.push("", "notes:", ...r.notes.map((n) => `  ${n}`));
  return `${lines.join("\n")}\n`;
}

/** One row per layer: name, op, shape, fans, the fitted law and its p-value, the most likely init, the spectrum, the propagated std. */
function layerTable(r: AuditReport): string {
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
    likelyScheme(l, r.origin),
    l.spectrum
      ? `${g(l.spectrum.spectralNorm)} / ${g(l.spectrum.stableRank)} / ${l.spectrum.spikes}${l.spectrum.alpha !== null ? ` / ${g(l.spectrum.alpha)}` : ""}`
      : "—",
    r.propagation ? g(nodeStd.get(i)) : "—",
  ]);
  const header = ["#", "layer", "op", "shape", "fan in/out", "fit", "p (KS)", "most likely init"];
  return formatTable([...header, "‖W‖₂ / srank / spikes / α", "out std"], rows);
}

/** The findings, the same finding on many layers said once with the layers' indices. */
function findingLines(r: AuditReport): string[] {
  const grouped = new Map<string, number[]>();
  r.layers.forEach((l, i) => l.findings.forEach((f) => grouped.set(f, [...(grouped.get(f) ?? []), i])));
  const findings = [...grouped].map(([f, idx]) =>
    idx.length === 1 ? `  [${idx[0]}] ${r.layers[idx[0]].name}: ${f}` : `  [${compactRange(idx)}] ${f}`,
  );
  return findings.length > 0 ? ["", "findings:", ...findings] : [];
}

/** The propagation: its input, its events, and a table of the layers' nodes (every node with `nodes`). */
function propagationLines(prop: NonNullable<AuditReport["propagation"]>, allNodes: boolean): string[] {
  const e = prop.eventNodes;
  const lines = [
    "",
    `propagation: batch ${prop.batch} of ${prop.inputs.map((i) => `${i.name} [${i.shape.join("x")}] ~ ${i.drawn}`).join(", ")} on ${prop.engine}`,
    `  events: non-finite ${e.valueNonFinite ?? "none"}, all zero ${e.allZero ?? "none"}, exploding ${e.exploding ?? "none"}, vanishing ${e.vanishing ?? "none"}`,
  ];
  const shown = allNodes ? prop.nodes : prop.nodes.filter((n) => n.layer !== null);
  const rows = shown.map((n) => [
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
  const header = ["node", "op", "layer", "mean", "std", "zero", "saturated", "gain", "mean-field gain"];
  lines.push(formatTable(header, rows).replace(/^/gm, "  "));
  if (!allNodes && shown.length < prop.nodes.length)
    lines.push(`  (${prop.nodes.length - shown.length} other nodes measured; --nodes lists them, --json has them all)`);
  return lines;
}

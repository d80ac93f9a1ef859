import type { ResolvedInitializer } from "./resolveInitializer.js";

/**
 * Bytes an {@link initialize} call allocates at its peak: the float64 values (8 bytes each),
 * plus for orthogonal and delta-orthogonal the Householder vectors and Q (≈ 2 × rows × cols × 8).
 */
export function initMemoryBytes(resolved: ResolvedInitializer): number {
  const n = resolved.ctx.shape.reduce((a, b) => a * b, 1);
  const extra = resolved.distribution === "orthogonal" || resolved.distribution === "delta_orthogonal" ? 2 * n * 8 : 0;
  return n * 8 + extra;
}

/** Formats a byte count as "1.5 GiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 && u > 0 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

import type { Framework, Layout, ResolveOptions } from "../core/internal.js";
import { formatBytes } from "../core/internal.js";

/** The flags that describe one layer's kernel, shared by `init inspect`, `init compare` and `init sample`. */
export interface KernelFlags {
  shape: number[];
  framework?: Framework;
  layout?: Layout;
  groups?: number;
  transposed?: boolean;
  depthwise?: boolean;
}

/** The resolver's options for the kernel the flags describe (initlab's semantics without --framework). */
export function kernelResolveOptions(flags: KernelFlags): ResolveOptions {
  return {
    shape: flags.shape,
    framework: flags.framework ?? null,
    layout: flags.layout,
    groups: flags.groups,
    transposed: flags.transposed,
    depthwise: flags.depthwise,
  };
}

/** Refuses, before anything is allocated, a kernel that would need more than `limit` bytes. @throws a one-line error with the estimate. */
export function refuseKernelSize(shape: readonly number[], bytes: number, limit: number): void {
  if (bytes > limit)
    throw new Error(
      `shape: [${shape.join(",")}] would need about ${formatBytes(bytes)} (limit ${formatBytes(limit)}); use a smaller shape`,
    );
}

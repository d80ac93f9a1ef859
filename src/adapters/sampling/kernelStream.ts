import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { compiledWorker } from "../compiledWorker.js";
import type { SampleRequest, SampleResult, SampleTask } from "./sampleWorker.js";

/** One drawn kernel: its layer, its values (a view of a reused buffer), and Σ w² when asked for. */
export interface StreamedKernel {
  layer: number;
  values: Float32Array;
  sumSquares: number;
}

/** Kernels drawn ahead on a worker pool, in a fixed order, through a few reused buffers. */
export interface KernelStream {
  /** The next kernel in the order (draws are started ahead; this waits only when the pool is behind). */
  next(): Promise<StreamedKernel>;
  /** Hands a kernel's buffer back for a later draw; the kernel's values must not be used after. */
  recycle(kernel: StreamedKernel): void;
  close(): Promise<void>;
}

export interface KernelStreamOptions {
  /** draws in flight or drawn and not yet taken; default 4 */
  ahead?: number;
  /** worker threads; default the machine's parallelism */
  threads?: number;
  /** whether to sum each draw's squares, by its position in the order; default never */
  sumSquares?: (position: number) => boolean;
}

/**
 * Draws `tasks[order[0]]`, `tasks[order[1]]`, … on a worker-thread pool (piscina), up to `ahead`
 * at a time, each into a buffer recycled from an earlier draw (a layer may appear twice in the
 * order: drawing it again gives the same values, since each layer has its own stream). So a
 * network of any depth touches only (ahead + kernels the caller holds) buffers of memory — on a
 * machine where first-touch page faults cost ≈ 3 ms per MB, drawing a kernel again is cheaper than
 * keeping it. Values are bit-identical to a single-threaded draw whatever the thread count or the
 * order draws finish in.
 */
export function kernelStream(
  tasks: readonly SampleTask[],
  order: readonly number[],
  options: KernelStreamOptions = {},
): KernelStream {
  const ahead = Math.max(1, options.ahead ?? 4);
  const threads = options.threads ?? availableParallelism();
  const pool = new Piscina({
    filename: compiledWorker(import.meta.url, "./sampleWorker.js", "adapters/sampling/sampleWorker.js"),
    minThreads: threads,
    maxThreads: threads,
  });
  const size = Math.max(...tasks.map((t) => t.shape.reduce((a, b) => a * b, 1)));
  const free: ArrayBuffer[] = [];
  const started: (Promise<StreamedKernel> | null)[] = [];
  let taken = 0;
  const fill = () => {
    while (started.length < order.length && started.length - taken < ahead) {
      const position = started.length;
      const layer = order[position];
      const task = tasks[layer];
      const request: SampleRequest = {
        task,
        buffer: free.pop() ?? new ArrayBuffer(4 * size),
        sumSquares: options.sumSquares?.(position) ?? false,
      };
      const n = task.shape.reduce((a, b) => a * b, 1);
      const drawn = (pool.run(request, { transferList: [request.buffer] }) as Promise<SampleResult>).then((r) => ({
        layer,
        values: new Float32Array(r.buffer, 0, n),
        sumSquares: r.sumSquares,
      }));
      drawn.catch(() => {}); // a failed draw is reported to whoever takes it, not as an unhandled rejection
      started.push(drawn);
    }
  };
  fill();
  return {
    next() {
      if (taken >= order.length) return Promise.reject(new RangeError("kernel stream: every kernel was taken"));
      const kernel = started[taken]!;
      started[taken++] = null;
      fill();
      return kernel;
    },
    recycle(kernel) {
      free.push(kernel.values.buffer as ArrayBuffer);
      fill();
    },
    close: () => pool.destroy(),
  };
}

/// <reference lib="webworker" />
import type { Backend } from "../core/internal.js";

const channel = new MessageChannel();
const tick: (() => void)[] = [];
channel.port1.onmessage = () => tick.shift()?.();
/** Yields to the event loop (without setTimeout's clamping) so a newer request can arrive. */
const yieldNow = () =>
  new Promise<void>((r) => {
    tick.push(r);
    channel.port2.postMessage(0);
  });

/**
 * A backend that yields to the event loop every 2nd matmul and throws "superseded" once
 * `superseded()` says a newer request has arrived (for the backward pass, which must give way).
 */
export function interruptible(base: Backend, superseded: () => boolean): Backend {
  let calls = 0;
  return {
    ...base,
    async gemm(a, b, m, k, n, tA, tB, acc, out) {
      if (++calls % 2 === 0) {
        await yieldNow();
        if (superseded()) throw new Error("superseded");
      }
      return base.gemm(a, b, m, k, n, tA, tB, acc, out);
    },
  };
}

import type { Progress, ProgressListener } from "../core/internal.js";
import type { CliIo } from "./io.js";

/** Shows progress on stderr only once a step has run for more than this long. */
export const PROGRESS_DELAY_MS = 1000;

/**
 * A {@link ProgressListener} that writes `initlab: <step> done/total (p%)` to stderr once a step
 * has taken more than a second: redrawn in place on a terminal (every 100 ms at most), one line
 * a second in a log. `done()` clears the terminal line.
 */
export function progressReporter(io: CliIo): { listener: ProgressListener; done(): void } {
  let step = "";
  let started = 0;
  let lastPrint = -Infinity;
  let drawn = false;
  const interval = io.stderrIsTTY ? 100 : 1000;
  const listener = (p: Progress) => {
    const now = io.now();
    if (p.step !== step) {
      step = p.step;
      started = now;
    }
    if (now - started < PROGRESS_DELAY_MS || (now - lastPrint < interval && p.done < p.total)) return;
    lastPrint = now;
    const text = `initlab: ${p.step} ${p.done}/${p.total} (${Math.floor((100 * p.done) / p.total)}%)`;
    if (io.stderrIsTTY) {
      io.stderr(`\r\x1b[2K${text}`);
      drawn = true;
    } else {
      io.stderr(`${text}\n`);
    }
  };
  return {
    listener,
    done() {
      if (drawn) io.stderr("\r\x1b[2K");
      drawn = false;
    },
  };
}

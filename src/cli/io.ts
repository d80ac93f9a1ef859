/** Where a command writes, and the clock it may read: the process's in `bin/initlab.js`, buffers in tests. */
export interface CliIo {
  stdout(text: string): void;
  /** raw bytes to stdout (a file written to "-"); tests may leave it out */
  stdoutBytes?(bytes: Uint8Array): void;
  stderr(text: string): void;
  /** whether stderr is a terminal (progress redraws one line) or a log (progress prints lines) */
  stderrIsTTY: boolean;
  /** milliseconds, monotonic */
  now(): number;
}

/** The real process's streams and clock. */
export function processIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stdoutBytes: (b) => void process.stdout.write(b),
    stderr: (t) => void process.stderr.write(t),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    now: () => performance.now(),
  };
}

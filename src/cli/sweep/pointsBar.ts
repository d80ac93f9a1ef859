import { Presets, SingleBar } from "cli-progress";
import type { CliIo } from "../io.js";

/**
 * The progress bar of finished points (cli-progress): a terminal gets the redrawn bar, a log (or
 * a test's buffer) a line every 2 s. `label` names what is counted, e.g. "initlab sweep".
 */
export function pointsBar(io: CliIo, label: string): SingleBar {
  return new SingleBar(
    {
      stream: io.stderrIsTTY
        ? process.stderr
        : ({ write: (t: string) => io.stderr(t), isTTY: false } as unknown as NodeJS.WriteStream),
      format: `${label} |{bar}| {value}/{total} points | {duration_formatted} elapsed | ETA {eta_formatted}`,
      noTTYOutput: !io.stderrIsTTY,
      notTTYSchedule: 2000,
      hideCursor: false,
    },
    Presets.shades_classic,
  );
}

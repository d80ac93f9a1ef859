import type { Framework, NetworkSpec, PropagateResult, Verdict } from "../core/internal.js";
import {
  DEFAULT_FRAMEWORKS,
  formatStat,
  hiddenMeanField,
  propagationProfile,
  signalVerdicts,
  toJson,
  verdictHeadline,
} from "../core/internal.js";
import type { NamedChart } from "../charts/studyCharts.js";
import { formatTable } from "../report/table.js";
import type { CliIo } from "./io.js";
import { networkFromFlags } from "./networkOptions.js";
import type { PropagateFlags } from "./propagateCommand.js";
import { measureNetwork } from "./propagateCommand.js";
import { progressReporter } from "./progressReporter.js";

/** One initializer's run in a comparison. */
interface Compared {
  init: string;
  network: NetworkSpec;
  result: PropagateResult;
  verdicts: Verdict[];
}

/** Per layer, one column per init: the passed-on std, then (with a backward pass) ‖∂L/∂a‖. */
function compareTable(runs: readonly Compared[]): string {
  const backward = runs.every((c) => c.result.layers.every((l) => l.grad !== null));
  const rows = runs[0].result.layers.map((_, i) => [
    String(i),
    ...runs.map((c) => formatStat((c.result.layers[i].block ?? c.result.layers[i].post).std)),
    ...(backward ? runs.map((c) => formatStat(c.result.layers[i].grad?.activationNorm)) : []),
  ]);
  const header = [
    "layer",
    ...runs.map((c) => `std ${c.init}`),
    ...(backward ? runs.map((c) => `‖∂L/∂a‖ ${c.init}`) : []),
  ];
  return formatTable(header, rows);
}

/** One chart per statistic, every init a line on shared axes. */
async function compareCharts(runs: readonly Compared[], title: string): Promise<NamedChart[]> {
  const { logSignalChart } = await import("../charts/lineCharts.js");
  const charts: NamedChart[] = [
    {
      id: "compare-std",
      caption: "std of each layer's output, one line per initializer (shared axes).",
      spec: logSignalChart(
        `${title}: std per layer`,
        "std (log scale)",
        runs.map((c) => ({ name: c.init, values: c.result.layers.map((l) => (l.block ?? l.post).std) })),
      ),
    },
  ];
  if (runs.every((c) => c.result.layers.every((l) => l.grad !== null)))
    charts.push({
      id: "compare-gradients",
      caption: "‖∂L/∂a‖ per layer (backward pass), one line per initializer.",
      spec: logSignalChart(
        `${title}: ‖∂L/∂a‖ per layer`,
        "‖∂L/∂a‖ (log scale)",
        runs.map((c) => ({ name: c.init, values: c.result.layers.map((l) => l.grad?.activationNorm ?? Number.NaN) })),
      ),
    });
  return charts;
}

/**
 * The runs of a comparison: each spec under --framework; a framework's `default` (or
 * `layer_default`) without --framework becomes PyTorch's and Keras's, labelled "default (torch)"
 * and "default (keras)", as `recommend` compares them.
 */
function compareEntries(
  inits: readonly string[],
  framework: Framework | undefined,
): { init: string; framework: Framework | undefined; label: string }[] {
  return inits.flatMap((init) => {
    const isDefault = /^(default|layer_default)(\(|$)/.test(init);
    if (!isDefault || framework !== undefined) return [{ init, framework, label: init }];
    return DEFAULT_FRAMEWORKS.map((fw) => ({ init, framework: fw, label: `${init} (${fw})` }));
  });
}

/**
 * `initlab propagate --compare A,B,…`: the same network and seed under each initializer, side by
 * side — one std column per init (and ‖∂L/∂a‖ with --backward), each init's verdict first, one
 * chart per statistic with every init on shared axes.
 */
export async function runPropagateCompare(io: CliIo, flags: PropagateFlags, inits: string[]): Promise<void> {
  const progress = progressReporter(io);
  const runs: Compared[] = [];
  const entries = compareEntries(inits, flags.framework);
  for (const [i, { init, framework, label }] of entries.entries()) {
    const network = networkFromFlags({ ...flags, init, framework });
    const m = await measureNetwork(io, flags, network, flags.seed, (p) =>
      progress.listener({ step: label, done: i * p.total + p.done, total: entries.length * p.total }),
    );
    const profile = propagationProfile(m.result, m.correlation ? m.correlation.layers.map((l) => l.c) : null);
    runs.push({
      init: label,
      network,
      result: m.result,
      verdicts: signalVerdicts(profile, hiddenMeanField(network, m.theory)),
    });
  }
  progress.done();
  const head = runs[0].result;
  if (flags.json) {
    const compare = runs.map((c) => ({
      init: c.init,
      verdicts: c.verdicts,
      events: c.result.events,
      layers: c.result.layers.map((l) => ({
        index: l.index,
        std: (l.block ?? l.post).std,
        q: l.pre.rms ** 2,
        gradActivationNorm: l.grad?.activationNorm ?? null,
        gradWeightNorm: l.grad?.weightNorm ?? null,
      })),
    }));
    io.stdout(
      `${toJson({ seed: flags.seed, dtype: head.dtype, backend: head.backend, batch: head.batch, compare })}\n`,
    );
  }
  const title = `${head.activation}, ${runs[0].network.widths.length} layers`;
  const text = [
    ...runs.map((c) => `${c.init}: ${verdictHeadline(c.verdicts)}`),
    `propagate --compare: ${title}, batch ${head.batch}, ${head.dtype}, backend ${head.backend}, seed ${flags.seed}`,
    "",
    compareTable(runs),
  ].join("\n");
  if (!flags.json) io.stdout(`${text}\n`);
  if (flags.out === undefined) return;
  const { writeChartsReport } = await import("../report/writeChartsReport.js");
  const intro = runs.map((c) => `${c.init}: ${verdictHeadline(c.verdicts)}.`).join(" ");
  const html = await writeChartsReport(
    flags.out,
    `initlab propagate — ${title}: ${runs.map((c) => c.init).join(" vs ")}`,
    intro,
    await compareCharts(runs, title),
    text,
  );
  io.stderr(`initlab: wrote ${html}\n`);
}

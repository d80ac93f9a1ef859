import type { BandPoint, NetworkSpec, NetworkTheory, PropagateResult, SeedBands, Verdict } from "../core/internal.js";
import {
  bandVerdicts,
  eventSentences,
  formatStat,
  hiddenMeanField,
  propagationProfile,
  seedBands,
  signalVerdicts,
  toJson,
  verdictHeadline,
} from "../core/internal.js";
import type { NamedChart } from "../charts/studyCharts.js";
import { formatTable } from "../report/table.js";
import type { CliIo } from "./io.js";
import type { PropagateFlags } from "./propagateCommand.js";
import { measureNetwork } from "./propagateCommand.js";
import { progressReporter } from "./progressReporter.js";

/** Every seed's run of one network, its correlation runs (or null) and the theory. */
interface SeedRuns {
  runs: PropagateResult[];
  correlations: number[][] | null;
  theory: NetworkTheory;
}

/** Runs the flags' network once per seed, with one progress bar over all of them. */
async function runSeeds(io: CliIo, flags: PropagateFlags, network: NetworkSpec, seeds: number[]): Promise<SeedRuns> {
  const progress = progressReporter(io);
  const runs: PropagateResult[] = [];
  const correlations: number[][] = [];
  let theory: NetworkTheory | null = null;
  for (const [i, seed] of seeds.entries()) {
    const m = await measureNetwork(io, flags, network, seed, (p) =>
      progress.listener({ step: `seed ${seed}`, done: i * p.total + p.done, total: seeds.length * p.total }),
    );
    runs.push(m.result);
    if (m.correlation) correlations.push(m.correlation.layers.map((l) => l.c));
    theory = m.theory;
  }
  progress.done();
  return { runs, correlations: correlations.length === runs.length ? correlations : null, theory: theory! };
}

/** "mean [lo, hi]" of a band point. */
const cell = (p: BandPoint) => `${formatStat(p.mean, 3)} [${formatStat(p.lo, 3)}, ${formatStat(p.hi, 3)}]`;

/** One row per layer: std, q and (with a backward pass) ‖∂L/∂a‖, each as mean [5 %, 95 %] over the seeds. */
function bandTable(bands: SeedBands): string {
  const grads = bands.gradActivationNorm;
  const rows = bands.postStd.map((p, i) => [String(i), cell(p), cell(bands.q[i]), ...(grads ? [cell(grads[i])] : [])]);
  const header = ["layer", "std mean [90 %]", "q mean [90 %]", ...(grads ? ["‖∂L/∂a‖ mean [90 %]"] : [])];
  return formatTable(header, rows);
}

/** The band charts: std and (with a backward pass) the gradient norms per layer over the seeds. */
async function bandCharts(bands: SeedBands, title: string): Promise<NamedChart[]> {
  const { bandChart } = await import("../charts/bandChart.js");
  const n = bands.seeds.length;
  const charts: NamedChart[] = [
    {
      id: "signal-band",
      caption: `std of each layer's output over ${n} seeds: mean, 90 % interval and range.`,
      spec: bandChart(`${title}: std per layer over ${n} seeds`, "std (log scale)", [
        { name: "forward std", band: bands.postStd },
      ]),
    },
    {
      id: "q-band",
      caption: `q = E[pre²] per layer over ${n} seeds.`,
      spec: bandChart(`${title}: q per layer over ${n} seeds`, "q (log scale)", [{ name: "q", band: bands.q }]),
    },
  ];
  if (bands.gradActivationNorm && bands.gradWeightNorm)
    charts.push({
      id: "gradient-band",
      caption: `gradient norms per layer over ${n} seeds (backward pass).`,
      spec: bandChart(`${title}: gradient norms over ${n} seeds`, "norm (log scale)", [
        { name: "‖∂L/∂a‖", band: bands.gradActivationNorm },
        { name: "‖∂L/∂W‖", band: bands.gradWeightNorm },
      ]),
    });
  return charts;
}

/**
 * `initlab propagate --seeds LIST`: the same network over several seeds; per-layer bands of std,
 * q and the gradient norms (mean, 90 % interval, range), verdicts judged on the bands with the
 * count of seeds that agree, each seed's own verdicts and events.
 */
export async function runPropagateSeeds(
  io: CliIo,
  flags: PropagateFlags,
  network: NetworkSpec,
  seeds: number[],
): Promise<void> {
  const { runs, correlations, theory } = await runSeeds(io, flags, network, seeds);
  const mf = hiddenMeanField(network, theory);
  const bands = seedBands(seeds, runs);
  const verdicts: Verdict[] = bandVerdicts(runs, mf, correlations);
  const perSeed = runs.map((r, i) => ({
    seed: seeds[i],
    events: r.events,
    verdicts: signalVerdicts(propagationProfile(r, correlations?.[i] ?? null), mf),
  }));
  const head = runs[0];
  const doc = { verdicts, seeds, network, dtype: head.dtype, backend: head.backend, batch: head.batch, bands, perSeed };
  if (flags.json) io.stdout(`${toJson({ ...doc, theory })}\n`);
  const title = `${network.init}, ${head.activation}, ${network.widths.length} layers`;
  const eventLines = perSeed
    .filter((p) => eventSentences(p.events).length > 0)
    .map((p) => `  seed ${p.seed}: ${eventSentences(p.events).join("; ")}`);
  const text = [
    verdictHeadline(verdicts),
    `propagate over ${seeds.length} seeds (${seeds.length > 6 ? `${seeds.slice(0, 3).join(", ")} … ${seeds[seeds.length - 1]}` : seeds.join(", ")}): ${title}, batch ${head.batch}, ${head.dtype}, backend ${head.backend}`,
    "",
    bandTable(bands),
    "",
    ...verdicts.map((v) => `→ ${v.sentence}`),
    ...(eventLines.length > 0 ? ["events:", ...eventLines] : []),
  ].join("\n");
  if (!flags.json) io.stdout(`${text}\n`);
  if (flags.out === undefined) return;
  const { writeChartsReport } = await import("../report/writeChartsReport.js");
  const intro = `${verdictHeadline(verdicts)}. ${verdicts.map((v) => `${v.sentence}.`).join(" ")}`;
  const html = await writeChartsReport(
    flags.out,
    `initlab propagate — ${title}, ${seeds.length} seeds`,
    intro,
    await bandCharts(bands, title),
    text,
  );
  io.stderr(`initlab: wrote ${html}\n`);
}

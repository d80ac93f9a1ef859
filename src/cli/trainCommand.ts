import { Command, InvalidArgumentError, Option } from "commander";
import { loadMnist } from "../adapters/data/mnist.js";
import type { EpochRecord } from "../core/internal.js";
import { toJson } from "../core/internal.js";
import { DATASETS, OPTIMIZERS, TrainPointSchema } from "../experiment/experimentSpec.js";
import type { TrainPoint } from "../experiment/experimentSpec.js";
import { datasetFor } from "../experiment/runPoint.js";
import { parseSeedArg, parseSpecListArg, positiveIntArg } from "./argParsers.js";
import type { CliIo } from "./io.js";
import { progressReporter } from "./progressReporter.js";

function positiveNumber(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a number > 0.`);
    return n;
  };
}

const f = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));

interface TrainFlags {
  dataset: string;
  trainSize: number;
  depth: number;
  width: number;
  activation: string;
  init: string;
  compare?: string[];
  optimizer: string;
  lr: number;
  batchSize: number;
  epochs: number;
  seed: number;
  json?: boolean;
  out?: string;
}

/** The validated point of one init. @throws a one-line error naming the field. */
function trainPoint(flags: TrainFlags, init: string): TrainPoint {
  const parsed = TrainPointSchema.safeParse({
    dataset: flags.dataset,
    trainSize: flags.trainSize,
    depth: flags.depth,
    width: flags.width,
    activation: flags.activation,
    init,
    optimizer: flags.optimizer,
    lr: flags.lr,
    batchSize: flags.batchSize,
    epochs: flags.epochs,
    seed: flags.seed,
  });
  if (!parsed.success) throw new Error(`${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

/** One init's history as table lines: per epoch loss, accuracy and the first and last layer's gradient norm. */
function historyLines(history: readonly EpochRecord[]): string[] {
  return [
    "epoch  train loss  train acc  test loss  test acc  ‖∂L/∂W‖ first / last layer",
    ...history.map(
      (h) =>
        `${String(h.epoch).padEnd(5)}  ${f(h.trainLoss).padEnd(10)}  ${f(h.trainAccuracy).padEnd(9)}  ${f(h.testLoss).padEnd(9)}  ${f(h.testAccuracy).padEnd(8)}  ${h.gradNorms[0].toExponential(2)} / ${h.gradNorms[h.gradNorms.length - 1].toExponential(2)}`,
    ),
  ];
}

/** One init's training run. */
interface TrainRun {
  init: string;
  dtype: string;
  history: EpochRecord[];
}

/** Trains from each point's init on the same data (the first point's) and seed, with one progress bar. */
async function trainAll(io: CliIo, points: TrainPoint[]): Promise<TrainRun[]> {
  const progress = progressReporter(io);
  const dataset = await datasetFor(points[0], loadMnist);
  const { train } = await import("../core/internal.js");
  const runs: TrainRun[] = [];
  for (const [i, point] of points.entries()) {
    const r = await train({
      dataset,
      depth: point.depth,
      width: point.width,
      activation: point.activation,
      init: point.init,
      optimizer: point.optimizer,
      lr: point.lr,
      batchSize: point.batchSize,
      epochs: point.epochs,
      seed: point.seed,
      onProgress: (q) =>
        progress.listener({ step: `train ${point.init}`, done: i * q.total + q.done, total: points.length * q.total }),
    });
    runs.push({ init: point.init, dtype: r.dtype, history: r.history });
  }
  progress.done();
  return runs;
}

/** The printed result: one init's table, or per init of a comparison its start → end summary and table. */
function trainText(p: TrainPoint, runs: readonly TrainRun[], compare: boolean): string[] {
  const setting = `${p.dataset} (${p.trainSize} examples), ${p.depth}×${p.width} ${p.activation}, ${p.optimizer} lr ${p.lr}, batch ${p.batchSize}, ${p.epochs} epochs, seed ${p.seed}, ${runs[0].dtype}`;
  if (!compare)
    return [
      `train: ${setting.replace(`, ${p.optimizer}`, `, init ${p.init}, ${p.optimizer}`)}`,
      ...historyLines(runs[0].history),
    ];
  return [
    `train --compare: ${setting}`,
    ...runs.flatMap((r) => {
      const last = r.history[r.history.length - 1];
      return [
        "",
        `${r.init}: test accuracy ${f(r.history[0].testAccuracy)} → ${f(last.testAccuracy)}, train loss ${f(r.history[0].trainLoss)} → ${f(last.trainLoss)}`,
        ...historyLines(r.history),
      ];
    }),
  ];
}

/** Trains from each init (one, or the --compare list) on the same data and seed; prints, and with --out writes the charts. */
async function runTrain(io: CliIo, flags: TrainFlags): Promise<void> {
  const inits = flags.compare ?? [flags.init];
  const points = inits.map((init) => trainPoint(flags, init));
  const p = points[0];
  const runs = await trainAll(io, points);
  if (flags.json) {
    const { init: _init, ...settings } = p;
    const doc = flags.compare
      ? { settings, compare: runs }
      : { settings: p, dtype: runs[0].dtype, history: runs[0].history };
    io.stdout(`${toJson(doc)}\n`);
  }
  const text = trainText(p, runs, flags.compare !== undefined);
  if (!flags.json) io.stdout(`${text.join("\n")}\n`);
  if (flags.out === undefined) return;
  const [{ trainCharts }, { writeChartsReport }] = await Promise.all([
    import("../charts/trainCharts.js"),
    import("../report/writeChartsReport.js"),
  ]);
  const title = `${p.depth}×${p.width} ${p.activation} on ${p.dataset}`;
  const html = await writeChartsReport(
    flags.out,
    `initlab train — ${title}: ${inits.join(" vs ")}`,
    `${text[0].replace(/^train( --compare)?: /, "")}. Train solid, test dashed; epoch 0 is before training.`,
    trainCharts(runs, title),
    text.join("\n"),
  );
  io.stderr(`initlab: wrote ${html}\n`);
}

/** `initlab train`: does this initialization let the network learn? Per-epoch loss, accuracy and gradient norms. */
export function trainCommand(io: CliIo): Command {
  return new Command("train")
    .description(
      "train an MLP classifier from a given initialization; per epoch (0 = before training) loss, accuracy, per-layer gradient norms",
    )
    .addOption(new Option("--dataset <name>", "dataset").choices(DATASETS).default("spirals"))
    .option("--train-size <n>", "training examples", positiveIntArg("train-size", 100000), 2000)
    .option("--depth <L>", "hidden layers", positiveIntArg("depth", 1000), 4)
    .option("--width <n>", "hidden width", positiveIntArg("width", 1 << 16), 64)
    .option("--activation <spec>", "activation", "relu")
    .option("--init <spec>", "weight initializer", "he_normal")
    .option(
      "--compare <specs>",
      "train from each initializer of a comma-separated list on the same data and seed (overrides --init)",
      parseSpecListArg,
    )
    .addOption(new Option("--optimizer <name>", "optimizer").choices(OPTIMIZERS).default("sgd"))
    .option("--lr <x>", "learning rate", positiveNumber("lr"), 0.01)
    .option("--batch-size <n>", "minibatch size", positiveIntArg("batch-size", 1 << 20), 64)
    .option("--epochs <n>", "epochs", positiveIntArg("epochs", 10000), 5)
    .option("--seed <n>", "random seed (0 is a seed)", parseSeedArg, 0)
    .option("--json", "print one JSON document")
    .option(
      "--out <dir>",
      "also write index.html with SVG/PNG charts: loss and accuracy per epoch, gradient norms per layer",
    )
    .action((flags: TrainFlags) => runTrain(io, flags));
}

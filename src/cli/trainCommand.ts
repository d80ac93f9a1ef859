import { Command, InvalidArgumentError, Option } from "commander";
import { loadMnist } from "../adapters/data/mnist.js";
import { toJson } from "../core/internal.js";
import { DATASETS, OPTIMIZERS, TrainPointSchema } from "../experiment/experimentSpec.js";
import type { TrainPoint } from "../experiment/experimentSpec.js";
import { datasetFor } from "../experiment/runPoint.js";
import { parseSeedArg, positiveIntArg } from "./argParsers.js";
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
    .addOption(new Option("--optimizer <name>", "optimizer").choices(OPTIMIZERS).default("sgd"))
    .option("--lr <x>", "learning rate", positiveNumber("lr"), 0.01)
    .option("--batch-size <n>", "minibatch size", positiveIntArg("batch-size", 1 << 20), 64)
    .option("--epochs <n>", "epochs", positiveIntArg("epochs", 10000), 5)
    .option("--seed <n>", "random seed (0 is a seed)", parseSeedArg, 0)
    .option("--json", "print one JSON document")
    .action(async (flags: Record<string, unknown>) => {
      const parsed = TrainPointSchema.safeParse({
        dataset: flags.dataset,
        trainSize: flags.trainSize,
        depth: flags.depth,
        width: flags.width,
        activation: flags.activation,
        init: flags.init,
        optimizer: flags.optimizer,
        lr: flags.lr,
        batchSize: flags.batchSize,
        epochs: flags.epochs,
        seed: flags.seed,
      });
      if (!parsed.success)
        throw new Error(`${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`);
      const p: TrainPoint = parsed.data;
      const progress = progressReporter(io);
      const dataset = await datasetFor(p, loadMnist);
      const { train } = await import("../core/internal.js");
      const r = await train({
        dataset,
        depth: p.depth,
        width: p.width,
        activation: p.activation,
        init: p.init,
        optimizer: p.optimizer,
        lr: p.lr,
        batchSize: p.batchSize,
        epochs: p.epochs,
        seed: p.seed,
        onProgress: progress.listener,
      });
      progress.done();
      if (flags.json) return io.stdout(`${toJson({ settings: p, dtype: r.dtype, history: r.history })}\n`);
      const lines = [
        `train: ${p.dataset} (${p.trainSize} examples), ${p.depth}×${p.width} ${p.activation}, init ${p.init}, ${p.optimizer} lr ${p.lr}, batch ${p.batchSize}, ${p.epochs} epochs, seed ${p.seed}, ${r.dtype}`,
        "epoch  train loss  train acc  test loss  test acc  ‖∂L/∂W‖ first / last layer",
        ...r.history.map(
          (h) =>
            `${String(h.epoch).padEnd(5)}  ${f(h.trainLoss).padEnd(10)}  ${f(h.trainAccuracy).padEnd(9)}  ${f(h.testLoss).padEnd(9)}  ${f(h.testAccuracy).padEnd(8)}  ${h.gradNorms[0].toExponential(2)} / ${h.gradNorms[h.gradNorms.length - 1].toExponential(2)}`,
        ),
      ];
      io.stdout(`${lines.join("\n")}\n`);
    });
}

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { parse as parseYaml } from "yaml";
import { FRAMEWORKS, parseFramework, parseInitSpec, toJson } from "../core/internal.js";
import type { Framework } from "../core/internal.js";
import { auditText } from "../audit/auditText.js";
import { defaultAuditBatch } from "../audit/propagationPlan.js";
import type { ReinitRule } from "../audit/reinit.js";
import { drawReinit, planReinit } from "../audit/reinit.js";
import { rewriteModel } from "../model/rewriteModel.js";
import { parseSeedArg, positiveIntArg } from "./argParsers.js";
import { runAudit } from "./audit/runAudit.js";
import { readModelFile } from "./audit/readModelFile.js";
import type { CliIo } from "./io.js";
import { progressReporter } from "./progressReporter.js";

interface AuditFlags {
  json?: boolean;
  out?: string;
  seed: number;
  batch?: number;
  inputShape: Map<string, number[]>;
  layout?: "torch" | "keras";
  propagate: boolean;
  spectrum: boolean;
  nodes?: boolean;
  reinit?: string;
  reinitPlan?: string;
  framework?: Framework;
  lsuv?: boolean;
  lsuvTol: number;
  write?: string;
}

/** Parses one `--input-shape name=1x3x224x224` into the map of overrides. */
export function inputShapeArg(value: string, previous: Map<string, number[]> = new Map()): Map<string, number[]> {
  const eq = value.lastIndexOf("=");
  const name = eq === -1 ? "" : value.slice(0, eq);
  const dims = (eq === -1 ? "" : value.slice(eq + 1)).split("x").map((d) => (/^\d+$/.test(d) ? Number(d) : NaN));
  if (name === "" || dims.some((d) => !Number.isSafeInteger(d) || d < 1))
    throw new InvalidArgumentError(
      `must be NAME=DIMS with positive integer dims joined by x, e.g. input=1x3x224x224; got ${JSON.stringify(value)}.`,
    );
  return new Map(previous).set(name, dims);
}

function tolArg(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !(n > 0 && n < 1)) throw new InvalidArgumentError("must be a number in (0, 1).");
  return n;
}

function specArg(v: string): string {
  try {
    parseInitSpec(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return v;
}

/** Reads a `--reinit-plan` YAML/JSON file: a mapping `glob: spec`, or a list of `{ match, init }`. */
export function readReinitPlan(path: string): ReinitRule[] {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`reinit-plan: cannot read ${JSON.stringify(path)}: ${(e as Error).message.split("\n")[0]}`, {
      cause: e,
    });
  }
  const rules: ReinitRule[] = [];
  if (Array.isArray(doc)) {
    for (const [i, r] of doc.entries()) {
      const rec = r as Record<string, unknown>;
      if (typeof rec?.match !== "string" || typeof rec?.init !== "string")
        throw new Error(`reinit-plan: entry ${i} must be { match: GLOB, init: SPEC }`);
      rules.push({ pattern: rec.match, spec: rec.init });
    }
  } else if (typeof doc === "object" && doc !== null) {
    for (const [k, v] of Object.entries(doc)) {
      if (typeof v !== "string")
        throw new Error(`reinit-plan: ${JSON.stringify(k)} must map to an init spec string, e.g. "he_normal"`);
      rules.push({ pattern: k, spec: v });
    }
  } else
    throw new Error("reinit-plan: must be a mapping of layer-name globs to init specs, e.g. '\"*conv*\": he_normal'");
  for (const r of rules) {
    try {
      parseInitSpec(r.spec);
    } catch (e) {
      throw new Error(`reinit-plan: ${JSON.stringify(r.pattern)}: ${(e as Error).message}`, { cause: e });
    }
  }
  if (rules.length === 0) throw new Error("reinit-plan: has no rules");
  return rules;
}

/** `initlab audit MODEL`: identify each layer's initializer, propagate a random batch through the real graph, and re-initialize on request. */
export function auditCommand(io: CliIo): Command {
  return new Command("audit")
    .description(
      "audit a model file (ONNX, TF.js model.json, safetensors): which initializer made each layer, where its signal dies, and a re-initialized copy",
    )
    .argument(
      "<model>",
      "model file (.onnx, model.json or its folder, .safetensors); the format is read from the content",
    )
    .option("--json", "print one JSON document")
    .option("--out <dir>", "write an HTML report with charts (SVG + PNG) to this folder")
    .option("--seed <n>", "seed for the input batch, fit samples and re-initialization", parseSeedArg, 0)
    .option(
      "--batch <n>",
      "batch size of the random input (default: 16, fewer for large inputs: ≤ 2^19 input values)",
      positiveIntArg("batch", 65536),
    )
    .option(
      "--input-shape <name=dims>",
      "shape for an input with dynamic or missing dims, e.g. x=1x3x224x224 (repeatable)",
      inputShapeArg,
      new Map<string, number[]>(),
    )
    .addOption(new Option("--layout <layout>", "safetensors kernel layout").choices(["torch", "keras"]))
    .option("--no-propagate", "skip the propagation through the graph")
    .option("--no-spectrum", "skip the singular values")
    .option("--nodes", "list every measured node, not only the layers'")
    .option("--reinit <spec>", "re-initialize every dense/conv weight with this spec (fans per layer)", specArg)
    .option("--reinit-plan <file>", "YAML/JSON mapping of layer-name globs to init specs")
    .option("--framework <name>", `resolve --reinit specs as this framework would (${FRAMEWORKS.join(", ")})`, (v) => {
      try {
        return parseFramework(v);
      } catch (e) {
        throw new InvalidArgumentError((e as Error).message);
      }
    })
    .option(
      "--lsuv",
      "LSUV on the real graph (orthogonal start, then each layer rescaled to output variance 1); ONNX models",
    )
    .option("--lsuv-tol <t>", "LSUV tolerance on the output variance", tolArg, 0.1)
    .option("--write <out>", "write the re-initialized model (same format; only re-initialized tensors differ)")
    .action(async (modelPath: string, flags: AuditFlags) => {
      if ((flags.reinit || flags.reinitPlan || flags.lsuv) && !flags.write)
        throw new Error("write: --reinit, --reinit-plan and --lsuv need --write OUT for the re-initialized model");
      if (flags.reinit && flags.reinitPlan)
        throw new Error("reinit: pass --reinit SPEC or --reinit-plan FILE, not both");
      if (flags.write && !(flags.reinit || flags.reinitPlan || flags.lsuv))
        throw new Error("write: nothing to write; pass --reinit SPEC, --reinit-plan FILE or --lsuv");
      const t0 = io.now();
      const file = readModelFile(modelPath, { layout: flags.layout });
      if (flags.layout && file.format !== "safetensors")
        throw new Error("layout: only safetensors files need --layout (ONNX and TF.js record their layout)");
      const progress = progressReporter(io);
      const batch = flags.batch ?? defaultAuditBatch(file.model.inputs);
      const { report, audits } = await runAudit(file, {
        seed: flags.seed,
        batch,
        inputShapes: flags.inputShape,
        propagate: flags.propagate,
        spectrum: flags.spectrum,
        onProgress: progress.listener,
      });
      progress.done();
      const seconds = (io.now() - t0) / 1000;
      if (flags.write) {
        const written = await writeReinitialized(file, flags, io);
        report.notes.push(written);
      }
      if (flags.out) {
        const { writeAuditReport } = await import("../report/writeAuditReport.js");
        const html = await writeAuditReport(flags.out, report, audits, auditText(report, { nodes: flags.nodes }));
        report.notes.push(`report: ${html}`);
      }
      if (flags.json) io.stdout(`${toJson({ ...report, seconds })}\n`);
      else io.stdout(auditText(report, { nodes: flags.nodes }) + `\n(${seconds.toFixed(2)} s)\n`);
    });
}

async function writeReinitialized(
  file: ReturnType<typeof readModelFile>,
  flags: AuditFlags,
  io: CliIo,
): Promise<string> {
  const model = file.model;
  const out = flags.write!;
  const framework = flags.framework ?? null;
  let replaced: Map<string, Float64Array>;
  let what: string;
  if (flags.lsuv) {
    if (model.format !== "onnx")
      throw new Error(
        `lsuv: runs on the real graph through onnxruntime, so it needs an ONNX model (got ${model.format}); use --reinit for others`,
      );
    const plan = planReinit(
      model,
      flags.reinitPlan ? { rules: readReinitPlan(flags.reinitPlan) } : { spec: flags.reinit ?? "orthogonal" },
    );
    const start = drawReinit(model, plan, { seed: flags.seed, framework });
    const { onnxRuntimeAvailable, ONNX_RUNTIME_MISSING } = await import("../adapters/onnx/onnxRuntime.js");
    if (!(await onnxRuntimeAvailable())) throw new Error(`lsuv: ${ONNX_RUNTIME_MISSING}; use --reinit instead`);
    const { lsuvOnnx } = await import("../adapters/onnx/onnxLsuv.js");
    const progress = progressReporter(io);
    const result = await lsuvOnnx(file.bytes, model, start, {
      batch: flags.batch ?? defaultAuditBatch(model.inputs),
      seed: flags.seed,
      inputShapes: flags.inputShape,
      tol: flags.lsuvTol,
      maxIterations: 10,
      onLayer: (done, total) => progress.listener({ step: "LSUV", done, total }),
    });
    progress.done();
    replaced = result.weights;
    const bad = result.reports.filter((r) => !r.report.converged);
    what = `LSUV (${flags.reinit ?? "orthogonal"} start, tol ${flags.lsuvTol}): ${result.reports.length} layers rescaled${bad.length > 0 ? `, ${bad.length} did not converge (${bad.map((b) => b.name).join(", ")})` : ", all converged"}`;
  } else {
    const plan = planReinit(
      model,
      flags.reinitPlan ? { rules: readReinitPlan(flags.reinitPlan) } : { spec: flags.reinit! },
    );
    if (plan.size === 0) throw new Error("reinit-plan: no layer name matches any glob of the plan");
    replaced = drawReinit(model, plan, { seed: flags.seed, framework });
    what = `${plan.size} layer(s) re-initialized${framework ? ` as ${framework} does` : ""}`;
  }
  const tfjs = model.format === "tfjs-layers";
  const folder = tfjs ? (out.endsWith(".json") ? dirname(out) : out) : dirname(out);
  const mainName = tfjs ? (out.endsWith(".json") ? basename(out) : "model.json") : basename(out);
  const rewritten = rewriteModel(model, file.bytes, file.sideFiles, replaced, mainName);
  mkdirSync(folder, { recursive: true });
  for (const [name, bytes] of rewritten.files) writeFileSync(join(folder, name), bytes);
  return `${what}; written to ${join(folder, rewritten.main)}`;
}

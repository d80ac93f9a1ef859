import type { Framework } from "../core/init/kernel.js";
import { formatInitSpec } from "../core/init/initSpec.js";
import { ModelFileError } from "./modelFileError.js";
import type { AuditModel, ModelInput, ModelLayer, ModelTensor, TensorEncoding } from "./modelTypes.js";
import { elementCount } from "./modelTypes.js";

/** Reads a weight shard named in the manifest (a path relative to model.json's folder). */
export type ShardReader = (path: string) => Uint8Array;

interface KerasLayer {
  class_name: string;
  config: Record<string, unknown>;
}

const KERNEL_LAYERS: Record<
  string,
  { kernels: [string, string][]; transposed?: boolean; depthwise?: boolean; embedding?: boolean }
> = {
  Dense: { kernels: [["kernel", "kernel_initializer"]] },
  Conv1D: { kernels: [["kernel", "kernel_initializer"]] },
  Conv2D: { kernels: [["kernel", "kernel_initializer"]] },
  Conv3D: { kernels: [["kernel", "kernel_initializer"]] },
  Conv2DTranspose: { kernels: [["kernel", "kernel_initializer"]], transposed: true },
  Conv3DTranspose: { kernels: [["kernel", "kernel_initializer"]], transposed: true },
  DepthwiseConv2D: { kernels: [["depthwise_kernel", "depthwise_initializer"]], depthwise: true },
  SeparableConv2D: {
    kernels: [
      ["depthwise_kernel", "depthwise_initializer"],
      ["pointwise_kernel", "pointwise_initializer"],
    ],
  },
  SeparableConv1D: {
    kernels: [
      ["depthwise_kernel", "depthwise_initializer"],
      ["pointwise_kernel", "pointwise_initializer"],
    ],
  },
  Embedding: { kernels: [["embeddings", "embeddings_initializer"]], embedding: true },
};

const snake = (s: string) => s.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();

/**
 * A Keras/TF.js initializer config ({class_name, config}) as an initlab spec: VarianceScaling(scale,
 * mode, distribution), Glorot/He/LeCun Normal/Uniform, RandomNormal(mean, stddev),
 * RandomUniform(minval, maxval), TruncatedNormal(mean, stddev), Orthogonal(gain), Zeros, Ones,
 * Constant(value), Identity(gain). null for anything else.
 */
export function kerasInitializerSpec(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as { class_name?: unknown; config?: unknown };
  if (typeof v.class_name !== "string") return null;
  const c = (typeof v.config === "object" && v.config !== null ? v.config : {}) as Record<string, unknown>;
  const num = (k: string) => (typeof c[k] === "number" && Number.isFinite(c[k]) ? (c[k] as number) : undefined);
  const params = (p: Record<string, number | string | undefined>) =>
    Object.fromEntries(Object.entries(p).filter(([, x]) => x !== undefined)) as Record<string, number | string>;
  const name = v.class_name.replace(/^(keras\.)?(initializers\.)?/, "");
  switch (name) {
    case "VarianceScaling": {
      const mode = typeof c.mode === "string" ? snake(c.mode) : undefined;
      const distribution = typeof c.distribution === "string" ? snake(c.distribution) : undefined;
      return formatInitSpec({ name: "variance_scaling", params: params({ scale: num("scale"), mode, distribution }) });
    }
    case "GlorotUniform":
    case "GlorotNormal":
    case "HeUniform":
    case "HeNormal":
    case "LecunUniform":
    case "LecunNormal":
    case "LeCunUniform":
    case "LeCunNormal":
      return snake(name).replace("le_cun", "lecun");
    case "RandomNormal":
      return formatInitSpec({ name: "normal", params: params({ mean: num("mean"), std: num("stddev") }) });
    case "TruncatedNormal":
      return formatInitSpec({ name: "truncated_normal", params: params({ mean: num("mean"), std: num("stddev") }) });
    case "RandomUniform":
      return formatInitSpec({ name: "uniform", params: params({ low: num("minval"), high: num("maxval") }) });
    case "Orthogonal":
      return formatInitSpec({ name: "orthogonal", params: params({ gain: num("gain") }) });
    case "Identity":
      return formatInitSpec({ name: "identity", params: params({ gain: num("gain") }) });
    case "Zeros":
      return "zeros";
    case "Ones":
      return "ones";
    case "Constant":
      return formatInitSpec({ name: "constant", params: params({ value: num("value") }) });
    default:
      return null;
  }
}

/** Every layer of a (possibly nested) Sequential / Functional topology, in order. */
function flattenLayers(topology: unknown, depth = 0): KerasLayer[] {
  if (depth > 16 || typeof topology !== "object" || topology === null) return [];
  const t = topology as Record<string, unknown>;
  if (t.model_config) return flattenLayers(t.model_config, depth + 1);
  const config = t.config as Record<string, unknown> | unknown[] | undefined;
  const list = Array.isArray(config)
    ? config
    : Array.isArray((config as Record<string, unknown> | undefined)?.layers)
      ? ((config as Record<string, unknown>).layers as unknown[])
      : null;
  if (!list) return [];
  const out: KerasLayer[] = [];
  for (const l of list) {
    if (typeof l !== "object" || l === null) continue;
    const layer = l as KerasLayer;
    if (typeof layer.class_name !== "string" || typeof layer.config !== "object" || layer.config === null) continue;
    if (["Sequential", "Model", "Functional"].includes(layer.class_name)) out.push(...flattenLayers(layer, depth + 1));
    else out.push(layer);
  }
  return out;
}

const WEIGHT_DTYPES: Record<string, TensorEncoding> = { float32: "float32", int32: "int32" };
const QUANT_DTYPES: Record<string, TensorEncoding> = { uint8: "uint8", uint16: "uint16", float16: "float16" };
const SIZES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** A shard path from the manifest, refused if it could leave the model's folder. */
export function checkShardPath(path: unknown): string {
  if (typeof path !== "string" || path === "")
    throw new ModelFileError("model.json: weightsManifest paths must be non-empty strings");
  if (
    path.startsWith("/") ||
    path.startsWith("\\") ||
    /^[a-zA-Z]:/.test(path) ||
    path.includes("\0") ||
    path.split(/[\\/]/).some((seg) => seg === "..") ||
    /^[a-z][a-z0-9+.-]*:\/\//i.test(path)
  ) {
    throw new ModelFileError(
      `model.json: shard path ${JSON.stringify(path)} points outside the model's folder; only relative paths inside it are read`,
    );
  }
  return path;
}

/** One weight's place in its group: encoding, quantization and byte range, checked before any shard is read. */
interface WeightSlot {
  name: string;
  shape: number[];
  encoding: TensorEncoding;
  quant: { scale: number; min: number } | null;
  start: number;
  length: number;
}

/** A manifest weight entry as a slot starting at byte `start`. @throws ModelFileError naming the field and the allowed values. */
function weightSlot(w: Record<string, unknown>, start: number): WeightSlot {
  const label = `model.json weight ${JSON.stringify(w?.name)}`;
  if (
    typeof w !== "object" ||
    w === null ||
    typeof w.name !== "string" ||
    !Array.isArray(w.shape) ||
    typeof w.dtype !== "string"
  )
    throw new ModelFileError(`${label}: needs name, shape and dtype`);
  let count: number;
  try {
    count = elementCount(w.shape as number[], label);
  } catch (e) {
    throw new ModelFileError((e as Error).message, { cause: e });
  }
  const q = w.quantization as Record<string, unknown> | undefined;
  if (!q) {
    if (!(w.dtype in SIZES))
      throw new ModelFileError(`${label}: dtype must be float32, int32 or bool, got ${JSON.stringify(w.dtype)}`);
    return {
      name: w.name,
      shape: w.shape as number[],
      encoding: WEIGHT_DTYPES[w.dtype] ?? "other",
      quant: null,
      start,
      length: count * SIZES[w.dtype],
    };
  }
  if (typeof q.dtype !== "string" || !(q.dtype in QUANT_DTYPES))
    throw new ModelFileError(
      `${label}: quantization dtype must be uint8, uint16 or float16, got ${JSON.stringify(q.dtype)}`,
    );
  const encoding = QUANT_DTYPES[q.dtype];
  let quant: WeightSlot["quant"] = null;
  if (encoding !== "float16") {
    if (
      typeof q.scale !== "number" ||
      typeof q.min !== "number" ||
      !Number.isFinite(q.scale) ||
      !Number.isFinite(q.min)
    )
      throw new ModelFileError(`${label}: quantization needs finite scale and min`);
    quant = { scale: q.scale, min: q.min };
  }
  return { name: w.name, shape: w.shape as number[], encoding, quant, start, length: count * SIZES[q.dtype] };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Every weight group of the manifest: its slots laid out and checked, then its shards read (only
 * relative paths inside the model's folder) and required to hold exactly the declared bytes.
 */
function readWeightGroups(
  manifest: unknown[],
  readShard: ShardReader,
): {
  tensors: Map<string, ModelTensor>;
  order: string[];
  weightSpecs: NonNullable<AuditModel["tfjs"]>["weightSpecs"];
  weightData: Uint8Array;
} {
  const tensors = new Map<string, ModelTensor>();
  const order: string[] = [];
  const groupData: Uint8Array[] = [];
  const weightSpecs: NonNullable<AuditModel["tfjs"]>["weightSpecs"] = [];
  for (const [g, group] of manifest.entries()) {
    const grp = group as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(grp.paths) || !Array.isArray(grp.weights))
      throw new ModelFileError(`model.json: weightsManifest[${g}] needs paths and weights lists`);
    const specs = grp.weights as Record<string, unknown>[];
    const slots: WeightSlot[] = [];
    let needed = 0;
    for (const w of specs) {
      const slot = weightSlot(w, needed);
      slots.push(slot);
      needed += slot.length;
    }
    const shards = grp.paths.map((p) => readShard(checkShardPath(p)));
    const total = shards.reduce((a, s) => a + s.length, 0);
    if (total !== needed)
      throw new ModelFileError(
        `model.json: weightsManifest[${g}] declares ${needed} bytes of weights, its shards hold ${total}`,
      );
    const data = concat(shards);
    groupData.push(data);
    for (const w of specs) weightSpecs.push(w as (typeof weightSpecs)[number]);
    for (const l of slots) {
      if (tensors.has(l.name)) throw new ModelFileError(`model.json: weight ${JSON.stringify(l.name)} appears twice`);
      tensors.set(l.name, {
        name: l.name,
        shape: l.shape,
        encoding: l.encoding,
        bytes: data.subarray(l.start, l.start + l.length),
        quantization: l.quant,
        file: `group:${g}`,
        offset: l.start,
      });
      order.push(l.name);
    }
  }
  return { tensors, order, weightSpecs, weightData: concat(groupData) };
}

/** The dense/conv/embedding layers of a Keras topology with their weights (by name), recorded initializers and following norms. */
function kerasLayers(
  kerasLayerList: readonly KerasLayer[],
  order: readonly string[],
  origin: Framework,
): { layers: ModelLayer[]; used: Set<string> } {
  const layers: ModelLayer[] = [];
  const used = new Set<string>();
  const findWeight = (layerName: string, suffix: string) =>
    order.find(
      (n) =>
        !used.has(n) &&
        (n === `${layerName}/${suffix}` ||
          n.endsWith(`/${layerName}/${suffix}`) ||
          (n.startsWith(`${layerName}/`) && n.endsWith(`/${suffix}`))),
    );
  for (const kl of kerasLayerList) {
    const name = typeof kl.config.name === "string" ? kl.config.name : kl.class_name;
    const kind = KERNEL_LAYERS[kl.class_name];
    if (!kind) {
      if (["BatchNormalization", "LayerNormalization"].includes(kl.class_name) && layers.length > 0) {
        for (const s of ["gamma", "beta"]) {
          const w = findWeight(name, s);
          if (w) {
            used.add(w);
            layers[layers.length - 1].extras.push(w);
          }
        }
      }
      continue;
    }
    const activation =
      typeof kl.config.activation === "string" && kl.config.activation !== "linear" ? kl.config.activation : null;
    for (const [k, [suffix, initKey]] of kind.kernels.entries()) {
      const w = findWeight(name, suffix);
      if (!w) continue;
      used.add(w);
      const bias = k === kind.kernels.length - 1 ? findWeight(name, "bias") : undefined;
      if (bias) used.add(bias);
      const spec = kerasInitializerSpec(kl.config[initKey]);
      const depthwise = kind.depthwise === true || suffix === "depthwise_kernel";
      const groups = typeof kl.config.groups === "number" && kl.config.groups > 1 && !depthwise ? kl.config.groups : 1;
      layers.push({
        name: kind.kernels.length > 1 ? `${name}/${suffix}` : name,
        node: name,
        op: kl.class_name,
        weight: w,
        bias: bias ?? null,
        extras: [],
        layout: "keras",
        groups,
        transposed: kind.transposed === true,
        depthwise,
        embedding: kind.embedding === true,
        strides: kind.transposed === true && Array.isArray(kl.config.strides) ? (kl.config.strides as number[]) : null,
        input: null,
        output: name,
        activation,
        recorded: spec ? { spec, framework: origin, config: kl.config[initKey] } : null,
      });
    }
  }
  return { layers, used };
}

/** model.json's JSON object, size-limited. @throws ModelFileError */
function parseModelJson(modelJson: Uint8Array, maxJsonBytes: number): Record<string, unknown> {
  if (modelJson.length > maxJsonBytes)
    throw new ModelFileError(`model.json: ${modelJson.length} bytes exceeds the ${maxJsonBytes}-byte limit`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(modelJson)) as Record<string, unknown>;
  } catch {
    throw new ModelFileError("model.json: not valid UTF-8 JSON");
  }
  if (typeof json !== "object" || json === null || !json.modelTopology || !Array.isArray(json.weightsManifest))
    throw new ModelFileError(
      "model.json: a TF.js LayersModel needs modelTopology and weightsManifest (graph models are not supported)",
    );
  return json;
}

/**
 * Reads a TF.js LayersModel: `model.json` ({modelTopology, weightsManifest: [{paths, weights:
 * [{name, shape, dtype, quantization?}]}], generatedBy?, convertedBy?}) and its shards. Each group's
 * shards are concatenated and must hold exactly the bytes its weights declare; quantized weights
 * (uint8/uint16 affine, float16) are dequantized as tfjs does. The topology's recorded
 * initializers are kept per layer: in tfjs semantics when tfjs-layers wrote the file, keras otherwise.
 * @param maxJsonBytes refuse a larger model.json (default 64 MB)
 */
export function tfjsAuditModel(modelJson: Uint8Array, readShard: ShardReader, maxJsonBytes = 64 * 2 ** 20): AuditModel {
  const json = parseModelJson(modelJson, maxJsonBytes);
  const generatedBy = typeof json.generatedBy === "string" ? json.generatedBy : null;
  const convertedBy = typeof json.convertedBy === "string" ? json.convertedBy : null;
  const topo = json.modelTopology as Record<string, unknown>;
  const kerasVersion = typeof topo.keras_version === "string" ? topo.keras_version : null;
  const fromTfjs = (generatedBy ?? "").includes("tfjs-layers") || (kerasVersion ?? "").startsWith("tfjs-layers");
  const origin: Framework = fromTfjs ? "tfjs" : "keras";
  const { tensors, order, weightSpecs, weightData } = readWeightGroups(json.weightsManifest as unknown[], readShard);
  const list = flattenLayers(topo);
  const { layers, used } = kerasLayers(list, order, origin);
  const loose = order.filter((n) => !used.has(n));
  const notes =
    loose.length > 0
      ? [
          `${loose.length} weight(s) not attributed to a layer: ${loose.slice(0, 8).join(", ")}${loose.length > 8 ? ", …" : ""}`,
        ]
      : [];
  const inputs: ModelInput[] = [];
  const bis = list[0]?.config.batch_input_shape ?? list[0]?.config.batchInputShape;
  if (Array.isArray(bis))
    inputs.push({
      name: "input",
      shape: bis.map((d) => (typeof d === "number" ? d : "batch")),
      dtype: String(list[0].config.dtype ?? "float32"),
    });
  return {
    format: "tfjs-layers",
    producer: generatedBy ?? convertedBy ?? (kerasVersion ? `keras ${kerasVersion}` : null),
    origin,
    inputs,
    outputs: [],
    layers,
    tensors,
    notes,
    tfjs: { topology: topo, weightSpecs, weightData },
  };
}

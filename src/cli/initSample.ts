import { open } from "node:fs/promises";
import type { Dtype, RngKind } from "../core/internal.js";
import {
  initialize,
  initializeInChunks,
  initMemoryBytes,
  isStreamed,
  resolveInitializer,
  rngStream,
  frameworkSampler,
} from "../core/internal.js";
import type { TensorFileDtype } from "../model/tensorFile.js";
import {
  fileBytes,
  npyHeader,
  safetensorsHeader,
  safetensorsHeaderOf,
  TENSOR_FILE_DTYPES,
} from "../model/tensorFile.js";
import type { CliIo } from "./io.js";
import type { KernelFlags } from "./kernelFlags.js";
import { kernelResolveOptions, refuseKernelSize } from "./kernelFlags.js";

/** The most an `init sample` of a whole-tensor kind (orthogonal, identity, …) may hold at once: the float64 values, the encoded copy and orthogonal's workspace. */
export const MAX_SAMPLE_BYTES = 8 * 1024 ** 3;

/** Values drawn and written at a time (8 MiB of float64). */
const CHUNK = 1 << 20;

export interface SampleFlags extends KernelFlags {
  seed: number;
  dtype: Dtype;
  name: string;
  out: string;
  rng: RngKind;
  withBias?: boolean;
}

/**
 * Writes the chunks through two reused buffers: one is written (by the OS, on another thread)
 * while the next is drawn, and no memory the size of the tensor is faulted in; float32 and float64
 * chunks are written as they are, half types encoded into two scratch buffers.
 */
async function writeChunks(
  chunks: Iterable<Float64Array | Float32Array>,
  dtype: TensorFileDtype,
  write: (b: Uint8Array) => Promise<void>,
): Promise<void> {
  const scratch = [0, 1].map(() => new Uint8Array(CHUNK * TENSOR_FILE_DTYPES[dtype].bytes));
  const pending: (Promise<void> | null)[] = [null, null];
  let k = 0;
  for (const values of chunks) {
    await pending[k];
    pending[k] = write(fileBytes(values, dtype, scratch[k]));
    k = 1 - k;
  }
  await Promise.all(pending);
}

/** Writes bytes to --out: a file (closed however `fill` ends), or stdout for "-". @throws where this output cannot take bytes. */
async function writeOutput(
  io: CliIo,
  out: string,
  fill: (write: (b: Uint8Array) => Promise<void>) => Promise<void>,
): Promise<void> {
  if (out === "-") {
    const bytes = io.stdoutBytes;
    if (!bytes) throw new Error("out: this output cannot take bytes; give a file name");
    return fill(async (b) => bytes(b));
  }
  const file = await open(out, "w");
  try {
    await fill(async (b) => void (await file.write(b)));
  } finally {
    await file.close();
  }
}

/** The file format an --out path asks for: .npy, .safetensors, or "-" (npy on stdout). @throws a one-line error otherwise. */
function formatOf(out: string): "npy" | "safetensors" {
  if (out === "-" || out.endsWith(".npy")) return "npy";
  if (out.endsWith(".safetensors")) return "safetensors";
  throw new Error(`out: ${JSON.stringify(out)} must end in .npy or .safetensors, or be - (npy on stdout)`);
}

/**
 * `initlab init sample SPEC --shape DIMS --out FILE`: draws the tensor exactly as `init inspect`
 * samples it (stream (seed, "init", initializer), values rounded to --dtype) and writes it as .npy
 * (C order, `<f8`/`<f4`/`<f2`) or .safetensors (one tensor named --name, F64/F32/F16/BF16), in the
 * layout of --layout (keras by default). Normal, uniform, truncated-normal and constant tensors are
 * drawn and written in chunks (any size); the other kinds are drawn whole, and sizes over
 * {@link MAX_SAMPLE_BYTES} are refused with the estimate before anything is drawn.
 */
export async function writeSample(io: CliIo, spec: string, flags: SampleFlags): Promise<void> {
  if (flags.rng !== "initlab" || flags.withBias) return writeFrameworkSample(io, spec, flags);
  const format = formatOf(flags.out);
  const dtype = flags.dtype as TensorFileDtype;
  if (format === "npy" && dtype === "bfloat16")
    throw new Error("dtype: .npy has no bfloat16 type; write .safetensors (BF16) instead");
  const opts = kernelResolveOptions(flags);
  const resolved = resolveInitializer(spec, opts);
  // a streamed distribution holds one chunk at a time; the others hold the whole tensor (and orthogonal its workspace)
  const count = flags.shape.reduce((a, b) => a * b, 1);
  const bytes = initMemoryBytes(resolved) + count * TENSOR_FILE_DTYPES[dtype].bytes;
  if (!isStreamed(resolved.params)) refuseKernelSize(flags.shape, bytes, MAX_SAMPLE_BYTES);
  const rng = rngStream(flags.seed, "init", resolved.initializer);
  const header = format === "npy" ? npyHeader(flags.shape, dtype) : safetensorsHeader(flags.name, flags.shape, dtype);
  await writeOutput(io, flags.out, async (write) => {
    await write(header);
    const streamed = initializeInChunks(spec, opts, rng, flags.dtype, CHUNK, 2);
    if (streamed === null) await write(fileBytes(initialize(spec, opts, rng, flags.dtype).values, dtype));
    else await writeChunks(streamed.chunks, dtype, write);
  });
  if (flags.out !== "-")
    io.stderr(
      `initlab: wrote ${flags.out}: ${resolved.spec}${resolved.framework ? ` (${resolved.framework})` : ""}, shape [${flags.shape.join(",")}] ${resolved.ctx.layout} layout, ${dtype}, seed ${flags.seed}\n`,
    );
}

/**
 * `init sample … --rng numpy|numpy-legacy|torch` (and `--with-bias`): the tensor drawn from the
 * framework's own generator seeded with --seed ({@link frameworkSampler}), in C order of --shape —
 * with --rng torch in PyTorch's [out, in, k…] layout, the order `torch.empty(shape)` is filled in.
 * `--with-bias` then draws the layer's default bias from the same generator (PyTorch's
 * `nn.Linear`/`nn.Conv` construction: weight, then bias) into a second tensor "bias" of a
 * .safetensors file. Float32 or float64 only; the tensor is held whole (refused past
 * {@link MAX_SAMPLE_BYTES}).
 */
async function writeFrameworkSample(io: CliIo, spec: string, flags: SampleFlags): Promise<void> {
  const format = formatOf(flags.out);
  if (flags.dtype !== "float32" && flags.dtype !== "float64")
    throw new Error(`dtype: --rng ${flags.rng} draws float32 or float64, got ${flags.dtype}`);
  const opts = kernelResolveOptions(flags);
  const resolved = resolveInitializer(spec, opts);
  if (flags.rng === "torch" && flags.shape.length >= 2 && resolved.ctx.layout !== "torch")
    throw new Error("layout: --rng torch fills the tensor in PyTorch's [out, in, k…] order; give --layout torch");
  if (flags.withBias && format !== "safetensors")
    throw new Error("with-bias: the weight and its bias go in one .safetensors file; give --out FILE.safetensors");
  if (flags.withBias && !resolved.bias)
    throw new Error(
      `with-bias: ${resolved.spec} has no layer bias; use layer_default with --framework torch (nn.Linear/nn.Conv's bias)`,
    );
  if (flags.rng === "initlab" && flags.withBias)
    throw new Error("with-bias: draws weight and bias from one framework generator; give --rng torch");
  const count = flags.shape.reduce((a, b) => a * b, 1);
  refuseKernelSize(flags.shape, count * 8, MAX_SAMPLE_BYTES);
  const sampler = frameworkSampler(flags.rng as Exclude<RngKind, "initlab">, flags.seed);
  const dtype = flags.dtype as TensorFileDtype;
  const weight = sampler.sample(resolved.params, count, flags.dtype);
  const outChannels = resolved.ctx.layout === "torch" ? flags.shape[0] : flags.shape[flags.shape.length - 1];
  const bias =
    flags.withBias && resolved.bias ? sampler.sample(resolved.bias.distribution, outChannels, flags.dtype) : null;
  const header =
    format === "npy"
      ? npyHeader(flags.shape, dtype)
      : safetensorsHeaderOf(
          [{ name: flags.name, shape: flags.shape }, ...(bias ? [{ name: "bias", shape: [outChannels] }] : [])],
          dtype,
        );
  // the arrays' own bytes when they already hold the file's type (no 80 MB copy for 10⁷ float64 values)
  const parts = [header, fileBytes(weight, dtype), ...(bias ? [fileBytes(bias, dtype)] : [])];
  await writeOutput(io, flags.out, async (write) => {
    for (const p of parts) await write(p);
  });
  if (flags.out !== "-")
    io.stderr(
      `initlab: wrote ${flags.out}: ${resolved.spec}${resolved.framework ? ` (${resolved.framework})` : ""}, shape [${flags.shape.join(",")}] ${resolved.ctx.layout} layout${bias ? `, bias [${outChannels}]` : ""}, ${dtype}, --rng ${flags.rng} seed ${flags.seed}\n`,
    );
  // PyTorch's kaiming_uniform_ defaults to a = 0, its layers to a = √5: say which one this was
  if (resolved.framework === "torch" && resolved.spec.startsWith("he_uniform(a=0,"))
    io.stderr(
      "initlab: note: this is nn.init.kaiming_uniform_(w) with its default a=0; nn.Linear and nn.Conv2d draw with a=√5: spell kaiming_uniform_(a=math.sqrt(5)), or layer_default --with-bias for weight and bias\n",
    );
}

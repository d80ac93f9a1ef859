import { open } from "node:fs/promises";
import type { Dtype } from "../core/internal.js";
import {
  initialize,
  initializeInChunks,
  initMemoryBytes,
  isStreamed,
  resolveInitializer,
  rngStream,
} from "../core/internal.js";
import type { TensorFileDtype } from "../model/tensorFile.js";
import { encodeValues, fileBytes, npyHeader, safetensorsHeader, TENSOR_FILE_DTYPES } from "../model/tensorFile.js";
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
  const toStdout = flags.out === "-";
  if (toStdout && !io.stdoutBytes) throw new Error("out: this output cannot take bytes; give a file name");
  const file = toStdout ? null : await open(flags.out, "w");
  const stdout = io.stdoutBytes;
  const write = async (b: Uint8Array) => {
    if (file) await file.write(b);
    else stdout?.(b);
  };
  try {
    await write(header);
    const streamed = initializeInChunks(spec, opts, rng, flags.dtype, CHUNK, 2);
    if (streamed === null) await write(encodeValues(initialize(spec, opts, rng, flags.dtype).values, dtype));
    else await writeChunks(streamed.chunks, dtype, write);
  } finally {
    await file?.close();
  }
  if (!toStdout)
    io.stderr(
      `initlab: wrote ${flags.out}: ${resolved.spec}${resolved.framework ? ` (${resolved.framework})` : ""}, shape [${flags.shape.join(",")}] ${resolved.ctx.layout} layout, ${dtype}, seed ${flags.seed}\n`,
    );
}

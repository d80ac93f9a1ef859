/**
 * A bounds-checked reader of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/),
 * enough for ONNX: varints, 32/64-bit fixed fields and length-delimited fields, read lazily over
 * one byte array. Every length is checked against the bytes that remain before anything is sliced
 * or allocated, so a hostile file yields a {@link ModelFileError}, never a huge allocation.
 */
import { ModelFileError } from "./modelFileError.js";

/** One field: its number, wire type and where its value lies (`start`..`end` for length-delimited and fixed fields). */
export interface ProtoField {
  field: number;
  wire: 0 | 1 | 2 | 5;
  /** the varint's value (wire 0), as a number (exact below 2⁵³) */
  varint: number;
  start: number;
  end: number;
}

/** Reads a varint at `pos`; returns its value (exact below 2⁵³; larger values are approximated) and the next position. */
export function readVarint(bytes: Uint8Array, pos: number, limit: number, what: string): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= limit) throw new ModelFileError(`${what}: truncated varint at byte ${pos}`);
    const b = bytes[pos++];
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [value, pos];
    scale *= 128;
  }
  throw new ModelFileError(`${what}: varint longer than 10 bytes at byte ${pos}`);
}

/** Iterates the fields of the message in bytes[start, end). @throws ModelFileError on malformed input. */
export function* protoFields(bytes: Uint8Array, start: number, end: number, what: string): Generator<ProtoField> {
  let pos = start;
  while (pos < end) {
    const [key, p1] = readVarint(bytes, pos, end, what);
    pos = p1;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field < 1) throw new ModelFileError(`${what}: invalid field number 0 at byte ${pos}`);
    switch (wire) {
      case 0: {
        const [v, p2] = readVarint(bytes, pos, end, what);
        yield { field, wire: 0, varint: v, start: pos, end: p2 };
        pos = p2;
        break;
      }
      case 1:
        if (pos + 8 > end) throw new ModelFileError(`${what}: truncated 64-bit field ${field} at byte ${pos}`);
        yield { field, wire: 1, varint: 0, start: pos, end: pos + 8 };
        pos += 8;
        break;
      case 2: {
        const [len, p2] = readVarint(bytes, pos, end, what);
        if (len > end - p2)
          throw new ModelFileError(
            `${what}: field ${field} claims ${len} bytes at byte ${p2}, but only ${end - p2} remain`,
          );
        yield { field, wire: 2, varint: len, start: p2, end: p2 + len };
        pos = p2 + len;
        break;
      }
      case 5:
        if (pos + 4 > end) throw new ModelFileError(`${what}: truncated 32-bit field ${field} at byte ${pos}`);
        yield { field, wire: 5, varint: 0, start: pos, end: pos + 4 };
        pos += 4;
        break;
      default:
        throw new ModelFileError(
          `${what}: unsupported wire type ${wire} (field ${field}) at byte ${pos}: not a protobuf message`,
        );
    }
  }
}

const decoder = new TextDecoder("utf-8");

/** A length-delimited field as UTF-8 text. */
export function fieldString(bytes: Uint8Array, f: ProtoField): string {
  return decoder.decode(bytes.subarray(f.start, f.end));
}

/** Repeated int64/int32 values of a field, packed (wire 2) or not (wire 0), appended to `out`. */
export function pushVarints(bytes: Uint8Array, f: ProtoField, out: number[], what: string): void {
  if (f.wire === 0) {
    out.push(signed(f.varint));
    return;
  }
  if (f.wire !== 2) throw new ModelFileError(`${what}: field ${f.field} has wire type ${f.wire}, expected varints`);
  let pos = f.start;
  while (pos < f.end) {
    const [v, p] = readVarint(bytes, pos, f.end, what);
    out.push(signed(v));
    pos = p;
  }
}

/** A varint read as a two's-complement int64 (−1 is written as 2⁶⁴ − 1). */
export function signed(v: number): number {
  return v >= 2 ** 63 ? v - 2 ** 64 : v;
}

/** A 32-bit float field (wire 5), little-endian. */
export function fieldFloat(bytes: Uint8Array, f: ProtoField): number {
  return new DataView(bytes.buffer, bytes.byteOffset + f.start, 4).getFloat32(0, true);
}

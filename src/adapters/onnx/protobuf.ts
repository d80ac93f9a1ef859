/**
 * The few pieces of the protobuf wire format an ONNX model needs: varints, length-delimited
 * fields and nested messages (https://protobuf.dev/programming-guides/encoding/). Bytes are kept
 * as chunks, so a large tensor's raw data is copied once per enclosing message, not pushed byte
 * by byte.
 */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private small: number[] = [];
  private length = 0;

  private flush(): void {
    if (this.small.length > 0) {
      this.chunks.push(Uint8Array.from(this.small));
      this.small = [];
    }
  }

  private byte(b: number): void {
    this.small.push(b);
    this.length++;
  }

  private varint(v: number): void {
    let x = BigInt(v);
    if (x < 0n) x += 1n << 64n;
    while (x >= 0x80n) {
      this.byte(Number((x & 0x7fn) | 0x80n));
      x >>= 7n;
    }
    this.byte(Number(x));
  }

  /** field with wire type 0 (int32/int64/enum) */
  int(field: number, v: number): this {
    this.varint((field << 3) | 0);
    this.varint(v);
    return this;
  }

  /** field with wire type 2 (bytes) */
  raw(field: number, data: Uint8Array | number[]): this {
    this.varint((field << 3) | 2);
    this.varint(data.length);
    if (data.length < 64) {
      for (const b of data) this.byte(b);
    } else {
      this.flush();
      this.chunks.push(data instanceof Uint8Array ? data : Uint8Array.from(data));
      this.length += data.length;
    }
    return this;
  }

  /** field with wire type 5 (float, little-endian) */
  float(field: number, v: number): this {
    this.varint((field << 3) | 5);
    for (const b of new Uint8Array(new Float32Array([v]).buffer)) this.byte(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.raw(field, inner.finish());
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

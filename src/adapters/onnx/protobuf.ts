/**
 * The few pieces of the protobuf wire format an ONNX model needs: varints, length-delimited
 * fields and nested messages (https://protobuf.dev/programming-guides/encoding/).
 */
export class ProtoWriter {
  private readonly bytes: number[] = [];

  private varint(v: number): void {
    let x = BigInt(v);
    if (x < 0n) x += 1n << 64n;
    while (x >= 0x80n) {
      this.bytes.push(Number((x & 0x7fn) | 0x80n));
      x >>= 7n;
    }
    this.bytes.push(Number(x));
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
    for (const b of data) this.bytes.push(b);
    return this;
  }

  /** field with wire type 5 (float, little-endian) */
  float(field: number, v: number): this {
    this.varint((field << 3) | 5);
    for (const b of new Uint8Array(new Float32Array([v]).buffer)) this.bytes.push(b);
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
    return Uint8Array.from(this.bytes);
  }
}

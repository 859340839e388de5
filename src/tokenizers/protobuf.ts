// Just enough of the protobuf wire format to read and write SentencePiece's ModelProto without a
// protobuf dependency: varints, length-delimited fields, fixed32/fixed64. Every read is bounds
// checked so a truncated or corrupt file fails with the byte offset and what was being read.
import { TokenizerFileError } from './errors.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export class ProtoReader {
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    readonly file: string,
    readonly context: string,
    readonly end = buf.length,
    start = 0,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  eof(): boolean {
    return this.pos >= this.end;
  }

  fail(what: string): never {
    throw new TokenizerFileError(this.file, `corrupt protobuf in ${this.context} at byte ${this.pos}: ${what}`);
  }

  private truncated(what: string, need: number): never {
    throw new TokenizerFileError(
      this.file,
      `truncated protobuf: ${this.context} at byte ${this.pos} needs ${need} more byte(s) for ${what}, but the ${this.end === this.buf.length ? 'file' : 'message'} ends at byte ${this.end} (file truncated or not a SentencePiece .model?)`,
    );
  }

  /** A varint as a number; exact up to 2^53, which covers tags, lengths, enums, bools and ids. */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.truncated('a varint', 1);
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    this.fail('varint longer than 10 bytes');
  }

  /** An int32 field: negative values are sent as 10-byte varints, so keep the low 32 bits. */
  int32(): number {
    let lo = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.truncated('a varint', 1);
      const b = this.buf[this.pos++]!;
      if (shift < 32) lo |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) return lo | 0;
    }
    this.fail('varint longer than 10 bytes');
  }

  tag(): { field: number; wire: number } {
    const t = this.varint();
    const field = Math.floor(t / 8);
    const wire = t % 8;
    if (field === 0) this.fail('field number 0');
    return { field, wire };
  }

  /** The payload of a length-delimited field (a view, not a copy). */
  bytes(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.end) this.truncated(`a length-delimited field of ${len} bytes`, this.pos + len - this.end);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    const b = this.bytes();
    try {
      return strictDecoder.decode(b);
    } catch {
      this.fail('string field is not valid UTF-8');
    }
  }

  float(): number {
    if (this.pos + 4 > this.end) this.truncated('a 32-bit float', this.pos + 4 - this.end);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > this.end) this.truncated('a fixed64', this.pos + 8 - this.end);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.bytes();
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > this.end) this.truncated('a fixed32', this.pos + 4 - this.end);
        this.pos += 4;
        return;
      default:
        this.fail(`unsupported wire type ${wire}`);
    }
  }

  /** Reads one field of any wire type, returning it exactly as it was encoded (tag included). */
  rawField(start: number, wire: number): Uint8Array {
    this.skip(wire);
    return this.buf.subarray(start, this.pos);
  }

  /** For a buffer holding one length-delimited field (tag included): its payload. */
  bytesAfterTag(): Uint8Array {
    this.tag();
    return this.bytes();
  }

  expectWire(field: number, wire: number, expected: number): void {
    if (wire !== expected) this.fail(`field ${field} has wire type ${wire}, expected ${expected}`);
  }
}

// ignoreBOM: a piece may be exactly U+FEFF (LLaMA has one), which must not be stripped.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A growable byte buffer for writing protobuf messages. */
export class ProtoWriter {
  private buf = new Uint8Array(1024);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  varint(v: number): void {
    if (!Number.isInteger(v)) throw new Error(`protobuf varint must be an integer, got ${v}`);
    this.reserve(10);
    // int32 negatives are written as 10-byte two's complement varints.
    let big = v < 0 ? BigInt(v) + (1n << 64n) : BigInt(v);
    do {
      let b = Number(big & 0x7fn);
      big >>= 7n;
      if (big > 0n) b |= 0x80;
      this.buf[this.len++] = b;
    } while (big > 0n);
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, WIRE_LEN);
    this.varint(data.length);
    this.raw(data);
  }

  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s));
  }

  float(field: number, v: number): void {
    this.tag(field, WIRE_FIXED32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
  }

  raw(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

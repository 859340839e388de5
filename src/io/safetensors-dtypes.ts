// The safetensors dtype codes deepts understands, and how each one's little-endian bytes become a
// deepts storage array. F32/F64/I32/BOOL round-trip; the others are read-only conversions so that
// Hugging Face checkpoints (F16, BF16, I64 position ids, U8 masks, ...) load.
import type { DType, TypedArray } from '../tensor/dtype.js';
import { SafetensorsError } from './safetensors-error.js';

export type SafetensorsDType = 'F32' | 'F64' | 'I32' | 'BOOL' | 'F16' | 'BF16' | 'I64' | 'I8' | 'U8' | 'I16' | 'U16';

type DTypeInfo = {
  /** Bytes per element in the file. */
  size: number;
  /** The deepts dtype it loads as. */
  dtype: DType;
  /** Converts `count` elements from little-endian `bytes` (a private, aligned copy) to storage. */
  decode: (bytes: Uint8Array, count: number, where: string) => TypedArray;
};

/** True on little-endian hosts, where file bytes can be viewed directly as typed arrays. */
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each `size`-byte group in place (only needed on big-endian hosts). */
function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1 || hostIsLittleEndian) return;
  for (let i = 0; i + size <= bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

/** A typed array over a private copy of the bytes, in host byte order. */
function viewAs<T>(bytes: Uint8Array, size: number, make: (buf: ArrayBuffer, count: number) => T): T {
  const own = new Uint8Array(bytes.length);
  own.set(bytes);
  swapBytes(own, size);
  return make(own.buffer, bytes.length / size);
}

/** IEEE 754 half precision bits to a number (exact: every half is a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero and subnormals
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decodeF16(bytes: Uint8Array, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = halfToFloat(bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
  return out;
}

function decodeBF16(bytes: Uint8Array, count: number): Float32Array {
  // bfloat16 is the top half of a float32, so shifting the bits up is exact
  const bits = new Uint32Array(count);
  for (let i = 0; i < count; i++) bits[i] = ((bytes[2 * i]! | (bytes[2 * i + 1]! << 8)) << 16) >>> 0;
  return new Float32Array(bits.buffer);
}

function decodeI64(bytes: Uint8Array, count: number, where: string): Int32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const lo = dv.getInt32(8 * i, true);
    const hi = dv.getInt32(8 * i + 4, true);
    // fits in int32 exactly when the high word is the sign extension of the low word
    if (hi !== lo >> 31) {
      throw new SafetensorsError(`${where}: I64 value ${dv.getBigInt64(8 * i, true)} at index ${i} does not fit in int32 (deepts has no int64 dtype)`);
    }
    out[i] = lo;
  }
  return out;
}

/** Widens a small integer array to int32. */
function widen(src: ArrayLike<number>): Int32Array {
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]!;
  return out;
}

export const SAFETENSORS_DTYPES: Readonly<Record<SafetensorsDType, DTypeInfo>> = {
  F32: { size: 4, dtype: 'float32', decode: (b) => viewAs(b, 4, (buf, n) => new Float32Array(buf, 0, n)) },
  F64: { size: 8, dtype: 'float64', decode: (b) => viewAs(b, 8, (buf, n) => new Float64Array(buf, 0, n)) },
  I32: { size: 4, dtype: 'int32', decode: (b) => viewAs(b, 4, (buf, n) => new Int32Array(buf, 0, n)) },
  // bool is one byte 0/1; any nonzero byte is read as true
  BOOL: {
    size: 1,
    dtype: 'bool',
    decode: (b, n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = b[i] ? 1 : 0;
      return out;
    },
  },
  F16: { size: 2, dtype: 'float32', decode: (b, n) => decodeF16(b, n) },
  BF16: { size: 2, dtype: 'float32', decode: (b, n) => decodeBF16(b, n) },
  I64: { size: 8, dtype: 'int32', decode: decodeI64 },
  I8: { size: 1, dtype: 'int32', decode: (b) => widen(new Int8Array(b.buffer, b.byteOffset, b.length)) },
  U8: { size: 1, dtype: 'int32', decode: (b) => widen(b) },
  I16: { size: 2, dtype: 'int32', decode: (b) => widen(viewAs(b, 2, (buf, n) => new Int16Array(buf, 0, n))) },
  U16: { size: 2, dtype: 'int32', decode: (b) => widen(viewAs(b, 2, (buf, n) => new Uint16Array(buf, 0, n))) },
};

/** The safetensors code deepts writes for each of its dtypes. */
export const SAFETENSORS_CODE: Readonly<Record<DType, SafetensorsDType>> = {
  float32: 'F32',
  float64: 'F64',
  int32: 'I32',
  bool: 'BOOL',
};

export function isSafetensorsDType(code: string): code is SafetensorsDType {
  return Object.hasOwn(SAFETENSORS_DTYPES, code);
}

/** The storage's bytes in little-endian order, ready to write (a view when the host is little endian). */
export function littleEndianBytes(data: TypedArray): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (hostIsLittleEndian || data.BYTES_PER_ELEMENT === 1) return bytes;
  const copy = bytes.slice();
  swapBytes(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

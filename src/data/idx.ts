// The IDX format of MNIST and Fashion-MNIST (LeCun's "simple format for vectors and
// multidimensional matrices"): a 4-byte magic 0x00 0x00 <type> <ndim>, ndim big-endian uint32
// sizes, then the values big-endian in row-major order. Files may be gzipped (detected from the
// gzip magic). Every malformed file is an error naming the file, what was found and what was expected.
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { checkOptions } from '../util/options.js';

export const IDX_TYPES = {
  8: 'uint8',
  9: 'int8',
  11: 'int16',
  12: 'int32',
  13: 'float32',
  14: 'float64',
} as const;
export type IdxType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES];
export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

const BYTES: Record<IdxType, number> = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 };
const CODES = Object.fromEntries(Object.entries(IDX_TYPES).map(([code, t]) => [t, Number(code)])) as Record<IdxType, number>;

export type IdxFile = { type: IdxType; shape: number[]; data: IdxArray };

export class IdxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdxError';
  }
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Parses an IDX file's bytes (gzipped or raw); `name` is used in error messages. */
export function parseIdx(bytes: Uint8Array, name = 'idx data'): IdxFile {
  let b = bytes;
  if (isGzip(b)) {
    try {
      b = gunzipSync(b);
    } catch (e) {
      throw new IdxError(`${name}: not a valid gzip file (${(e as Error).message}); the download may be truncated`);
    }
  }
  if (b.length < 4) throw new IdxError(`${name}: ${b.length} bytes is too short for an IDX header (4-byte magic number)`);
  const magic = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const hex = `0x${magic.toString(16).padStart(8, '0')}`;
  const type = IDX_TYPES[b[2] as keyof typeof IDX_TYPES];
  if (b[0] !== 0 || b[1] !== 0 || !type) {
    throw new IdxError(
      `${name}: bad magic number ${hex}: an IDX file starts with 0x0000, a type byte (0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64) and the number of dimensions; is this an IDX file?`,
    );
  }
  const ndim = b[3]!;
  if (ndim === 0) throw new IdxError(`${name}: magic number ${hex} declares 0 dimensions`);
  const headerBytes = 4 + 4 * ndim;
  if (b.length < headerBytes) throw new IdxError(`${name}: truncated header: ${ndim} dimensions need ${headerBytes} header bytes, the file has ${b.length}`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, c) => a * c, 1);
  const size = BYTES[type];
  const expected = headerBytes + count * size;
  if (b.length < expected) {
    throw new IdxError(
      `${name}: truncated: the header declares ${type} values of shape (${shape.join(', ')}) = ${expected} bytes, the file has ${b.length} (${Math.floor((b.length - headerBytes) / size)} of ${count} values)`,
    );
  }
  if (b.length > expected)
    throw new IdxError(
      `${name}: ${b.length - expected} bytes after the ${count} ${type} values the header declares (shape (${shape.join(', ')})); the file is corrupt or its header wrong`,
    );
  let data: IdxArray;
  switch (type) {
    // copies (a Node Buffer's slice() would share, and keep alive, the whole file)
    case 'uint8':
      data = new Uint8Array(b.buffer, b.byteOffset + headerBytes, count).slice();
      break;
    case 'int8':
      data = new Int8Array(b.buffer, b.byteOffset + headerBytes, count).slice();
      break;
    default: {
      data =
        type === 'int16'
          ? new Int16Array(count)
          : type === 'int32'
            ? new Int32Array(count)
            : type === 'float32'
              ? new Float32Array(count)
              : new Float64Array(count);
      const read =
        type === 'int16'
          ? view.getInt16.bind(view)
          : type === 'int32'
            ? view.getInt32.bind(view)
            : type === 'float32'
              ? view.getFloat32.bind(view)
              : view.getFloat64.bind(view);
      for (let i = 0; i < count; i++) data[i] = read(headerBytes + i * size, false);
    }
  }
  return { type, shape, data };
}

/** Reads an IDX file (`.gz` or raw) from disk. */
export function readIdx(path: string): IdxFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new IdxError(`readIdx: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseIdx(bytes, path);
}

/** IDX bytes for values of `shape` (gzipped when asked): the inverse of parseIdx, for tests and tools. */
export function encodeIdx(type: IdxType, shape: readonly number[], values: ArrayLike<number>, opts: { gzip?: boolean } = {}): Uint8Array {
  checkOptions('encodeIdx', opts, ['gzip']);
  const count = shape.reduce((a, c) => a * c, 1);
  if (values.length !== count) throw new RangeError(`encodeIdx: ${values.length} values for shape (${shape.join(', ')}) of ${count}`);
  const size = BYTES[type],
    header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * size);
  const view = new DataView(out.buffer);
  out[2] = CODES[type];
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const o = header + i * size,
      v = values[i]!;
    switch (type) {
      case 'uint8':
        view.setUint8(o, v);
        break;
      case 'int8':
        view.setInt8(o, v);
        break;
      case 'int16':
        view.setInt16(o, v, false);
        break;
      case 'int32':
        view.setInt32(o, v, false);
        break;
      case 'float32':
        view.setFloat32(o, v, false);
        break;
      case 'float64':
        view.setFloat64(o, v, false);
        break;
    }
  }
  return opts.gzip ? gzipSync(out) : out;
}

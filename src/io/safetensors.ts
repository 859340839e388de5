// safetensors (https://github.com/huggingface/safetensors), the format PyTorch and Hugging Face use
// for weights:  [u64 little-endian N][N bytes of JSON header, space-padded to 8-byte alignment][data]
// The header maps each tensor name to {dtype, shape, data_offsets: [begin, end]} (relative to the
// start of the data) plus an optional "__metadata__": {string: string}. The tensors must cover the
// data exactly: no overlap, no holes, no trailing bytes. Everything here is synchronous, like
// torch.save/torch.load, so a training loop can checkpoint without awaiting.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { Tensor } from '../tensor/tensor.js';
import { numel, shapeStr } from '../tensor/shape.js';
import { writeAll, writeFileAtomic } from './atomic-write.js';
import { SafetensorsError } from './safetensors-error.js';
import { SAFETENSORS_CODE, SAFETENSORS_DTYPES, isSafetensorsDType, littleEndianBytes, type SafetensorsDType } from './safetensors-dtypes.js';

/** One tensor's header entry. */
export type SafetensorsEntry = {
  dtype: SafetensorsDType;
  shape: number[];
  /** [begin, end) byte offsets relative to the start of the data section. */
  dataOffsets: [number, number];
};

export type SafetensorsHeader = {
  /** The entries in data order (the order they were written). */
  tensors: Record<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** Byte offset of the data section in the file: 8 + header length. */
  dataStart: number;
  /** Length of the data section in bytes. */
  dataLength: number;
};

export { SafetensorsError };

export type SafetensorsContents = { tensors: Record<string, Tensor>; metadata: Record<string, string> };

const METADATA_KEY = '__metadata__';
/** The reference implementation refuses headers over 100 MB; so do we (it guards against garbage lengths). */
const MAX_HEADER_BYTES = 100_000_000;

function fail(where: string, msg: string): never {
  throw new SafetensorsError(`safetensors: ${where}: ${msg}`);
}

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isIndex = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

// ---------------------------------------------------------------------------------------------
// Reading

/** Reads the u64 header length from the first 8 bytes and checks it against the total size. */
function headerLength(prefix: Uint8Array, fileSize: number, where: string): number {
  if (fileSize < 8) fail(where, `file is truncated: ${fileSize} bytes, expected at least 8 (the header length)`);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(fileSize - 8)) fail(where, `file is truncated: header length is ${n} bytes but only ${fileSize - 8} bytes follow`);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(where, `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  return Number(n);
}

function parseEntry(name: string, raw: unknown, dataLength: number, where: string): SafetensorsEntry {
  const at = `tensor '${name}'`;
  if (!isPlainObject(raw)) fail(where, `${at}: expected an object {dtype, shape, data_offsets}, found ${JSON.stringify(raw)}`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string') fail(where, `${at}: dtype must be a string, found ${JSON.stringify(dtype)}`);
  if (!isSafetensorsDType(dtype as string)) {
    fail(where, `${at}: unknown dtype '${dtype}', expected one of ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`);
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) fail(where, `${at}: shape must be an array of non-negative integers, found ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    fail(where, `${at}: data_offsets must be [begin, end] non-negative integers, found ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(where, `${at}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) fail(where, `${at}: data_offsets [${begin}, ${end}] are out of range: the data section is ${dataLength} bytes`);
  const info = SAFETENSORS_DTYPES[dtype as SafetensorsDType];
  const expected = numel(shape as number[]) * info.size;
  if (end - begin !== expected) {
    fail(where, `${at}: shape ${shapeStr(shape as number[])} of ${dtype} needs ${expected} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { dtype: dtype as SafetensorsDType, shape: [...(shape as number[])], dataOffsets: [begin, end] };
}

/** Parses and validates the JSON header against a data section of `dataLength` bytes. */
function parseHeader(json: Uint8Array, dataStart: number, dataLength: number, where: string): SafetensorsHeader {
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    fail(where, 'header is not valid UTF-8');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    fail(where, `header is not valid JSON (${(err as Error).message}); found ${JSON.stringify(text.slice(0, 60))}`);
  }
  if (!isPlainObject(raw)) fail(where, `header must be a JSON object, found ${Array.isArray(raw) ? 'an array' : JSON.stringify(raw)}`);
  const header = raw as Record<string, unknown>;

  const metadata: Record<string, string> = {};
  const rawMeta = header[METADATA_KEY];
  if (rawMeta !== undefined && rawMeta !== null) {
    if (!isPlainObject(rawMeta)) fail(where, `${METADATA_KEY} must be an object of strings, found ${JSON.stringify(rawMeta)}`);
    for (const [k, v] of Object.entries(rawMeta as Record<string, unknown>)) {
      if (typeof v !== 'string') fail(where, `${METADATA_KEY}['${k}'] must be a string, found ${typeof v} ${JSON.stringify(v)}`);
      metadata[k] = v as string;
    }
  }

  const entries: [string, SafetensorsEntry][] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name !== METADATA_KEY) entries.push([name, parseEntry(name, value, dataLength, where)]);
  }
  // The tensors must tile the data section exactly: sort by offsets and walk it.
  entries.sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1]);
  let cursor = 0;
  let previous = '';
  for (const [
    name,
    {
      dataOffsets: [begin, end],
    },
  ] of entries) {
    if (begin < cursor) fail(where, `tensor '${name}' data_offsets [${begin}, ${end}] overlap tensor '${previous}' (which ends at ${cursor})`);
    if (begin > cursor) fail(where, `hole in the data: bytes [${cursor}, ${begin}) before tensor '${name}' belong to no tensor`);
    cursor = end;
    previous = name;
  }
  if (cursor !== dataLength) fail(where, `hole in the data: the last ${dataLength - cursor} bytes [${cursor}, ${dataLength}) belong to no tensor`);

  const tensors: Record<string, SafetensorsEntry> = {};
  for (const [name, entry] of entries) tensors[name] = entry;
  return { tensors, metadata, dataStart, dataLength };
}

/** Decodes and validates a whole safetensors file held in memory. `name` labels errors. */
export function parseSafetensors(bytes: Uint8Array, name = '<bytes>'): SafetensorsContents {
  const n = headerLength(bytes, bytes.length, name);
  const header = parseHeader(bytes.subarray(8, 8 + n), 8 + n, bytes.length - 8 - n, name);
  const tensors: Record<string, Tensor> = {};
  for (const [
    tname,
    {
      dtype,
      shape,
      dataOffsets: [begin, end],
    },
  ] of Object.entries(header.tensors)) {
    const info = SAFETENSORS_DTYPES[dtype];
    const storage = info.decode(bytes.subarray(header.dataStart + begin, header.dataStart + end), numel(shape), `safetensors: ${name}: tensor '${tname}'`);
    tensors[tname] = new Tensor(storage, info.dtype, shape);
  }
  return { tensors, metadata: header.metadata };
}

/** Loads every tensor and the metadata of a safetensors file. */
export function loadSafetensors(path: string): SafetensorsContents {
  return parseSafetensors(readFileSync(path), path);
}

/** Reads and validates only the header (names, dtypes, shapes, offsets, metadata): cheap for big files. */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const prefix = new Uint8Array(8);
    readSync(fd, prefix, 0, Math.min(8, size), 0);
    const n = headerLength(prefix, size, path);
    const json = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const r = readSync(fd, json, got, n - got, 8 + got);
      if (r === 0) fail(path, `file is truncated while reading the ${n}-byte header`);
      got += r;
    }
    return parseHeader(json, 8 + n, size - 8 - n, path);
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

type Layout = { head: Uint8Array; chunks: Uint8Array[]; size: number };

/** The header bytes (length prefix included) and each tensor's data bytes, in order. */
function layout(tensors: Record<string, Tensor>, metadata: Record<string, string> | undefined, where: string): Layout {
  if (!isPlainObject(tensors)) fail(where, `tensors must be an object of name -> Tensor, found ${tensors === null ? 'null' : typeof tensors}`);
  const parts: string[] = [];
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) fail(where, `metadata must be an object of strings, found ${metadata === null ? 'null' : typeof metadata}`);
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') fail(where, `metadata['${k}'] must be a string, found ${typeof v} (JSON.stringify it first)`);
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === METADATA_KEY) fail(where, `'${METADATA_KEY}' is reserved and cannot name a tensor`);
    if (!(t instanceof Tensor)) fail(where, `tensors['${name}'] must be a Tensor, found ${t === null ? 'null' : typeof t}`);
    const bytes = littleEndianBytes(t.toTypedArray());
    chunks.push(bytes);
    const entry = { dtype: SAFETENSORS_CODE[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(entry)}`);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  // pad with spaces so the data starts 8-byte aligned, as the reference writer does
  const padded = (json.length + 7) & ~7;
  const head = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true);
  head.set(json, 8);
  return { head, chunks, size: head.length + offset };
}

/** The complete safetensors file as bytes. Tensors are written in the record's order. */
export function serializeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const { head, chunks, size } = layout(tensors, metadata, '<serialize>');
  const out = new Uint8Array(size);
  out.set(head, 0);
  let at = head.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Writes a safetensors file atomically (temp file in the same directory, then rename). */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  const { head, chunks } = layout(tensors, metadata, path);
  writeFileAtomic(path, (fd) => {
    writeAll(fd, head);
    for (const c of chunks) writeAll(fd, c);
  });
}

// A minimal PNG encoder: 8-bit RGBA or RGB, one IDAT chunk deflated by node:zlib.
import { deflateSync } from 'node:zlib';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** The CRC-32 table (polynomial 0xedb88320) PNG chunks are checked with. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of bytes, as PNG and zlib's crc32 compute it. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** One chunk: length, type, data, CRC of type + data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes pixels as a PNG file's bytes. `pixels` is row-major, top row first: 4 bytes per pixel
 * (RGBA) or 3 (RGB); which one is read from its length. Rows use the 'Sub' filter, which makes
 * flat colour fields (our plots) compress well.
 */
export function encodePng(width: number, height: number, pixels: Uint8Array): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`encodePng: width and height must be positive integers, got ${width}x${height}`);
  }
  const channels = pixels.length === width * height * 4 ? 4 : pixels.length === width * height * 3 ? 3 : 0;
  if (!channels) {
    throw new RangeError(`encodePng: a ${width}x${height} image needs ${width * height * 4} bytes (RGBA) or ${width * height * 3} (RGB), got ${pixels.length}`);
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? 6 : 2; // colour type: truecolour with alpha / truecolour
  // compression 0, filter method 0, no interlace: already zero
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const o = y * (stride + 1);
    raw[o] = 1; // filter 'Sub': each byte minus the same channel of the pixel to its left
    for (let i = 0; i < stride; i++) raw[o + 1 + i] = (pixels[row + i]! - (i >= channels ? pixels[row + i - channels]! : 0)) & 0xff;
  }
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Writes a PNG file atomically (src/io/atomic-write.ts: temp file, fsync, rename); parent folders are created. */
export function writePng(path: string, width: number, height: number, pixels: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, encodePng(width, height, pixels));
}

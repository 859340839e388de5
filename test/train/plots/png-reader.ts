// A small independent PNG reader for the tests: checks the structure and undoes all five filters.
import { inflateSync } from 'node:zlib';

export type PngChunk = { type: string; data: Uint8Array; crc: number; crcOk: boolean };
export type DecodedPng = { width: number; height: number; bitDepth: number; colorType: number; channels: number; pixels: Uint8Array; chunks: PngChunk[] };

/** CRC-32 bit by bit (no table), so the encoder's table is checked against something independent. */
export function slowCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export function readPng(bytes: Uint8Array): DecodedPng {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  sig.forEach((b, i) => {
    if (bytes[i] !== b) throw new Error(`bad PNG signature at byte ${i}`);
  });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: PngChunk[] = [];
  let at = 8;
  while (at < bytes.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + len);
    const crc = view.getUint32(at + 8 + len);
    chunks.push({ type, data, crc, crcOk: slowCrc32(bytes.subarray(at + 4, at + 8 + len)) === crc });
    at += 12 + len;
  }
  const ihdr = chunks[0]!;
  if (ihdr.type !== 'IHDR') throw new Error('first chunk is not IHDR');
  const hv = new DataView(ihdr.data.buffer, ihdr.data.byteOffset, 13);
  const width = hv.getUint32(0);
  const height = hv.getUint32(4);
  const bitDepth = ihdr.data[8]!;
  const colorType = ihdr.data[9]!;
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const raw = inflateSync(idat);
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[y * stride + i - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const c = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a),
        pb = Math.abs(p - b),
        pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      if (predictor === undefined) throw new Error(`unknown filter ${filter} on row ${y}`);
      pixels[y * stride + i] = (line[i]! + predictor) & 0xff;
    }
  }
  return { width, height, bitDepth, colorType, channels, pixels, chunks };
}

/** The RGBA (or RGB) bytes of pixel (x, y). */
export function pixelAt(img: { width: number; rgba?: Uint8Array; pixels?: Uint8Array; channels?: number }, x: number, y: number): number[] {
  const data = img.rgba ?? img.pixels!;
  const ch = img.channels ?? 4;
  const i = (y * img.width + x) * ch;
  return Array.from(data.subarray(i, i + ch));
}

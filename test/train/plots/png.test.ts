import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, encodePng, writePng } from '../../../src/train/plots/png.js';
import { readPng, slowCrc32 } from './png-reader.js';

test('crc32 matches the standard check value and a bitwise implementation', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 255);
  assert.equal(crc32(bytes), slowCrc32(bytes));
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test('encodePng writes a valid RGBA PNG: signature, IHDR, chunk CRCs, IDAT pixels, IEND', () => {
  const w = 3,
    h = 2;
  const rgba = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 0, 200, 100, 50, 128, 255, 255, 255, 255]);
  const png = readPng(encodePng(w, h, rgba));
  assert.deepEqual(
    png.chunks.map((c) => c.type),
    ['IHDR', 'IDAT', 'IEND'],
  );
  assert.ok(
    png.chunks.every((c) => c.crcOk),
    'every chunk CRC must match',
  );
  assert.deepEqual([png.width, png.height, png.bitDepth, png.colorType], [3, 2, 8, 6]);
  assert.deepEqual(png.chunks[0]!.data.subarray(10), Uint8Array.from([0, 0, 0]), 'compression, filter, interlace');
  assert.deepEqual(png.pixels, rgba);
});

test('encodePng writes RGB (colour type 2) when given 3 bytes per pixel', () => {
  const rgb = Uint8Array.from([1, 2, 3, 4, 5, 6]);
  const png = readPng(encodePng(2, 1, rgb));
  assert.equal(png.colorType, 2);
  assert.deepEqual(png.pixels, rgb);
});

test('encodePng round-trips random pixels (Sub filter wrap-around)', () => {
  let s = 12345;
  const rgba = Uint8Array.from({ length: 37 * 23 * 4 }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 255);
  assert.deepEqual(readPng(encodePng(37, 23, rgba)).pixels, rgba);
});

test('encodePng rejects sizes that do not match the pixel buffer', () => {
  assert.throws(() => encodePng(2, 2, new Uint8Array(15)), /encodePng: a 2x2 image needs 16 bytes \(RGBA\) or 12 \(RGB\), got 15/);
  assert.throws(() => encodePng(0, 2, new Uint8Array(0)), /encodePng: width and height must be positive integers, got 0x2/);
  assert.throws(() => encodePng(1.5, 2, new Uint8Array(12)), /got 1.5x2/);
});

test('writePng creates folders and writes the file without leaving a temp file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-png-'));
  try {
    const path = join(dir, 'sub', 'img.png');
    writePng(path, 1, 1, Uint8Array.from([9, 8, 7, 255]));
    assert.deepEqual(readPng(new Uint8Array(readFileSync(path))).pixels, Uint8Array.from([9, 8, 7, 255]));
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['img.png']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

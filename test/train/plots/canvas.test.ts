import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Canvas } from '../../../src/train/plots/canvas.js';
import { GLYPH_WIDTH, glyphPixels, textWidth } from '../../../src/train/plots/bitmap-font.js';

test('the bitmap font has a glyph for every printable ASCII character, inside its 5x9 cell', () => {
  const fallback = glyphPixels('?');
  for (let code = 32; code < 127; code++) {
    const ch = String.fromCharCode(code);
    const ink = glyphPixels(ch);
    if (ch !== ' ') assert.ok(ink.length > 0, `'${ch}' has no ink`);
    if (ch !== '?') assert.notEqual(ink, fallback, `'${ch}' falls back to '?'`);
    for (const [col, row] of ink) assert.ok(col >= 0 && col < GLYPH_WIDTH && row >= 0 && row < 9, `'${ch}' ink at ${col},${row}`);
  }
  assert.equal(glyphPixels('\u00e9'), fallback, 'unknown characters draw as ?');
  assert.equal(textWidth('ab', 2), 22);
});

test('Canvas draws text, lines and circles where asked', () => {
  const c = new Canvas(40, 20);
  c.text('I', 0, 0, [0, 0, 0]); // 'I' has ink at column 2 on row 1
  const at = (x: number, y: number): number => c.rgba[4 * (y * 40 + x)]!;
  assert.equal(at(2, 1), 0);
  assert.equal(at(0, 1), 255);
  c.line(10, 10.5, 30, 10.5, [255, 0, 0], 1);
  assert.deepEqual(Array.from(c.rgba.subarray(4 * (10 * 40 + 20), 4 * (10 * 40 + 20) + 4)), [255, 0, 0, 255]);
  assert.equal(at(20, 13), 255, 'the line is thin');
  c.fillCircle(35, 5, 3, [0, 0, 255]);
  assert.deepEqual(Array.from(c.rgba.subarray(4 * (5 * 40 + 35), 4 * (5 * 40 + 35) + 3)), [0, 0, 255]);
  assert.throws(() => new Canvas(0, 5), /Canvas: width and height must be positive integers, got 0x5/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  attentionGridImage,
  attentionGridSvg,
  attentionMapImage,
  attentionMapSvg,
  writeAttentionGrid,
  writeAttentionMap,
} from '../../../src/train/plots/attention-map.js';
import { Canvas } from '../../../src/train/plots/canvas.js';
import { sequentialColor, type RGB } from '../../../src/train/plots/colors.js';
import { loadFont, resetFontWarnings, resolveFont, resolveFontFrom } from '../../../src/train/plots/font.js';
import { polygonCoverage } from '../../../src/train/plots/raster.js';
import { drawText, layoutText } from '../../../src/train/plots/text.js';
import { tensor } from '../../../src/tensor/creation.js';
import { readPng } from './png-reader.js';

const SRC = ['我', '爱', '中', '国', '。'];
const TGT = ['i', 'love', 'china', '.', '<eos>'];
/** Rows = target tokens, columns = source tokens; every weight distinct, the largest at (0, 0). */
const W = [
  [0.86, 0.06, 0.03, 0.02, 0.01],
  [0.08, 0.8, 0.05, 0.04, 0.025],
  [0.015, 0.07, 0.48, 0.41, 0.035],
  [0.012, 0.022, 0.045, 0.11, 0.76],
  [0.1, 0.055, 0.0, 0.09, 0.7],
];

/** The installed CJK font, or null (then the tests that need one skip, saying why). */
const FONT = (() => {
  try {
    return resolveFont();
  } catch {
    return null;
  }
})();
const NO_FONT = FONT ? false : 'no CJK font installed (apt-get install fonts-noto-cjk, or set DEEPTS_FONT)';

const pixel = (img: { width: number; rgba: Uint8Array }, x: number, y: number): RGB => {
  const i = 4 * (y * img.width + x);
  return [img.rgba[i]!, img.rgba[i + 1]!, img.rgba[i + 2]!];
};
const luminance = (c: RGB): number => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];

test('polygonCoverage: exact area coverage, holes by winding', () => {
  // a 3 × 3 square from (1.5, 1.5): full inside, half on edges, a quarter at the corners
  const sq = polygonCoverage([[1.5, 1.5, 4.5, 1.5, 4.5, 4.5, 1.5, 4.5]], 10, 10)!;
  const at = (x: number, y: number): number => sq.cover[(y - sq.y0) * sq.width + (x - sq.x0)]!;
  assert.ok(Math.abs(at(2, 2) - 1) < 1e-6 && Math.abs(at(3, 3) - 1) < 1e-6);
  assert.ok(Math.abs(at(1, 2) - 0.5) < 1e-6 && Math.abs(at(4, 3) - 0.5) < 1e-6);
  assert.ok(Math.abs(at(1, 1) - 0.25) < 1e-6 && Math.abs(at(4, 4) - 0.25) < 1e-6);
  assert.ok(Math.abs(sq.cover.reduce((a, b) => a + b, 0) - 9) < 1e-4);
  // a slanted triangle: total coverage is its area
  const tri = polygonCoverage([[0.3, 0.2, 7.7, 1.9, 2.6, 6.4]], 10, 10)!;
  const area = Math.abs((7.7 - 0.3) * (6.4 - 0.2) - (2.6 - 0.3) * (1.9 - 0.2)) / 2;
  assert.ok(Math.abs(tri.cover.reduce((a, b) => a + b, 0) - area) < 1e-3);
  // an outer square with an inner one wound the other way: a ring, empty in the middle
  const ring = polygonCoverage(
    [
      [0, 0, 8, 0, 8, 8, 0, 8],
      [2, 2, 2, 6, 6, 6, 6, 2],
    ],
    10,
    10,
  )!;
  assert.equal(ring.cover[4 * ring.width + 4], 0);
  assert.equal(ring.cover[1 * ring.width + 1], 1);
  assert.equal(polygonCoverage([[1, 1, 2, 1, 3, 1]], 10, 10), null, 'a flat polygon covers nothing');
});

test('attentionMapImage: a valid PNG whose cells follow the weights (darker = larger), rows = target, columns = source', () => {
  const img = attentionMapImage(W, SRC, TGT, { font: null, cellSize: 20 });
  // the largest weight is drawn in the darkest colour; find its cell to place the others
  const dark = sequentialColor(1);
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const c = pixel(img, x, y);
      if (c[0] === dark[0] && c[1] === dark[1] && c[2] === dark[2]) {
        // the colour bar has the same top colour; the cell is left of it
        if (x > img.width * 0.75) continue;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  assert.deepEqual([x1 - x0 + 1, y1 - y0 + 1], [20, 20], 'the (0, 0) cell is 20 × 20 pixels');
  const cells: { v: number; lum: number }[] = [];
  W.forEach((row, i) =>
    row.forEach((v, j) => {
      const c = pixel(img, x0 + j * 20 + 10, y0 + i * 20 + 10);
      assert.deepEqual(c, sequentialColor(v / 0.86), `cell (${i}, ${j}) has the colour of ${v}`);
      cells.push({ v, lum: luminance(c) });
    }),
  );
  cells.sort((a, b) => a.v - b.v);
  for (let k = 1; k < cells.length; k++) assert.ok(cells[k]!.lum < cells[k - 1]!.lum, `weight ${cells[k]!.v} is darker than ${cells[k - 1]!.v}`);
  assert.deepEqual(pixel(img, x0 + 4 * 20 + 10, y0 + 2 * 20 + 10), sequentialColor(0.035 / 0.86), 'row 2 (china), column 4 (。)');
  // `max` fixes the top of the scale
  const fixed = attentionMapImage(W, SRC, TGT, { font: null, cellSize: 20, max: 1 });
  assert.deepEqual(pixel(fixed, x0 + 10, y0 + 10), sequentialColor(0.86));
});

test('writeAttentionMap writes a PNG (signature, IHDR, CRCs) and an SVG atomically, by extension', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-attn-'));
  try {
    const png = join(dir, 'maps', 'zh-en.png');
    writeAttentionMap(png, W, SRC, TGT, { title: '我爱中国。', font: null });
    const bytes = readFileSync(png);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const p = readPng(bytes);
    const img = attentionMapImage(W, SRC, TGT, { title: '我爱中国。', font: null });
    assert.deepEqual([p.width, p.height, p.colorType], [img.width, img.height, 6]);
    assert.ok(p.chunks.every((c) => c.crcOk));
    assert.deepEqual(Buffer.from(p.pixels), Buffer.from(img.rgba));
    writeAttentionMap(join(dir, 'maps', 'zh-en.svg'), W, SRC, TGT, { font: null });
    assert.match(readFileSync(join(dir, 'maps', 'zh-en.svg'), 'utf8'), /^<svg /);
    assert.deepEqual(readdirSync(join(dir, 'maps')).sort(), ['zh-en.png', 'zh-en.svg'], 'no temp files left');
    assert.throws(
      () => writeAttentionMap(join(dir, 'x.jpg'), W, SRC, TGT),
      /writeAttentionMap: cannot tell the format of '.*x\.jpg', expected a path ending in \.png or \.svg/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('shape mismatches are errors naming both shapes', () => {
  assert.throws(
    () => attentionMapImage(W.slice(0, 4), SRC, TGT),
    /attentionMapImage: weights is 4 × 5 but there are 5 target tokens and 5 source tokens; expected 5 × 5 \(target tokens × source tokens\)/,
  );
  assert.throws(
    () => attentionMapSvg(W, SRC.slice(0, 4), TGT),
    /attentionMapSvg: weights row 0 has 5 values but there are 4 source tokens; expected 5 × 4 \(target tokens × source tokens\)/,
  );
  assert.throws(
    () => attentionMapImage([[0.5, -0.1]], ['a', 'b'], ['x']),
    /weights\[0\]\[1\] is -0\.1; attention weights must be finite and ≥ 0 \(row 0: 'x', column 1: 'b'\)/,
  );
  assert.throws(() => attentionMapImage([[Number.NaN]], ['a'], ['x']), /weights\[0\]\[0\] is NaN/);
  assert.throws(() => attentionMapImage([], [], []), /sourceTokens is empty/);
  assert.throws(() => attentionMapImage(tensor([1, 2]), ['a', 'b'], ['x']), /expected a 2-D tensor of weights, got shape \[2\]/);
  assert.throws(
    () => attentionGridImage([[W, W], [W]], SRC, TGT),
    /attentionGridImage: layer 2 has 1 heads but layer 1 has 2; every layer needs the same number/,
  );
  assert.throws(() => attentionGridSvg([[W, W.slice(1)]], SRC, TGT), /weights\[0\]\[1\] \(layer 1 head 2\) is 4 × 5 but there are 5 target tokens/);
  assert.throws(() => attentionGridImage(W as never, SRC, TGT), /must be \[layer\]\[head\]\[target\]\[source\].*got a 2-level nested array/);
});

test('options are checked: unknown keys (with a suggestion) and bad values', () => {
  assert.throws(() => attentionMapImage(W, SRC, TGT, { bogus: 1 } as never), /attentionMapImage: unknown option 'bogus'; accepted: /);
  assert.throws(() => attentionMapSvg(W, SRC, TGT, { cell_size: 20 } as never), /unknown option 'cell_size'.*cellSize/);
  assert.throws(() => writeAttentionGrid('x.png', [[W]], SRC, TGT, { titel: 'x' } as never), /writeAttentionGrid: unknown option 'titel'/);
  assert.throws(() => attentionMapImage(W, SRC, TGT, { cellSize: 2.5 }), /cellSize must be an integer in \[4, 400\], got 2.5/);
  assert.throws(() => attentionMapImage(W, SRC, TGT, { max: 0 }), /max must be a positive finite number, got 0/);
  assert.throws(() => attentionMapImage(W, SRC, TGT, { font: '/no/such/font.ttf' }), /cannot read font \/no\/such\/font\.ttf/);
});

/** Start and end tags balance, in order (self-closing tags and the contents of <title>/<text> aside). */
function assertBalanced(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self) continue;
    if (close) assert.equal(stack.pop(), name, `</${name}> closes <${stack[stack.length] ?? '?'}>`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, [], 'every tag is closed');
  assert.doesNotMatch(svg.replace(/&(lt|gt|amp|apos|quot);/g, ''), /&/, 'every & is an entity');
}

test('attentionMapSvg: one cell per weight with a tooltip, balanced tags, a colour bar; <text> with a CJK font list when there is no font', () => {
  const svg = attentionMapSvg(W, SRC, TGT, { title: '我 → <i>', font: null });
  assertBalanced(svg);
  assert.equal(svg.match(/<rect class="cell"/g)?.length, 25);
  assert.ok(svg.includes('<title>国 → china: 0.41</title>'));
  assert.ok(
    svg.includes(
      `fill="${
        '#' +
        sequentialColor(1)
          .map((v) => v.toString(16).padStart(2, '0'))
          .join('')
      }"`,
    ),
  );
  assert.ok(svg.includes('fill="url(#attention-scale)"') && svg.includes('<linearGradient id="attention-scale"'));
  assert.match(svg, /font-family="&apos;Noto Sans CJK SC&apos;/);
  assert.ok(svg.includes('>我</text>') && svg.includes('>&lt;eos&gt;</text>') && svg.includes('>我 → &lt;i&gt;</text>'));
});

test('with a CJK font, the SVG embeds the glyphs as paths: defined once, every use resolves', { skip: NO_FONT }, () => {
  const svg = attentionMapSvg(W, SRC, TGT, { title: '我爱中国' });
  assertBalanced(svg);
  assert.doesNotMatch(svg, /<text/, 'no text elements: legible without the font');
  const defined = new Set([...svg.matchAll(/<path id="([^"]+)" d="M[^"]+"/g)].map((m) => m[1]));
  const used = [...svg.matchAll(/<use xlink:href="#([^"]+)"/g)].map((m) => m[1]);
  for (const id of used) assert.ok(defined.has(id), `#${id} is defined`);
  // 我 appears in the labels and the title but is defined once; the five CJK labels and the title's four characters are all glyphs
  assert.ok(used.length >= 5 + 4 + 'ilovechina.<eos>'.length);
  const wo = FONT!.shape('我')[0]!.id;
  assert.equal(svg.match(new RegExp(`<path id="g0-${wo}"`, 'g'))?.length, 1);
  assert.equal(used.filter((id) => id === `g0-${wo}`).length, 2);
  assert.ok(svg.includes('<title>我</title>') && svg.includes('<title>&lt;eos&gt;</title>'));
});

test('CJK text is drawn from the font: ink where the label is, different glyphs differ, nothing drawn as a box', { skip: NO_FONT }, () => {
  const inkOf = (text: string): { ink: number; box: ReturnType<typeof layoutText> } => {
    const c = new Canvas(80, 40);
    const box = layoutText({ font: FONT, target: 'raster' }, text, 24);
    drawText(c, box, 4, 4, [0, 0, 0]);
    let ink = 0;
    for (let i = 0; i < c.rgba.length; i += 4) if (c.rgba[i]! < 128) ink++;
    return { ink, box };
  };
  const wo = inkOf('我'),
    yi = inkOf('一'),
    china = inkOf('中国');
  assert.ok(wo.box.items.every((it) => it.kind === 'glyph'));
  assert.ok(Math.abs(wo.box.width - 24) < 0.5, 'an ideograph advances one em');
  assert.ok(wo.ink > 60, `我 covers ${wo.ink} pixels`);
  assert.ok(yi.ink > 10 && yi.ink < wo.ink / 2, `一 (${yi.ink}) is lighter than 我 (${wo.ink})`);
  assert.ok(china.ink > wo.ink, 'two characters hold more ink');
  // vertical: ideographs stay upright (not turned), Latin turns
  const v = layoutText({ font: FONT, target: 'raster' }, '中ab', 20, true);
  assert.deepEqual(
    v.items.map((it) => it.kind === 'glyph' && it.rotated),
    [false, true, true],
  );
  assert.ok(Math.abs(v.width - 20) < 1 && v.height > 20);
  // in a map: the labels above the columns have ink
  const img = attentionMapImage(W, SRC, TGT, { cellSize: 30 });
  const nofont = attentionMapImage(W, SRC, TGT, { cellSize: 30, font: null });
  let dark = 0;
  for (let i = 0; i < img.rgba.length; i += 4) if (img.rgba[i]! < 100 && img.rgba[i + 2]! < 100) dark++;
  assert.ok(dark > 200, `dark text pixels: ${dark}`);
  assert.ok(
    img.width !== nofont.width || img.height !== nofont.height || !Buffer.from(img.rgba).equals(Buffer.from(nofont.rgba)),
    'the font changes the picture',
  );
});

test('a font file path, DEEPTS_FONT, and faces of a collection', { skip: NO_FONT }, () => {
  const path = FONT!.path;
  assert.equal(loadFont(path), loadFont(path), 'cached');
  const saved = process.env.DEEPTS_FONT;
  try {
    process.env.DEEPTS_FONT = path;
    assert.equal(resolveFont()?.path, path);
    process.env.DEEPTS_FONT = '/no/such/font.otf';
    assert.throws(() => resolveFont(), /DEEPTS_FONT: cannot read font \/no\/such\/font\.otf/);
  } finally {
    if (saved === undefined) delete process.env.DEEPTS_FONT;
    else process.env.DEEPTS_FONT = saved;
  }
  if (path.endsWith('.ttc') && FONT!.name.startsWith('NotoSansCJK')) {
    assert.equal(FONT!.name, 'NotoSansCJKsc-Regular', 'the Simplified Chinese face of the collection');
    assert.equal(loadFont(path + '#NotoSansCJKjp-Regular').name, 'NotoSansCJKjp-Regular');
    assert.throws(() => loadFont(path + '#Nope'), /has no face named 'Nope'; it has 'NotoSansCJKjp-Regular'/);
  }
});

test('without a font: still drawn (bitmap Latin, boxes for CJK), with one warning naming the package and DEEPTS_FONT', async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);
  process.on('warning', onWarning);
  const saved = process.env.DEEPTS_FONT;
  delete process.env.DEEPTS_FONT;
  try {
    resetFontWarnings();
    assert.equal(resolveFontFrom(undefined, ['/no/such/font.ttc']), null);
    assert.equal(resolveFontFrom(undefined, ['/no/such/font.ttc']), null);
    await new Promise((r) => setImmediate(r));
    const ours = warnings.filter((w) => (w as NodeJS.ErrnoException).code === 'DEEPTS_NO_FONT');
    assert.equal(ours.length, 1, 'warned once');
    assert.match(ours[0]!.message, /apt-get install fonts-noto-cjk/);
    assert.match(ours[0]!.message, /DEEPTS_FONT/);
  } finally {
    process.off('warning', onWarning);
    if (saved !== undefined) process.env.DEEPTS_FONT = saved;
  }
  const box = layoutText({ font: null, target: 'raster' }, 'a我', 16);
  assert.deepEqual(
    box.items.map((it) => it.kind),
    ['bitmap', 'box'],
  );
  const img = attentionMapImage(W, SRC, TGT, { font: null, title: 'no font' });
  assert.ok(img.width > 100 && img.height > 100);
});

test('attentionGridImage / Svg: one captioned map per layer and head on a shared scale; tensors accepted', () => {
  const heads = [
    [W, W.map((r) => r.map((v) => v / 2))],
    [W.map((r) => [...r].reverse()), W],
  ];
  const svg = attentionGridSvg(heads, SRC, TGT, { title: 'cross-attention', font: null });
  assertBalanced(svg);
  assert.equal(svg.match(/<rect class="cell"/g)?.length, 4 * 25);
  for (const cap of ['layer 1 head 1', 'layer 1 head 2', 'layer 2 head 1', 'layer 2 head 2']) assert.ok(svg.includes(`>${cap}</text>`), cap);
  const one = attentionMapImage(W, SRC, TGT, { font: null, cellSize: 30 });
  const grid = attentionGridImage(heads, SRC, TGT, { font: null });
  assert.ok(grid.width > 1.7 * one.width && grid.height > 1.7 * one.height, `${grid.width}x${grid.height} vs ${one.width}x${one.height}`);
  // a [layer, head, target, source] tensor draws the same picture; [head, target, source] is one layer
  const asTensor = attentionGridImage(tensor(heads, { dtype: 'float64' }), SRC, TGT, { font: null });
  assert.deepEqual(Buffer.from(asTensor.rgba), Buffer.from(grid.rgba));
  const oneLayer = attentionGridSvg(tensor(heads[0]!, { dtype: 'float64' }), SRC, TGT, { font: null });
  assert.equal(oneLayer.match(/<rect class="cell"/g)?.length, 2 * 25);
  assert.ok(!oneLayer.includes('layer 2'));
  assert.deepEqual(
    Buffer.from(attentionMapImage(tensor(W, { dtype: 'float64' }), SRC, TGT, { font: null }).rgba),
    Buffer.from(attentionMapImage(W, SRC, TGT, { font: null }).rgba),
  );
});

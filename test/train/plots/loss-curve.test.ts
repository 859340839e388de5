import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lossCurveImage, lossCurveSvg, writeLossCurve, type LossSeries } from '../../../src/train/plots/loss-curve.js';
import { readPng } from './png-reader.js';

const decay = (n: number, scale = 1): [number, number][] => Array.from({ length: n }, (_, i) => [i, scale * Math.exp(-i / 20) + 0.01]);
const series: LossSeries[] = [
  { name: 'train', points: decay(100) },
  { name: 'val', points: decay(100, 1.2) },
];

/** The numbers in each path's d attribute, as [x, y] pairs. */
function paths(svg: string): [number, number][][] {
  return [...svg.matchAll(/<path stroke="[^"]+" d="([^"]+)"/g)].map((m) => {
    const nums = m[1]!.match(/-?[\d.]+/g)!.map(Number);
    const pts: [number, number][] = [];
    for (let i = 0; i < nums.length; i += 2) pts.push([nums[i]!, nums[i + 1]!]);
    return pts;
  });
}

test('lossCurveSvg draws one path per series, a legend, title, axis labels and tick labels', () => {
  const svg = lossCurveSvg(series, { title: 'MLP on spiral', xLabel: 'epoch', yLabel: 'cross entropy' });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="800" height="500"/);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  const ps = paths(svg);
  assert.equal(ps.length, 2);
  assert.equal(ps[0]!.length, 100);
  for (const text of ['MLP on spiral', '>epoch<', '>cross entropy<', '>train<', '>val<', '>0<', '>0.2<', '>1.2<', '>50<'])
    assert.ok(svg.includes(text), `missing ${text}`);
  // loss falls, so the curve goes down the screen: larger pixel y at the end, and x grows
  const train = ps[0]!;
  assert.ok(train[0]![1] < train[99]![1]);
  assert.ok(train[0]![0] < train[99]![0]);
  // val (1.2x) starts above train on screen
  assert.ok(ps[1]![0]![1] < train[0]![1]);
});

test('lossCurveSvg escapes names and splits a line at non-finite values', () => {
  const pts: [number, number][] = [
    [0, 1],
    [1, 0.5],
    [2, Number.NaN],
    [3, 0.4],
    [4, 0.3],
  ];
  const svg = lossCurveSvg([{ name: 'a<b & "c"', points: pts }]);
  assert.ok(svg.includes('a&lt;b &amp; &quot;c&quot;'));
  assert.ok(!svg.includes('a<b'));
  assert.deepEqual(
    paths(svg).map((p) => p.length),
    [2, 2],
  );
});

test('lossCurveSvg with logY labels powers of ten and rejects non-positive values', () => {
  const svg = lossCurveSvg(
    [
      {
        name: 'loss',
        points: [
          [0, 2],
          [1, 0.02],
          [2, 0.0005],
        ],
      },
    ],
    { logY: true },
  );
  for (const label of ['>1e-4<', '>0.001<', '>0.01<', '>0.1<', '>1<', '>10<']) assert.ok(svg.includes(label), `missing ${label}`);
  assert.ok(svg.includes('loss (log scale)'));
  assert.throws(
    () =>
      lossCurveSvg(
        [
          {
            name: 'l',
            points: [
              [0, 1],
              [1, 0],
            ],
          },
        ],
        { logY: true },
      ),
    /lossCurveSvg: logY needs positive values, but series 'l' has 0 at x = 1/,
  );
});

test('lossCurveSvg handles a single point and empty series', () => {
  const one = lossCurveSvg([{ name: 'one', points: [[5, 0.7]] }]);
  assert.equal(paths(one).length, 1);
  assert.match(one, /<circle /, 'a lone point gets a marker');
  assert.ok(lossCurveSvg([{ name: 'nothing yet', points: [] }]).includes('nothing yet'));
});

test('lossCurveSvg rejects malformed series and sizes', () => {
  assert.throws(
    () => lossCurveSvg([{ name: 'x', points: [[1, 2, 3]] as unknown as [number, number][] }]),
    /lossCurveSvg: series 'x' point 0 must be a pair of numbers \[x, y\]/,
  );
  assert.throws(() => lossCurveSvg([{ points: [] } as unknown as LossSeries]), /lossCurveSvg: series 0 must be \{name: string, points: \[x, y\]\[\]\}/);
  assert.throws(() => lossCurveSvg(series, { width: 50 }), /lossCurveSvg: width and height must be integers of at least 200 x 150, got 50 x 500/);
});

test('lossCurveImage rasterizes the series in their legend colours on a white background', () => {
  const img = lossCurveImage(series, { width: 400, height: 300 });
  assert.equal(img.rgba.length, 400 * 300 * 4);
  let blue = 0,
    orange = 0;
  for (let i = 0; i < img.rgba.length; i += 4) {
    const [r, g, b] = [img.rgba[i]!, img.rgba[i + 1]!, img.rgba[i + 2]!];
    if (r === 0x1f && g === 0x77 && b === 0xb4) blue++;
    if (r === 0xff && g === 0x7f && b === 0x0e) orange++;
  }
  assert.ok(blue > 200 && orange > 200, `series pixels: blue ${blue}, orange ${orange}`);
  assert.deepEqual(Array.from(img.rgba.subarray(0, 4)), [255, 255, 255, 255]);
});

test('writeLossCurve writes SVG or PNG by extension and rejects others', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-loss-'));
  try {
    writeLossCurve(join(dir, 'loss.svg'), series);
    assert.match(readFileSync(join(dir, 'loss.svg'), 'utf8'), /^<svg /);
    writeLossCurve(join(dir, 'loss.PNG'), series, { title: 'x' });
    const png = readPng(new Uint8Array(readFileSync(join(dir, 'loss.PNG'))));
    assert.deepEqual([png.width, png.height], [800, 500]);
    assert.throws(
      () => writeLossCurve(join(dir, 'loss.jpg'), series),
      /writeLossCurve: cannot tell the format of '.*loss.jpg', expected a path ending in .svg or .png/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a long title shrinks to fit: smaller SVG font, smaller or cut bitmap text in the PNG', () => {
  const long = 'features x1, x2, x1^2, x2^2, x1x2, sin(x1), sin(x2) on spiral with noise 10';
  const size = Number(/font-size="([\d.]+)" font-weight="600"/.exec(lossCurveSvg(series, { title: `${long}, ${long}` }))![1]);
  assert.ok(size < 11 && size >= 9, `title font size ${size}`);
  assert.match(lossCurveSvg(series, { title: 'short' }), /font-size="17" font-weight="600">short</);
  for (const title of [long, long.repeat(3)]) {
    const img = lossCurveImage(series, { title, width: 400, height: 300 });
    // the title band's outermost columns stay white: nothing ran off the edges
    for (let y = 10; y < 40; y++) {
      for (const x of [0, 1, 2, 397, 398, 399]) assert.equal(img.rgba[4 * (y * 400 + x)], 255, `ink at (${x}, ${y}) for a ${title.length}-char title`);
    }
  }
});

test('the legend moves to the corner with the fewest points (top-right for a falling loss, elsewhere for a rising accuracy)', () => {
  const legendAt = (svg: string): [number, number] => {
    const m = /<g class="legend"><rect x="([\d.]+)" y="([\d.]+)"/.exec(svg)!;
    return [Number(m[1]), Number(m[2])];
  };
  const falling = legendAt(lossCurveSvg([{ name: 'loss', points: decay(100) }]));
  const rising = legendAt(lossCurveSvg([{ name: 'acc', points: decay(100).map(([x, y]) => [x, 1 - y]) }]));
  assert.ok(falling[0] > 400 && falling[1] < 100, `falling: legend at ${falling}`);
  assert.ok(!(rising[0] > 400 && rising[1] < 100), `rising: legend should leave the top-right, at ${rising}`);
});

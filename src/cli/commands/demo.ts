// `deepts demo <name>`: the lecture's small examples, run with the library's own ops.
//   conv   the 6×6 image and its two 3×3 filters (stride 1 and 2), 2×2 max pooling, and the
//          Laplacian edge detector on an MNIST digit; prints the numbers, writes the pictures.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, helpText, numberFlag, parseFlags, type FlagSpec } from '../args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/creation.js';
import { conv2d, maxPool2d } from '../../ops/index.js';
import { findMnistDir, loadMnistSync } from '../../data/mnist.js';
import { writeImageGrid } from '../../train/plots/image-grid.js';

/** The lecture's 6×6 black-and-white image (1 = ink). */
export const LECTURE_IMAGE = [
  [1, 0, 0, 0, 0, 1],
  [0, 1, 0, 0, 1, 0],
  [0, 0, 1, 1, 0, 0],
  [1, 0, 0, 0, 1, 0],
  [0, 1, 0, 0, 1, 0],
  [0, 0, 1, 0, 1, 0],
];
/** Filter 1 detects a main diagonal, filter 2 a vertical line. */
export const LECTURE_FILTER_1 = [
  [1, -1, -1],
  [-1, 1, -1],
  [-1, -1, 1],
];
export const LECTURE_FILTER_2 = [
  [-1, 1, -1],
  [-1, 1, -1],
  [-1, 1, -1],
];
/** The discrete Laplacian: zero on flat regions and straight ramps, large at edges and strokes. */
export const LAPLACIAN = [
  [0, 1, 0],
  [1, -4, 1],
  [0, 1, 0],
];

type Grid = number[][];

function asImage(g: Grid): Tensor {
  return tensor(g).reshape(1, 1, g.length, g[0]!.length); // (1, 1, H, W)
}

function toGrid(t: Tensor): Grid {
  const [h, w] = [t.shape[t.ndim - 2]!, t.shape[t.ndim - 1]!];
  const v = t.toTypedArray();
  return Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => Math.round(v[y * w + x]! * 1e6) / 1e6));
}

function formatGrid(g: Grid, indent = '  '): string {
  const width = Math.max(...g.flat().map((v) => String(v).length));
  return g.map((row) => indent + row.map((v) => String(v).padStart(width)).join(' ')).join('\n');
}

/** Cross-correlation of a single-channel image with one 3×3 filter, through conv2d. */
export function filterImage(image: Grid, filter: Grid, stride = 1, padding = 0): Grid {
  return toGrid(conv2d(asImage(image), asImage(filter), null, { stride, padding }));
}

/** 2×2 max pooling, through maxPool2d. */
export function maxPool2x2(map: Grid): Grid {
  return toGrid(maxPool2d(asImage(map), 2));
}

/** A 28×28 '7' drawn with strokes, for when MNIST is not on this machine. */
function drawnSeven(): Float32Array {
  const img = new Float32Array(28 * 28);
  for (let x = 6; x < 22; x++) for (let t = 0; t < 2; t++) img[(6 + t) * 28 + x] = 1;
  for (let y = 8; y < 24; y++) {
    const x = Math.round(21 - (y - 8) * 0.55);
    img[y * 28 + x] = 1;
    img[y * 28 + x - 1] = 1;
  }
  return img;
}

export type ConvDemoResult = {
  filter1Stride1: Grid;
  filter2Stride1: Grid;
  filter1Stride2: Grid;
  filter2Stride2: Grid;
  pooled1: Grid;
  pooled2: Grid;
  digitLabel: number | null;
  laplacian: Grid;
  out: string;
};

/** Runs the demo, prints it through `say`, writes the pictures to `out`. */
export function convDemo(out: string, opts: { digit?: number; say?: (line: string) => void } = {}): ConvDemoResult {
  const say = opts.say ?? ((l: string) => console.log(l));
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  const f1 = filterImage(LECTURE_IMAGE, LECTURE_FILTER_1),
    f2 = filterImage(LECTURE_IMAGE, LECTURE_FILTER_2);
  const s1 = filterImage(LECTURE_IMAGE, LECTURE_FILTER_1, 2),
    s2 = filterImage(LECTURE_IMAGE, LECTURE_FILTER_2, 2);
  const p1 = maxPool2x2(f1),
    p2 = maxPool2x2(f2);
  say('The 6×6 image:');
  say(formatGrid(LECTURE_IMAGE));
  say('Filter 1 (a diagonal) and filter 2 (a vertical line), 3×3:');
  say(formatGrid(LECTURE_FILTER_1));
  say('');
  say(formatGrid(LECTURE_FILTER_2));
  say('Filter 1 at stride 1: each value is the sum of the filter times the 3×3 patch under it; 3 where the diagonal is:');
  say(formatGrid(f1));
  say('Filter 1 at stride 2 (the filter moves two pixels at a time):');
  say(formatGrid(s1));
  say('Filter 2 at stride 1 (the feature map of the second filter; stacking both gives a 2-channel 4×4 "image"):');
  say(formatGrid(f2));
  say('2×2 max pooling keeps the strongest response in each 2×2 block: 4×4 → 2×2 per filter:');
  say(formatGrid(p1));
  say('');
  say(formatGrid(p2));
  writeImageGrid(join(dir, 'image.png'), [{ values: LECTURE_IMAGE.flat(), caption: 'image' }], {
    height: 6,
    width: 6,
    scale: 24,
    colors: 'ink',
    showValues: true,
  });
  writeImageGrid(
    join(dir, 'filters.png'),
    [
      { values: LECTURE_FILTER_1.flat(), caption: 'filter 1' },
      { values: LECTURE_FILTER_2.flat(), caption: 'filter 2' },
    ],
    { height: 3, width: 3, scale: 24, colors: 'signed', showValues: true },
  );
  writeImageGrid(
    join(dir, 'feature-maps.png'),
    [
      { values: f1.flat(), caption: 'filter 1' },
      { values: f2.flat(), caption: 'filter 2' },
    ],
    { height: 4, width: 4, scale: 24, colors: 'signed', range: 'shared', showValues: true, title: 'stride 1' },
  );
  writeImageGrid(
    join(dir, 'pooled.png'),
    [
      { values: p1.flat(), caption: 'filter 1' },
      { values: p2.flat(), caption: 'filter 2' },
    ],
    { height: 2, width: 2, scale: 24, colors: 'signed', range: 'shared', showValues: true, title: '2x2 max pool' },
  );

  // the Laplacian on a digit: padding 1 keeps the 28×28 size
  let digit: Float32Array,
    label: number | null = null,
    what: string;
  const index = opts.digit ?? 0;
  if (findMnistDir('mnist', 'test')) {
    const test = loadMnistSync('test', { limit: index + 1 });
    digit = Float32Array.from(test.images.subarray(index * 784, (index + 1) * 784), (v) => v / 255);
    label = test.labels[index]!;
    what = `MNIST test digit ${index} (a ${label})`;
  } else {
    digit = drawnSeven();
    what = 'a drawn 7 (MNIST not found: set DEEPTS_DATA to see a real digit)';
  }
  const digitGrid = Array.from({ length: 28 }, (_, y) => Array.from(digit.subarray(y * 28, (y + 1) * 28)));
  const lap = filterImage(digitGrid, LAPLACIAN, 1, 1);
  const flat = lap.flat();
  const strong = flat.filter((v) => Math.abs(v) > 0.5).length;
  say(`The Laplacian ${JSON.stringify(LAPLACIAN)} on ${what}: 0 on the blank background and inside uniform strokes,`);
  say(
    `negative on the strokes' centre lines and positive just outside them; ${strong} of 784 pixels respond by more than 0.5 (range ${Math.min(...flat).toFixed(2)} .. ${Math.max(...flat).toFixed(2)}).`,
  );
  writeImageGrid(
    join(dir, 'laplacian.png'),
    [
      { values: digit, caption: 'digit', colors: 'ink' },
      { values: flat, caption: 'laplacian' },
    ],
    { height: 28, width: 28, scale: 6, colors: 'signed', title: 'Laplacian edge detector' },
  );
  say(`wrote ${out}/{image.png, filters.png, feature-maps.png, pooled.png, laplacian.png}`);
  return {
    filter1Stride1: f1,
    filter2Stride1: f2,
    filter1Stride2: s1,
    filter2Stride2: s2,
    pooled1: p1,
    pooled2: p2,
    digitLabel: label,
    laplacian: lap,
    out: dir,
  };
}

const DEMOS: Record<string, string> = {
  conv: "the lecture's convolution examples: the 6×6 image with filters 1 and 2 (stride 1 and 2), 2×2 max pooling, the Laplacian on a digit",
};

const spec: Record<string, FlagSpec> = {
  out: { type: 'string', default: join('runs', 'demo-conv'), help: 'folder for the pictures' },
  digit: { type: 'string', default: '0', help: 'which MNIST test digit the Laplacian is shown on' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(['usage: deepts demo <name> [flags]', '', 'demos:', ...Object.entries(DEMOS).map(([n, s]) => `  ${n.padEnd(8)}${s}`)].join('\n'));
    return name ? 0 : 2;
  }
  if (!DEMOS[name]) throw new CliError(`deepts demo: unknown demo '${name}', expected one of ${Object.keys(DEMOS).join(', ')}`);
  const parsed = parseFlags(`demo ${name}`, rest, spec);
  if (parsed.flags.help) {
    console.log(helpText(`demo ${name}`, '[--out DIR]', spec));
    return 0;
  }
  if (parsed.positionals.length) throw new CliError(`deepts demo ${name}: unexpected argument '${parsed.positionals[0]}'`);
  const digit = numberFlag(`demo ${name}`, parsed.flags, 'digit', { integer: true, min: 0, max: 9999 }) ?? 0;
  convDemo(String(parsed.flags.out), { digit });
  return 0;
}

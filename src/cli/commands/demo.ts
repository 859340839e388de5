// `deepts demo <name>`: the lecture's small examples, run with the library's own ops.
//   conv   the 6×6 image and its two 3×3 filters (stride 1 and 2), 2×2 max pooling, and the
//          Laplacian edge detector on an MNIST digit; prints the numbers, writes the pictures.
//   vanishing  ‖∂L/∂h_t‖ against t for a tanh RNN, an LSTM and a GRU, the three trained on a
//          long-range task at several gaps, and gradient clipping on an exploding RNN
//          (the library's runVanishingDemo; this file only parses the flags).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, choiceFlag, helpText, numberFlag, parseFlags, type FlagSpec, type Parsed } from '../args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/creation.js';
import { conv2d, maxPool2d } from '../../ops/index.js';
import { findMnistDir, loadMnistSync } from '../../data/mnist.js';
import { writeImageGrid } from '../../train/plots/image-grid.js';
import { defaultRunFolder } from '../../train/run-folder.js';
import {
  runVanishingDemo,
  VANISHING_DEFAULTS,
  VANISHING_GATE_INITS,
  VANISHING_MODELS,
  type VanishingDemoOptions,
  type VanishingModel,
} from '../../train/recipes/vanishing.js';

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
  vanishing: 'the vanishing gradient: ||dL/dh_t|| of a tanh RNN, an LSTM and a GRU, their accuracy on a long-range task by gap, clipping an exploding RNN',
};

const help: FlagSpec = { type: 'boolean', short: 'h', help: 'show this help' };
const D = VANISHING_DEFAULTS;

/** The flags of `deepts demo vanishing`. */
export const VANISHING_FLAGS: Record<string, FlagSpec> = {
  out: { type: 'string', help: 'folder for the pictures (default: a new runs/demo-vanishing-<time>)' },
  models: { type: 'string', default: D.models.join(','), help: `which layers, comma-separated (${VANISHING_MODELS.join(', ')})` },
  gaps: { type: 'string', default: D.gaps.join(','), help: 'sequence lengths to train and test, comma-separated' },
  steps: { type: 'string', default: String(D.steps), help: 'Adam steps per model and gap' },
  repeats: { type: 'string', default: String(D.repeats), help: 'runs per model and gap (other weights and batches); the table shows their mean' },
  hidden: { type: 'string', default: String(D.hidden), help: 'hidden size of every layer' },
  lr: { type: 'string', default: String(D.lr), help: 'Adam learning rate' },
  'batch-size': { type: 'string', default: String(D.batchSize), help: 'sequences per step' },
  classes: { type: 'string', default: String(D.numClasses), help: 'classes (decided by the first token; chance is 1/classes)' },
  'gate-init': { type: 'string', default: D.gateInit, help: `gate biases of the LSTM and GRU (${VANISHING_GATE_INITS.join('|')})` },
  'explode-scale': { type: 'string', default: String(D.explodeScale), help: "the exploding RNN's recurrent weights are the tanh RNN's times this" },
  'clip-norm': { type: 'string', default: String(D.clipNorm), help: 'gradient-norm clip (training and the clipping demonstration)' },
  seed: { type: 'string', default: String(D.seed), help: 'random seed (weights and data)' },
  quiet: { type: 'boolean', short: 'q', help: 'no training progress, only the results' },
  help,
};

const SPECS: Record<string, Record<string, FlagSpec>> = {
  conv: {
    out: { type: 'string', default: join('runs', 'demo-conv'), help: 'folder for the pictures' },
    digit: { type: 'string', default: '0', help: 'which MNIST test digit the Laplacian is shown on' },
    help,
  },
  vanishing: VANISHING_FLAGS,
};

/** A comma-separated list of integers in min..max. */
function intList(command: string, flags: Parsed['flags'], name: string, min: number, max: number): number[] {
  const raw = String(flags[name]);
  const parts = raw.split(',').map((p) => p.trim());
  const values = parts.map(Number);
  if (parts.some((p) => p === '') || values.some((v) => !Number.isInteger(v) || v < min || v > max))
    throw new CliError(`deepts ${command}: --${name} expects comma-separated integers in ${min}..${max} such as 10,25,50,100, got '${raw}'`);
  return values;
}

/** The flags of `deepts demo vanishing` as runVanishingDemo's options; every bad value is a CliError naming its flag. */
export function parseVanishingFlags(flags: Parsed['flags']): VanishingDemoOptions {
  const cmd = 'demo vanishing';
  const models = String(flags.models)
    .split(',')
    .map((m) => m.trim());
  for (const m of models)
    if (!(VANISHING_MODELS as readonly string[]).includes(m))
      throw new CliError(`deepts ${cmd}: --models expects a comma-separated list of ${VANISHING_MODELS.join(', ')}, got '${String(flags.models)}'`);
  if (new Set(models).size !== models.length) throw new CliError(`deepts ${cmd}: --models lists a model twice: '${String(flags.models)}'`);
  const positive = (name: string): number => {
    const v = numberFlag(cmd, flags, name, { min: 0 })!;
    if (!(v > 0)) throw new CliError(`deepts ${cmd}: --${name} expects a positive number, got '${String(flags[name])}'`);
    return v;
  };
  return {
    out: typeof flags.out === 'string' && flags.out !== '' ? flags.out : defaultRunFolder('demo-vanishing'),
    models: models as VanishingModel[],
    gaps: intList(cmd, flags, 'gaps', 2, 10000),
    steps: numberFlag(cmd, flags, 'steps', { integer: true, min: 1, max: 1e7 })!,
    repeats: numberFlag(cmd, flags, 'repeats', { integer: true, min: 1, max: 1000 })!,
    hidden: numberFlag(cmd, flags, 'hidden', { integer: true, min: 1, max: 4096 })!,
    lr: positive('lr'),
    batchSize: numberFlag(cmd, flags, 'batch-size', { integer: true, min: 1, max: 1e6 })!,
    numClasses: numberFlag(cmd, flags, 'classes', { integer: true, min: 2, max: 1000 })!,
    gateInit: choiceFlag(cmd, flags, 'gate-init', VANISHING_GATE_INITS)!,
    explodeScale: positive('explode-scale'),
    clipNorm: positive('clip-norm'),
    seed: numberFlag(cmd, flags, 'seed', { integer: true, min: 0, max: 2 ** 32 - 1 })!,
  };
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(['usage: deepts demo <name> [flags]', '', 'demos:', ...Object.entries(DEMOS).map(([n, s]) => `  ${n.padEnd(11)}${s}`)].join('\n'));
    return name ? 0 : 2;
  }
  const spec = SPECS[name];
  if (!DEMOS[name] || !spec) throw new CliError(`deepts demo: unknown demo '${name}', expected one of ${Object.keys(DEMOS).join(', ')}`);
  const parsed = parseFlags(`demo ${name}`, rest, spec);
  if (parsed.flags.help) {
    console.log(helpText(`demo ${name}`, '[flags]', spec));
    return 0;
  }
  if (parsed.positionals.length) throw new CliError(`deepts demo ${name}: unexpected argument '${parsed.positionals[0]}'`);
  if (name === 'vanishing') {
    const opts = parseVanishingFlags(parsed.flags);
    await runVanishingDemo({ ...opts, progress: parsed.flags.quiet ? null : undefined });
    return 0;
  }
  const digit = numberFlag(`demo ${name}`, parsed.flags, 'digit', { integer: true, min: 0, max: 9999 }) ?? 0;
  convDemo(String(parsed.flags.out), { digit });
  return 0;
}

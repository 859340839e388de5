// The data sets of playground.tensorflow.org (its src/dataset.ts), seeded by our Generator.
// Points lie in about [-6, 6]²; the playground's labels ±1 become class 1 (blue, +1) / class 0
// (orange, -1) for classification, and stay values in [-1, 1] for regression.
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { defaultGenerator, Generator } from '../tensor/generator.js';
import { checkNumber, checkOptions, optionKeys } from '../util/options.js';

export const PLAYGROUND_DATASETS = ['circle', 'xor', 'gauss', 'spiral', 'reg-plane', 'reg-gauss'] as const;
export type PlaygroundDatasetName = (typeof PLAYGROUND_DATASETS)[number];
export type PlaygroundTask = 'classification' | 'regression';

export type PlaygroundDatasetOptions = {
  /** Number of points (default 500, the playground's). */
  numSamples?: number;
  /** The playground's noise slider, in percent: 0..50 (default 0). */
  noise?: number;
  /** Seed for a private Generator; without it the default generator is used (see manualSeed). */
  seed?: number;
};

export type PlaygroundDataset = {
  /** (N, 2) float32 coordinates x1, x2. */
  x: Tensor;
  /** classification: (N,) int32 labels 0/1; regression: (N, 1) float32 values in [-1, 1]. */
  y: Tensor;
  task: PlaygroundTask;
  name: PlaygroundDatasetName;
};

export function playgroundTask(name: PlaygroundDatasetName): PlaygroundTask {
  return name.startsWith('reg-') ? 'regression' : 'classification';
}

/** One labelled point; label is ±1 for classification, a value in [-1, 1] for regression. */
type Example = { x: number; y: number; label: number };

/** Host-side draws from a Generator, the playground's randUniform and normalRandom. */
class Sampler {
  constructor(private readonly gen: Generator) {}

  /** Uniform in [a, b). */
  uniform(a: number, b: number): number {
    return a + (this.gen.nextUint32() / 4294967296) * (b - a);
  }

  /** Normal with the given mean and variance (Marsaglia's polar method, as the playground). */
  normal(mean: number, variance: number): number {
    let v1: number, v2: number, s: number;
    do {
      v1 = this.uniform(-1, 1);
      v2 = this.uniform(-1, 1);
      s = v1 * v1 + v2 * v2;
    } while (s > 1 || s === 0);
    return mean + Math.sqrt(variance) * Math.sqrt((-2 * Math.log(s)) / s) * v1;
  }
}

const dist = (ax: number, ay: number, bx: number, by: number): number => Math.hypot(ax - bx, ay - by);

// The generators below follow the playground's code; `noise` is the slider value / 100 (0..0.5).

function circle(r: Sampler, pos: number, neg: number, noise: number): Example[] {
  const radius = 5;
  const label = (x: number, y: number): number => (dist(x, y, 0, 0) < radius * 0.5 ? 1 : -1);
  const points: Example[] = [];
  const ring = (count: number, rMin: number, rMax: number): void => {
    for (let i = 0; i < count; i++) {
      const rr = r.uniform(rMin, rMax);
      const angle = r.uniform(0, 2 * Math.PI);
      const x = rr * Math.sin(angle);
      const y = rr * Math.cos(angle);
      // noise moves the point used for the label, not the point drawn: labels near the border flip
      const nx = r.uniform(-radius, radius) * noise;
      const ny = r.uniform(-radius, radius) * noise;
      points.push({ x, y, label: label(x + nx, y + ny) });
    }
  };
  ring(pos, 0, radius * 0.5); // inside: positive
  ring(neg, radius * 0.7, radius); // outer ring: negative
  return points;
}

function xor(r: Sampler, n: number, noise: number): Example[] {
  const padding = 0.3; // keeps points off the axes, where the label flips
  const points: Example[] = [];
  for (let i = 0; i < n; i++) {
    let x = r.uniform(-5, 5);
    x += x > 0 ? padding : -padding;
    let y = r.uniform(-5, 5);
    y += y > 0 ? padding : -padding;
    const nx = r.uniform(-5, 5) * noise;
    const ny = r.uniform(-5, 5) * noise;
    points.push({ x, y, label: (x + nx) * (y + ny) >= 0 ? 1 : -1 });
  }
  return points;
}

function gauss(r: Sampler, pos: number, neg: number, noise: number): Example[] {
  const variance = 0.5 + (noise / 0.5) * 3.5; // the playground's scale: noise 0..0.5 -> variance 0.5..4
  const points: Example[] = [];
  const cluster = (count: number, cx: number, cy: number, label: number): void => {
    for (let i = 0; i < count; i++) points.push({ x: r.normal(cx, variance), y: r.normal(cy, variance), label });
  };
  cluster(pos, 2, 2, 1);
  cluster(neg, -2, -2, -1);
  return points;
}

function spiral(r: Sampler, pos: number, neg: number, noise: number): Example[] {
  const points: Example[] = [];
  const arm = (count: number, deltaT: number, label: number): void => {
    for (let i = 0; i < count; i++) {
      const rr = (i / count) * 5;
      const t = ((1.75 * i) / count) * 2 * Math.PI + deltaT;
      const x = rr * Math.sin(t) + r.uniform(-1, 1) * noise;
      const y = rr * Math.cos(t) + r.uniform(-1, 1) * noise;
      points.push({ x, y, label });
    }
  };
  arm(pos, 0, 1);
  arm(neg, Math.PI, -1);
  return points;
}

/** Uniform points in [-6, 6]² labelled by f at a noise-shifted position, as the playground's regressions. */
function regression(r: Sampler, n: number, noise: number, f: (x: number, y: number) => number): Example[] {
  const radius = 6;
  const points: Example[] = [];
  for (let i = 0; i < n; i++) {
    const x = r.uniform(-radius, radius);
    const y = r.uniform(-radius, radius);
    const nx = r.uniform(-radius, radius) * noise;
    const ny = r.uniform(-radius, radius) * noise;
    points.push({ x, y, label: f(x + nx, y + ny) });
  }
  return points;
}

/** The plane: (x + y) scaled from [-10, 10] to [-1, 1] (not clamped, as the playground). */
const plane = (x: number, y: number): number => (x + y) / 10;

/** Six signed bumps; the label is the one largest in absolute value, each falling from ±1 at its centre to 0 at distance 2. */
const BUMPS: readonly (readonly [number, number, number])[] = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
];
function bumps(x: number, y: number): number {
  let label = 0;
  for (const [cx, cy, sign] of BUMPS) {
    const v = sign * Math.min(1, Math.max(0, 1 - dist(x, y, cx, cy) / 2));
    if (Math.abs(v) > Math.abs(label)) label = v;
  }
  return label;
}

/**
 * One of the playground's data sets: `circle`, `xor`, `gauss`, `spiral` (classification) or
 * `reg-plane`, `reg-gauss` (regression). Points are shuffled (as the playground does before its
 * train/test split), so any prefix is a fair sample; classification has ceil(N/2) points of
 * class 1 and floor(N/2) of class 0. Deterministic for a given seed.
 */
const PLAYGROUND_KEYS = optionKeys<PlaygroundDatasetOptions>({ numSamples: true, noise: true, seed: true });

export function makePlaygroundDataset(name: PlaygroundDatasetName, opts: PlaygroundDatasetOptions = {}): PlaygroundDataset {
  checkOptions('makePlaygroundDataset', opts, PLAYGROUND_KEYS);
  if (opts.numSamples !== undefined) checkNumber('makePlaygroundDataset', 'numSamples', opts.numSamples);
  if (opts.noise !== undefined) checkNumber('makePlaygroundDataset', 'noise', opts.noise);
  if (opts.seed !== undefined) checkNumber('makePlaygroundDataset', 'seed', opts.seed);
  const { numSamples = 500, noise = 0, seed } = opts;
  if (!(PLAYGROUND_DATASETS as readonly string[]).includes(name)) {
    throw new RangeError(`makePlaygroundDataset: unknown data set '${name}', expected one of ${PLAYGROUND_DATASETS.join(', ')}`);
  }
  if (!Number.isInteger(numSamples) || numSamples < 1) {
    throw new RangeError(`makePlaygroundDataset: numSamples must be a positive integer, got ${numSamples}`);
  }
  if (!Number.isFinite(noise) || noise < 0 || noise > 50) {
    throw new RangeError(`makePlaygroundDataset: noise is the playground's slider in percent and must be in [0, 50], got ${noise}`);
  }
  if (seed !== undefined && !Number.isFinite(seed)) throw new TypeError(`makePlaygroundDataset: seed must be a finite number, got ${seed}`);
  const gen = seed === undefined ? defaultGenerator : new Generator(Math.trunc(seed));
  const r = new Sampler(gen);
  const nz = noise / 100;
  const pos = Math.ceil(numSamples / 2);
  const neg = numSamples - pos;
  let points: Example[];
  switch (name) {
    case 'circle':
      points = circle(r, pos, neg, nz);
      break;
    case 'xor':
      points = xor(r, numSamples, nz);
      break;
    case 'gauss':
      points = gauss(r, pos, neg, nz);
      break;
    case 'spiral':
      points = spiral(r, pos, neg, nz);
      break;
    case 'reg-plane':
      points = regression(r, numSamples, nz, plane);
      break;
    case 'reg-gauss':
      points = regression(r, numSamples, nz, bumps);
      break;
  }
  const order = gen.permutation(points.length);
  const xs = new Float32Array(2 * numSamples);
  const task = playgroundTask(name);
  const labels = task === 'classification' ? new Int32Array(numSamples) : new Float32Array(numSamples);
  order.forEach((src, i) => {
    const p = points[src]!;
    xs[2 * i] = p.x;
    xs[2 * i + 1] = p.y;
    labels[i] = task === 'classification' ? (p.label > 0 ? 1 : 0) : p.label;
  });
  return {
    x: tensor(xs, { shape: [numSamples, 2] }),
    y: task === 'classification' ? tensor(labels, { dtype: 'int32' }) : tensor(labels, { shape: [numSamples, 1] }),
    task,
    name,
  };
}

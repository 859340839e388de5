// The playground's picture of a 2-D model: its output over the input square as a colour field
// (orange = class 0 / negative, light grey = undecided / 0, blue = class 1 / positive) with the
// data points drawn on top.
import { Tensor } from '../../tensor/tensor.js';
import { shapeStr } from '../../tensor/shape.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { Canvas } from './canvas.js';
import { darken, divergingColor, lighten } from './colors.js';
import { writePng } from './png.js';
import { checkOptions as checkOptionKeys, optionKeys } from '../../util/options.js';

/** Points to draw: x (N, 2) coordinates, y labels (classification: 0/1; regression: values), test points outlined in black. */
export type BoundaryPoints = { x: Tensor; y: Tensor; test?: boolean };

export type DecisionBoundaryOptions = {
  /** Image width and height in pixels (default 400). */
  size?: number;
  /** The square [lo, hi]² of input space shown (default [-6, 6], the playground's). */
  domain?: [number, number];
  /** classification: predict returns P(class 1), 0.5 is the boundary; regression: values (default classification). */
  task?: 'classification' | 'regression';
  /** Model evaluations per side; the field is interpolated between them (default 100, as the playground's heat map). */
  resolution?: number;
  /** Regression values shown at full orange / full blue (default: ±the largest |label| of the points, or of the predictions without points). */
  valueRange?: [number, number];
  /** Point radius in pixels (default size / 110, at least 2). */
  pointRadius?: number;
};

export type RgbaImage = { width: number; height: number; rgba: Uint8Array };

const FN = 'decisionBoundaryImage';
/** The field is paler than the points (mixed this much with white), so points stand out on their own class's colour. */
const FIELD_LIGHTEN = 0.35;

const BOUNDARY_KEYS = optionKeys<DecisionBoundaryOptions>({ size: true, domain: true, task: true, resolution: true, valueRange: true, pointRadius: true });

function checkOptions(opts: DecisionBoundaryOptions): Required<Omit<DecisionBoundaryOptions, 'valueRange'>> & { valueRange?: [number, number] } {
  checkOptionKeys(FN, opts, BOUNDARY_KEYS);
  const size = opts.size ?? 400;
  const domain = opts.domain ?? [-6, 6];
  const task = opts.task ?? 'classification';
  const resolution = opts.resolution ?? 100;
  if (!Number.isInteger(size) || size < 8 || size > 8192) throw new RangeError(`${FN}: size must be an integer in [8, 8192], got ${size}`);
  if (!Array.isArray(domain) || domain.length !== 2 || !Number.isFinite(domain[0]) || !Number.isFinite(domain[1]) || domain[0] >= domain[1]) {
    throw new RangeError(`${FN}: domain must be [lo, hi] with finite lo < hi, got [${String(domain)}]`);
  }
  if (task !== 'classification' && task !== 'regression') throw new RangeError(`${FN}: task must be 'classification' or 'regression', got '${String(task)}'`);
  if (!Number.isInteger(resolution) || resolution < 2 || resolution > 2048)
    throw new RangeError(`${FN}: resolution must be an integer in [2, 2048], got ${resolution}`);
  const valueRange = opts.valueRange;
  if (valueRange && (valueRange.length !== 2 || !(valueRange[0] < valueRange[1])))
    throw new RangeError(`${FN}: valueRange must be [lo, hi] with lo < hi, got [${String(valueRange)}]`);
  const pointRadius = opts.pointRadius ?? Math.max(2, size / 110);
  return { size, domain, task, resolution, valueRange, pointRadius };
}

/** The coordinates of the G x G evaluation grid: (G*G, 2), row-major from the top (largest x2) row, x1 growing to the right. */
function gridPoints(domain: [number, number], g: number): Tensor {
  const [lo, hi] = domain;
  const data = new Float32Array(g * g * 2);
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      data[2 * (r * g + c)] = lo + ((c + 0.5) / g) * (hi - lo);
      data[2 * (r * g + c) + 1] = hi - ((r + 0.5) / g) * (hi - lo);
    }
  }
  return new Tensor(data, 'float32', [g * g, 2]);
}

/** Validated points with labels as flat arrays. */
function readPoints(
  points: readonly BoundaryPoints[],
  task: 'classification' | 'regression',
): { xy: ArrayLike<number>; labels: ArrayLike<number>; test: boolean }[] {
  if (!Array.isArray(points)) throw new TypeError(`${FN}: points must be an array of {x, y, test?}`);
  return points.map((p, k) => {
    if (!(p?.x instanceof Tensor) || !(p.y instanceof Tensor)) throw new TypeError(`${FN}: points[${k}] must be {x: Tensor, y: Tensor, test?: boolean}`);
    if (p.x.ndim !== 2 || p.x.shape[1] !== 2) throw new RangeError(`${FN}: points[${k}].x must have shape (N, 2), got ${shapeStr(p.x.shape)}`);
    const n = p.x.shape[0]!;
    if (p.y.numel() !== n || !(p.y.ndim === 1 || (p.y.ndim === 2 && p.y.shape[1] === 1))) {
      throw new RangeError(`${FN}: points[${k}].y must have shape (${n},) or (${n}, 1) to match x ${shapeStr(p.x.shape)}, got ${shapeStr(p.y.shape)}`);
    }
    const labels = p.y.toTypedArray();
    if (task === 'classification') {
      const bad = Array.prototype.findIndex.call(labels, (v: number) => v !== 0 && v !== 1);
      if (bad >= 0) throw new RangeError(`${FN}: classification labels must be 0 or 1, but points[${k}].y[${bad}] is ${labels[bad]}`);
    }
    return { xy: p.x.toTypedArray(), labels, test: p.test ?? false };
  });
}

/**
 * Renders the model's output over the domain with the points on top, as the playground does.
 * `predict` gets raw (x1, x2) coordinates, (M, 2) float32, and returns M values ((M,) or (M, 1)):
 * P(class 1) for classification, the prediction for regression. It runs under noGrad().
 * Train points are filled with their label's colour and a darker rim; test points get a black rim.
 */
export function decisionBoundaryImage(
  predict: (grid: Tensor) => Tensor,
  points: readonly BoundaryPoints[] = [],
  opts: DecisionBoundaryOptions = {},
): RgbaImage {
  const o = checkOptions(opts);
  const pts = readPoints(points, o.task);
  const g = o.resolution;
  const grid = gridPoints(o.domain, g); // (G*G, 2)
  const out = noGrad(() => predict(grid));
  if (!(out instanceof Tensor)) throw new TypeError(`${FN}: predict must return a Tensor, got ${typeof out}`);
  if (out.numel() !== g * g || !(out.ndim === 1 || (out.ndim === 2 && out.shape[1] === 1))) {
    throw new RangeError(`${FN}: predict returned shape ${shapeStr(out.shape)} for a grid of ${g * g} points, expected (${g * g},) or (${g * g}, 1)`);
  }
  const values = out.toTypedArray();

  // map model outputs and labels to the colour scale's [-1, 1]
  let toScale: (v: number) => number;
  if (o.task === 'classification') toScale = (p) => 2 * p - 1;
  else {
    let [lo, hi] = o.valueRange ?? [0, 0];
    if (!o.valueRange) {
      let m = 0;
      const source: ArrayLike<number>[] = pts.length ? pts.map((p) => p.labels) : [values];
      for (const arr of source) for (let i = 0; i < arr.length; i++) if (Number.isFinite(arr[i]!)) m = Math.max(m, Math.abs(arr[i]!));
      [lo, hi] = m > 0 ? [-m, m] : [-1, 1];
    }
    const mid = (lo + hi) / 2;
    const half = (hi - lo) / 2;
    toScale = (v) => (v - mid) / half;
  }

  const size = o.size;
  const c = new Canvas(size, size);
  // bilinear interpolation between grid samples (sample (r, col) sits at pixel ((col + 0.5) * size / G))
  const at = (r: number, col: number): number => values[Math.min(g - 1, Math.max(0, r)) * g + Math.min(g - 1, Math.max(0, col))]!;
  for (let py = 0; py < size; py++) {
    const v = ((py + 0.5) / size) * g - 0.5;
    const r0 = Math.floor(v);
    const fy = v - r0;
    for (let px = 0; px < size; px++) {
      const u = ((px + 0.5) / size) * g - 0.5;
      const c0 = Math.floor(u);
      const fx = u - c0;
      const val = (at(r0, c0) * (1 - fx) + at(r0, c0 + 1) * fx) * (1 - fy) + (at(r0 + 1, c0) * (1 - fx) + at(r0 + 1, c0 + 1) * fx) * fy;
      c.blend(px, py, lighten(divergingColor(toScale(val)), FIELD_LIGHTEN));
    }
  }

  const [lo, hi] = o.domain;
  const toPx = (v: number): number => ((v - lo) / (hi - lo)) * size;
  const toPy = (v: number): number => ((hi - v) / (hi - lo)) * size;
  // train points first, so test points stay visible on top
  for (const p of [...pts.filter((q) => !q.test), ...pts.filter((q) => q.test)]) {
    for (let i = 0; i < p.labels.length; i++) {
      const x = toPx(p.xy[2 * i]!);
      const y = toPy(p.xy[2 * i + 1]!);
      const fill = divergingColor(o.task === 'classification' ? 2 * p.labels[i]! - 1 : toScale(p.labels[i]!));
      c.fillCircle(x, y, o.pointRadius, fill);
      if (p.test) c.strokeCircle(x, y, o.pointRadius, [0, 0, 0], 1);
      else c.strokeCircle(x, y, o.pointRadius, darken(fill, 0.45), 1);
    }
  }
  return { width: size, height: size, rgba: c.rgba };
}

/** Renders with decisionBoundaryImage and writes a PNG; returns the image. */
export function writeDecisionBoundary(
  path: string,
  predict: (grid: Tensor) => Tensor,
  points: readonly BoundaryPoints[] = [],
  opts: DecisionBoundaryOptions = {},
): RgbaImage {
  const img = decisionBoundaryImage(predict, points, opts);
  writePng(path, img.width, img.height, img.rgba);
  return img;
}

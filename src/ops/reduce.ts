// Reductions over dimensions (keepdim as in PyTorch) and their gradients.
import type { ReduceOp } from '../backend/kernels.js';
import { Tensor } from '../tensor/tensor.js';
import { isFloat } from '../tensor/dtype.js';
import { normAxes, normAxis, numel, sameShape, shapeStr } from '../tensor/shape.js';
import { record } from './record.js';
import { kernels } from './util.js';
import { add, div, eq, mul, sqrt, sub, where } from './elementwise.js';
import { expand, reshape } from './view.js';
import { checkBoolean, checkNumber, checkOptions } from '../util/options.js';

const VAR_KEYS = ['correction', 'keepdim'];

export type Dims = number | readonly number[] | undefined;

function reducedShape(shape: readonly number[], axes: readonly number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

function reduceRaw(op: ReduceOp, x: Tensor, axes: number[], keepdim: boolean, outDType = x.dtype): Tensor {
  const out = Tensor.empty(reducedShape(x.shape, axes, keepdim), outDType);
  kernels().reduce(op, x.kernelView(), axes, out.storage);
  return out;
}

/** g (reduced over `axes`, with or without keepdim) broadcast back to `shape`. */
function expandBack(g: Tensor, shape: readonly number[], axes: number[], keepdim: boolean): Tensor {
  const kept = keepdim ? g : reshape(g, ...reducedShape(shape, axes, true));
  return expand(kept, ...shape);
}

export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (typeof keepdim !== 'boolean') checkBoolean('sum', 'keepdim', keepdim);
  const axes = normAxes('sum', dim, x.ndim);
  const dt = x.dtype === 'bool' ? 'int32' : x.dtype;
  return record(reduceRaw('sum', x, axes, keepdim, dt), 'Sum', [x], (g) => [expandBack(g, x.shape, axes, keepdim)]);
}

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (typeof keepdim !== 'boolean') checkBoolean('mean', 'keepdim', keepdim);
  const axes = normAxes('mean', dim, x.ndim);
  if (!isFloat(x.dtype)) throw new TypeError(`mean: expected a floating point tensor, got ${x.dtype} (cast with .to('float32'))`);
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
  return div(sum(x, axes, keepdim), count);
}

export function prod(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (typeof keepdim !== 'boolean') checkBoolean('prod', 'keepdim', keepdim);
  const axes = normAxes('prod', dim, x.ndim);
  const out = reduceRaw('prod', x, axes, keepdim);
  // d/dx_i prod = prod / x_i (inputs with zeros need care; this matches PyTorch away from zeros)
  return record(out, 'Prod', [x], (g) => [div(mul(expandBack(g, x.shape, axes, keepdim), expandBack(out, x.shape, axes, keepdim)), x)]);
}

function extremum(op: 'max' | 'min', x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  if (typeof keepdim !== 'boolean') checkBoolean(op, 'keepdim', keepdim);
  const axes = normAxes(op, dim, x.ndim);
  if (x.numel() === 0) throw new RangeError(`${op}: cannot reduce an empty tensor of shape ${shapeStr(x.shape)}`);
  const out = reduceRaw(op, x, axes, keepdim);
  return record(out, op === 'max' ? 'Max' : 'Min', [x], (g) => {
    // the gradient goes to the extreme elements, split evenly between ties (as torch.amax)
    const hit = eq(x, expandBack(out, x.shape, axes, keepdim));
    const mask = where(hit, 1, 0).to(g.dtype);
    const count = sum(mask, axes, true);
    return [mul(div(mask, count), expandBack(g, x.shape, axes, keepdim))];
  });
}

/** Maximum over dims (all when omitted). */
export function max(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return extremum('max', x, dim, keepdim);
}

export function min(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return extremum('min', x, dim, keepdim);
}

function argExtremum(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  if (typeof keepdim !== 'boolean') checkBoolean(op, 'keepdim', keepdim);
  if (x.numel() === 0) throw new RangeError(`${op}: cannot reduce an empty tensor`);
  if (dim === undefined) return argExtremum(op, reshape(x, -1), 0, false);
  const axis = normAxis(op, dim, x.ndim);
  return reduceRaw(op, x, [axis], keepdim, 'int32');
}

/** Index of the maximum along dim (of the flattened tensor when dim is omitted), int32. */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum('argmax', x, dim, keepdim);
}

export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum('argmin', x, dim, keepdim);
}

/** Variance with Bessel's correction by default (correction = 1), as torch.var. */
export function variance(x: Tensor, dim?: Dims, opts: { correction?: number; keepdim?: boolean } = {}): Tensor {
  checkOptions('var', opts, VAR_KEYS);
  if (opts.correction !== undefined) checkNumber('var', 'correction', opts.correction);
  if (opts.keepdim !== undefined) checkBoolean('var', 'keepdim', opts.keepdim);
  const axes = normAxes('var', dim, x.ndim);
  const n = axes.reduce((k, a) => k * x.shape[a]!, 1);
  const correction = opts.correction ?? 1;
  const centered = sub(x, mean(x, axes, true));
  return div(sum(mul(centered, centered), axes, opts.keepdim ?? false), Math.max(0, n - correction));
}

export function std(x: Tensor, dim?: Dims, opts: { correction?: number; keepdim?: boolean } = {}): Tensor {
  checkOptions('std', opts, VAR_KEYS);
  return sqrt(variance(x, dim, opts));
}

/** log(sum(exp(x))) over dims, stable. */
export function logsumexp(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (typeof keepdim !== 'boolean') checkBoolean('logsumexp', 'keepdim', keepdim);
  const axes = normAxes('logsumexp', dim, x.ndim);
  const m = max(x, axes, true).detach();
  const finite = where(eq(m, Infinity), 0, where(eq(m, -Infinity), 0, m));
  const s = sum(sub(x, finite).exp(), axes, true).log();
  const out = add(s, finite);
  return keepdim ? out : reshape(out, ...reducedShape(x.shape, axes, false));
}

/** Sums g down to `shape` (the inverse of broadcasting), for gradients of broadcast ops. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length ? sum(g, axes, true) : g;
  return numel(s.shape) === numel(shape) ? reshape(s, ...shape) : s;
}

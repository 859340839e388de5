// softmax and logSoftmax along a dim. The kernel works on rows of the last axis; other dims are
// moved there first.
import { type Tensor, uninitializedTensor } from '../tensor/tensor.js';
import { normAxis } from '../tensor/shape.js';
import { record } from './record.js';
import { kernels, requireFloat } from './util.js';
import { mul, sub, exp } from './elementwise.js';
import { sum } from './reduce.js';
import { contiguous, movedim } from './view.js';
import { numberOption } from '../util/options.js';

function rowsRaw(x: Tensor, dim: number, log: boolean): Tensor {
  const last = x.ndim === 0 ? 0 : x.ndim - 1;
  const moved = dim === last ? x : movedim(x, dim, last);
  const c = contiguous(moved);
  const cols = x.ndim === 0 ? 1 : c.shape[last]!;
  const out = uninitializedTensor(c.shape, x.dtype);
  kernels().softmax(c.toTypedArray(), { rows: cols === 0 ? 0 : c.numel() / cols, cols, log }, out.storage);
  return dim === last ? out : contiguous(movedim(out, last, dim));
}

export function softmax(x: Tensor, dim: number | { dim?: number } = -1): Tensor {
  if (typeof dim !== 'number') dim = numberOption('softmax', 'dim', dim, -1); // also {dim}
  requireFloat('softmax', x);
  const d = normAxis('softmax', dim, x.ndim);
  const y = rowsRaw(x.detach(), d, false);
  // dx = y * (g - sum(g * y))
  return record(y, 'Softmax', [x], (g) => [mul(y, sub(g, sum(mul(g, y), d, true)))]);
}

export function logSoftmax(x: Tensor, dim: number | { dim?: number } = -1): Tensor {
  if (typeof dim !== 'number') dim = numberOption('logSoftmax', 'dim', dim, -1); // also {dim}
  requireFloat('logSoftmax', x);
  const d = normAxis('logSoftmax', dim, x.ndim);
  const y = rowsRaw(x.detach(), d, true);
  // dx = g - softmax * sum(g)
  return record(y, 'LogSoftmax', [x], (g) => [sub(g, mul(exp(y), sum(g, d, true)))]);
}

// TensorDataset: rows of equally long tensors, as torch.utils.data.TensorDataset.
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import { indexSelect, select } from '../ops/index.js';
import { normalizeIndex, type BatchedDataset } from './dataset.js';
import { describe } from '../util/options.js';

export class TensorDataset implements BatchedDataset<Tensor[], Tensor[]> {
  readonly tensors: readonly Tensor[];
  readonly length: number;

  constructor(...tensors: Tensor[]) {
    if (!tensors.length) throw new RangeError('TensorDataset: expected at least one tensor');
    tensors.forEach((t, k) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${k} must be a Tensor, got ${describe(t)}`);
      if (t.ndim === 0) throw new RangeError(`TensorDataset: tensor ${k} is a scalar (shape ()), expected at least one dimension to index rows`);
    });
    const n = tensors[0]!.shape[0]!;
    const bad = tensors.findIndex((t) => t.shape[0] !== n);
    if (bad >= 0) {
      throw new RangeError(
        `TensorDataset: all tensors must have the same size in dimension 0, got shapes ${tensors.map((t) => shapeStr(t.shape)).join(', ')} (tensor ${bad} has ${tensors[bad]!.shape[0]} rows, tensor 0 has ${n})`,
      );
    }
    this.tensors = Object.freeze([...tensors]);
    this.length = n;
  }

  /** The i-th row of every tensor (views, no copy). */
  get(i: number): Tensor[] {
    const j = normalizeIndex('TensorDataset.get', i, this.length);
    return this.tensors.map((t) => select(t, 0, j));
  }

  /** The rows at `indices` of every tensor, (B, ...rest), gathered in one pass per tensor. */
  getBatch(indices: Int32Array): Tensor[] {
    const idx = indices.map((i) => normalizeIndex('TensorDataset.getBatch', i, this.length));
    return this.tensors.map((t) => gatherRows(t, idx));
  }
}

/**
 * Rows of t by index. A contiguous tensor that needs no gradient has its rows copied as whole
 * blocks (a memcpy each, much faster than an element-wise gather); otherwise indexSelect, which
 * handles any strides and records the op for autograd.
 */
function gatherRows(t: Tensor, idx: Int32Array): Tensor {
  if (t.requiresGrad || !t.isContiguous()) return indexSelect(t, 0, tensor(idx, { dtype: 'int32' }));
  const rowSize = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = Tensor.empty([idx.length, ...t.shape.slice(1)], t.dtype);
  for (let b = 0; b < idx.length; b++) {
    const start = t.offset + idx[b]! * rowSize;
    out.storage.set(t.storage.subarray(start, start + rowSize), b * rowSize);
  }
  return out;
}

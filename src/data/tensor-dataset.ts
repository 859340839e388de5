// TensorDataset: rows of equally long tensors, as torch.utils.data.TensorDataset.
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import { indexSelect, select } from '../ops/index.js';
import { normalizeIndex, type BatchedDataset } from './dataset.js';

export class TensorDataset implements BatchedDataset<Tensor[], Tensor[]> {
  readonly tensors: readonly Tensor[];
  readonly length: number;

  constructor(...tensors: Tensor[]) {
    if (!tensors.length) throw new RangeError('TensorDataset: expected at least one tensor');
    tensors.forEach((t, k) => {
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

  /** The rows at `indices` of every tensor, gathered in one indexSelect each: (B, ...rest). */
  getBatch(indices: Int32Array): Tensor[] {
    const idx = tensor(indices.map((i) => normalizeIndex('TensorDataset.getBatch', i, this.length)), { dtype: 'int32' });
    return this.tensors.map((t) => indexSelect(t, 0, idx));
  }
}

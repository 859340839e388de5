// Embedding lookup (a row gather) and its backward (a row scatter-add), with ids checked.
import type { View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { forEachRow } from './strided.js';

/** Calls visit(id, i) for the ids of a view in row-major order. */
function eachId(ids: View, visit: (id: number, i: number) => void): void {
  const s = ids.strides.length ? ids.strides[ids.strides.length - 1]! : 0;
  let i = 0;
  forEachRow(ids.shape, [ids], (offs, n) => {
    let o = offs[0]!;
    for (let j = 0; j < n; j++, o += s) visit(ids.data[o]!, i++);
  });
}

export function embedding(weight: TypedArray, rows: number, cols: number, ids: View, out: TypedArray): void {
  eachId(ids, (id, i) => {
    if (!(id >= 0 && id < rows)) throw new RangeError(`embedding: index ${id} at position ${i} is out of range for an embedding of ${rows} rows`);
    const src = id * cols,
      dst = i * cols;
    for (let c = 0; c < cols; c++) out[dst + c] = weight[src + c]!;
  });
}

export function embeddingBackward(dy: TypedArray, ids: View, rows: number, cols: number, paddingIdx: number, dweight: TypedArray): void {
  eachId(ids, (id, i) => {
    if (!(id >= 0 && id < rows)) throw new RangeError(`embeddingBackward: index ${id} at position ${i} is out of range for an embedding of ${rows} rows`);
    if (id === paddingIdx) return;
    const dst = id * cols,
      src = i * cols;
    for (let c = 0; c < cols; c++) dweight[dst + c] += dy[src + c]!;
  });
}

// Strided test views for the backend conformance suites: the same values reached through a
// contiguous array, a permuted parent, or every other element of a larger parent.
import type { View } from '../../src/backend/kernels.js';
import { allocate, type DType } from '../../src/tensor/dtype.js';
import { contiguousStrides, numel } from '../../src/tensor/shape.js';

export type Layout = 'contiguous' | 'permuted' | 'sliced';

/**
 * A view of `shape` filled by `fill`: contiguous; 'permuted', a parent with its axes reversed
 * (`permutation: 'reverse'`) or its last two swapped ('swapLast'); or 'sliced', every other element
 * of a parent twice as large plus one in every dimension, starting at 1.
 */
export function randomView(shape: number[], dtype: DType, layout: Layout, fill: () => number, permutation: 'reverse' | 'swapLast' = 'reverse'): View {
  const n = shape.length;
  if (layout === 'permuted' && n >= 2) {
    const order = shape.map((_, d) => d);
    if (permutation === 'reverse') order.reverse();
    else [order[n - 2], order[n - 1]] = [order[n - 1]!, order[n - 2]!];
    const ps = contiguousStrides(order.map((d) => shape[d]!)); // the parent's axis i is our axis order[i]
    const strides = new Array<number>(n);
    order.forEach((d, i) => {
      strides[d] = ps[i]!;
    });
    return { data: filled(dtype, numel(shape), fill), dtype, offset: 0, shape, strides };
  }
  if (layout === 'sliced') {
    const ps = contiguousStrides(shape.map((d) => 2 * d + 1));
    return {
      data: filled(dtype, numel(shape.map((d) => 2 * d + 1)), fill),
      dtype,
      offset: ps.reduce((a, b) => a + b, 0),
      shape,
      strides: ps.map((s) => 2 * s),
    };
  }
  return { data: filled(dtype, numel(shape), fill), dtype, offset: 0, shape, strides: contiguousStrides(shape) };
}

function filled(dtype: DType, n: number, fill: () => number) {
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = fill();
  return data;
}

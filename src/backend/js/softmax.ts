// Softmax and log-softmax over rows, max-shifted so large logits never overflow.
import type { SoftmaxParams } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';

export function softmax(x: TypedArray, { rows, cols, log }: SoftmaxParams, out: TypedArray): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) {
      const v = x[base + c]!;
      if (v > max) max = v;
    }
    if (max === -Infinity) max = 0; // a row of -inf gives NaN as in PyTorch, not a shift by -inf
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(x[base + c]! - max);
    if (log) {
      const lse = max + Math.log(sum);
      for (let c = 0; c < cols; c++) out[base + c] = x[base + c]! - lse;
    } else {
      for (let c = 0; c < cols; c++) out[base + c] = Math.exp(x[base + c]! - max) / sum;
    }
  }
}

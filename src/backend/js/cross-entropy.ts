// Fused cross-entropy (log-softmax + NLL) for the js backend: one pass over each row of logits for
// the loss, one for the gradient, instead of the half-dozen ops of logSoftmax → gather → mean.
import type { TypedArray } from '../../tensor/dtype.js';

export function crossEntropyForward(
  logits: TypedArray,
  target: Int32Array,
  rows: number,
  cols: number,
  ignoreIndex: number,
  losses: TypedArray,
  lse: TypedArray,
): void {
  for (let r = 0; r < rows; r++) {
    const t = target[r]!;
    if (t !== ignoreIndex && (t < 0 || t >= cols)) {
      throw new RangeError(`crossEntropy: target ${t} at position ${r} is out of range for ${cols} classes`);
    }
  }
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) {
      const v = logits[base + c]!;
      if (v > max) max = v;
    }
    if (max === -Infinity) max = 0; // a row of -inf gives NaN, as in PyTorch
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(logits[base + c]! - max);
    const v = max + Math.log(sum);
    lse[r] = v;
    const t = target[r]!;
    losses[r] = t === ignoreIndex ? 0 : v - logits[base + t]!;
  }
}

export function crossEntropyBackward(
  logits: TypedArray,
  target: Int32Array,
  lse: TypedArray,
  scale: TypedArray,
  rows: number,
  cols: number,
  ignoreIndex: number,
  grad: TypedArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const t = target[r]!;
    if (t === ignoreIndex || t < 0 || t >= cols) {
      grad.fill(0, base, base + cols);
      continue;
    }
    const l = lse[r]!,
      s = scale[r]!;
    for (let c = 0; c < cols; c++) grad[base + c] = s * Math.exp(logits[base + c]! - l);
    grad[base + t] = s * (Math.exp(logits[base + t]! - l) - 1);
  }
}

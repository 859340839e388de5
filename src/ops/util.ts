// Helpers shared by the ops: scalars as tensors, dtype rules, broadcast views.
import { getBackend } from '../backend/registry.js';
import type { Kernels, View } from '../backend/kernels.js';
import { Tensor } from '../tensor/tensor.js';
import { isFloat, promoteTypes, type DType } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { describe } from '../util/options.js';

export type TensorLike = Tensor | number;

export function kernels(): Kernels {
  return getBackend().kernels;
}

/** The dtype of an op between two operands: a plain number never widens a tensor's float dtype. */
export function resultDType(a: TensorLike, b: TensorLike): DType {
  if (a instanceof Tensor && b instanceof Tensor) return promoteTypes(a.dtype, b.dtype);
  const t = (a instanceof Tensor ? a : b) as Tensor | number;
  const n = (a instanceof Tensor ? b : a) as number | Tensor;
  if (!(t instanceof Tensor)) return 'float32';
  if (typeof n === 'number' && !isFloat(t.dtype) && !Number.isInteger(n)) return 'float32';
  if (typeof n === 'number' && t.dtype === 'bool' && n !== 0 && n !== 1) return 'int32';
  return t.dtype;
}

/** A tensor of `dtype` for x: a 0-d tensor for a number, a cast copy for a tensor of another dtype. */
export function asTensor(x: TensorLike, dtype: DType): Tensor {
  if (x instanceof Tensor) return x.dtype === dtype ? x : x.to(dtype);
  if (typeof x !== 'number' && typeof x !== 'boolean') throw new TypeError(`expected a Tensor or a number, got ${describe(x)}`);
  const t = Tensor.empty([], dtype);
  t.storage[0] = x;
  return t;
}

/** The kernel view of t broadcast to `shape` (leading dims added, size-1 dims given stride 0). */
export function broadcastView(t: Tensor, shape: readonly number[]): View {
  const n = shape.length;
  const strides = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const d = i - (n - t.ndim);
    if (d < 0) {
      strides[i] = 0;
      continue;
    }
    const size = t.shape[d]!;
    if (size === shape[i]) strides[i] = size === 1 ? 0 : t.strides[d]!;
    else if (size === 1) strides[i] = 0;
    else throw new RangeError(`broadcast: cannot broadcast shape ${shapeStr(t.shape)} to ${shapeStr(shape)}`);
  }
  return { data: t.storage, dtype: t.dtype, offset: t.offset, shape, strides };
}

export function requireFloat(op: string, t: Tensor): void {
  if (!isFloat(t.dtype)) throw new TypeError(`${op}: expected a floating point tensor, got ${t.dtype}`);
}

export function requireDType(op: string, t: Tensor, dtypes: readonly DType[], what = 'input'): void {
  if (!dtypes.includes(t.dtype)) throw new TypeError(`${op}: ${what} must have dtype ${dtypes.join(' or ')}, got ${t.dtype}`);
}

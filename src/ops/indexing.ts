// Indexing with index tensors: gather, indexSelect, scatterAdd, maskedFill, oneHot.
import { Tensor } from '../tensor/tensor.js';
import { normAxis, shapeStr } from '../tensor/shape.js';
import { zeros } from '../tensor/creation.js';
import { record } from './record.js';
import { broadcastView, kernels, requireDType } from './util.js';
import { where } from './elementwise.js';
import { expand, reshape } from './view.js';
import { checkDtype, checkNumber, NON_NEGATIVE_INTEGER } from '../util/options.js';

/** out[i][j] = x[index[i][j]][j] (dim 0), PyTorch's gather; index is int32 with x's rank. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  requireDType('gather', index, ['int32'], 'index');
  const d = normAxis('gather', dim, x.ndim);
  if (index.ndim !== x.ndim) throw new RangeError(`gather: index ${shapeStr(index.shape)} must have as many dimensions as the input ${shapeStr(x.shape)}`);
  index.shape.forEach((s, i) => {
    if (i !== d && s > x.shape[i]!)
      throw new RangeError(`gather: index ${shapeStr(index.shape)} is larger than the input ${shapeStr(x.shape)} in dimension ${i}`);
  });
  const out = Tensor.empty(index.shape, x.dtype);
  kernels().gather(x.kernelView(), index.kernelView(), { axis: d }, out.storage);
  return record(out, 'Gather', [x], (g) => [scatterAdd(zeros(x.shape, { dtype: g.dtype }), d, index, g)]);
}

/** A copy of `base` with src added at the positions index gives along dim (differentiable in base and src). */
export function scatterAdd(base: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  requireDType('scatterAdd', index, ['int32'], 'index');
  const d = normAxis('scatterAdd', dim, base.ndim);
  if (index.ndim !== base.ndim || src.ndim !== base.ndim) {
    throw new RangeError(
      `scatterAdd: index ${shapeStr(index.shape)}, src ${shapeStr(src.shape)} and input ${shapeStr(base.shape)} must have the same number of dimensions`,
    );
  }
  const out = Tensor.empty(base.shape, base.dtype);
  kernels().copy(base.kernelView(), out.kernelView());
  const s = src.dtype === base.dtype ? src : src.to(base.dtype);
  kernels().scatterAdd(index.kernelView(), broadcastView(s, index.shape), { axis: d, outShape: out.shape }, out.storage);
  return record(out, 'ScatterAdd', [base, s], (g) => [g, s.requiresGrad ? gather(g, d, index) : null]);
}

/** Rows (or slices along dim) of x picked by a 1-D int32 index, as torch.index_select. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  requireDType('indexSelect', index, ['int32'], 'index');
  if (index.ndim !== 1) throw new RangeError(`indexSelect: index must be 1-D, got ${shapeStr(index.shape)}`);
  const d = normAxis('indexSelect', dim, x.ndim);
  // an index spread over the other dims by stride 0: gather does the rest
  const shape = x.shape.map((s, i) => (i === d ? index.shape[0]! : s));
  const idx = expand(reshape(index, ...x.shape.map((_, i) => (i === d ? index.shape[0]! : 1))), ...shape);
  return gather(x, d, idx);
}

/** x with value where mask is true (mask broadcasts). */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  if (typeof value !== 'boolean') checkNumber('maskedFill', 'value', value);
  requireDType('maskedFill', mask, ['bool'], 'mask');
  return where(mask, value, x);
}

/** One-hot rows (int32 classes -> float32 by default). */
export function oneHot(classes: Tensor, numClasses: number, dtype: 'float32' | 'float64' | 'int32' = 'float32'): Tensor {
  checkNumber('oneHot', 'numClasses', numClasses, NON_NEGATIVE_INTEGER);
  checkDtype('oneHot', dtype);
  requireDType('oneHot', classes, ['int32'], 'classes');
  const flat = classes.toTypedArray();
  const out = zeros([...classes.shape, numClasses], { dtype });
  for (let i = 0; i < flat.length; i++) {
    const c = flat[i]!;
    if (c < 0 || c >= numClasses) throw new RangeError(`oneHot: class ${c} is out of range for ${numClasses} classes`);
    out.storage[i * numClasses + c] = 1;
  }
  return out;
}

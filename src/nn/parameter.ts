// Parameter: a tensor a Module owns and an optimizer updates. It always has its own contiguous
// storage, so optimizers can update it in place with one fused kernel call.
import { Tensor } from '../tensor/tensor.js';
import { isFloat } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { formatTensor } from '../tensor/print.js';

export class Parameter extends Tensor {
  /**
   * Wraps `data` as a leaf that requires grad. Like PyTorch, the storage is shared when `data`
   * already owns exactly its elements (a fresh tensor); a view is copied into its own storage.
   */
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new TypeError(`Parameter: expected a Tensor, got ${typeof data}`);
    if (!isFloat(data.dtype)) {
      throw new TypeError(`Parameter: only floating point tensors can be parameters, got ${data.dtype} of shape ${shapeStr(data.shape)}`);
    }
    super(data.toTypedArray(), data.dtype, data.shape);
    this.requiresGrad = requiresGrad;
  }

  override toString(): string {
    return `Parameter containing:\n${formatTensor(this)}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

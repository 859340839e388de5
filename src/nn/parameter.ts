// Parameter: a tensor a Module owns and an optimizer updates. It always has its own contiguous
// storage, so optimizers can update it in place with one fused kernel call.
import { Tensor } from '../tensor/tensor.js';
import { isFloat, type DType, type TypedArray } from '../tensor/dtype.js';
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
    super(isMeta(data) ? data.storage : data.toTypedArray(), data.dtype, data.shape);
    this.requiresGrad = requiresGrad;
  }

  override toString(): string {
    if (isMeta(this)) return `Parameter(meta, shape ${shapeStr(this.shape)}, ${this.dtype})`;
    return `Parameter containing:\n${formatTensor(this)}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

// ---- meta parameters: a shape and a dtype, no storage (PyTorch's device='meta') ----

/** The zero-length storages that mark meta tensors, one per floating dtype. */
const META_STORAGE: Partial<Record<DType, TypedArray>> = { float32: new Float32Array(0), float64: new Float64Array(0) };
let metaBuilds = 0;

/**
 * Runs `build` with every parameter the layers create on the meta path: each has its shape and
 * dtype but no storage, and the initializers (nn.init) skip it, so a model's parameters can be
 * counted and listed without allocating or filling them (`deepts params vgg16`). Buffers are
 * allocated as usual. A model built this way has no weights: count it, don't run it.
 */
export function withMetaParameters<T>(build: () => T): T {
  metaBuilds++;
  try {
    return build();
  } finally {
    metaBuilds--;
  }
}

/** Whether t is a meta tensor (or a view of one): a shape without storage. */
export function isMeta(t: Tensor): boolean {
  return t.storage === META_STORAGE[t.dtype];
}

/**
 * A new parameter of `shape`, zero-filled; inside withMetaParameters() a meta one. Layers create
 * their parameters through this, then initialize them with nn.init.
 */
export function emptyParameter(shape: readonly number[], dtype: DType = 'float32'): Parameter {
  const storage = metaBuilds > 0 && shape.every((d) => Number.isInteger(d) && d >= 0) ? META_STORAGE[dtype] : undefined;
  return new Parameter(storage ? new Tensor(storage, dtype, shape) : Tensor.empty(shape, dtype));
}

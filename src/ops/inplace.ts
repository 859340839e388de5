// In-place writes into a tensor's storage. They are not recorded by autograd, so on a leaf that
// requires grad they are only allowed inside noGrad() (as in PyTorch).
import { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { broadcastView, kernels, asTensor } from './util.js';
import { shapeStr } from '../tensor/shape.js';
import { describe } from '../util/options.js';

function checkWritable(op: string, t: Tensor): void {
  if (t.requiresGrad && isGradEnabled()) {
    throw new Error(`${op}: a tensor that requires grad cannot be modified in place outside noGrad()`);
  }
}

/** Copies src (broadcast to t's shape, cast to t's dtype) into t. */
export function copy_(t: Tensor, src: Tensor | number): Tensor {
  checkWritable('copy_', t);
  if (!(src instanceof Tensor) && typeof src !== 'number' && typeof src !== 'boolean')
    throw new TypeError(`copy_/fill_: the source must be a Tensor or a number, got ${describe(src)}`);
  const s = asTensor(src, t.dtype);
  try {
    kernels().copy(broadcastView(s, t.shape), t.kernelView());
  } catch (_e) {
    throw new RangeError(`copy_: source ${shapeStr(s.shape)} cannot be broadcast to the destination ${shapeStr(t.shape)}`);
  }
  return t;
}

export function fill_(t: Tensor, value: number): Tensor {
  return copy_(t, value);
}

export function zero_(t: Tensor): Tensor {
  return copy_(t, 0);
}

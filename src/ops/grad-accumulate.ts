// The arithmetic the autograd engine needs to sum the gradients reaching one tensor, as kernels
// (autograd itself has no ops). A buffer the engine made (a materialized region, a sum) is owned by
// it until the tensor's turn comes, so later gradients are added into it in place.
import { Tensor } from '../tensor/tensor.js';
import type { RegionGrad } from '../autograd/node.js';
import { kernels } from './util.js';

/** A full tensor of zeros with r.value at its region. */
export function materializeRegion(r: RegionGrad): Tensor {
  const full = Tensor.empty(r.shape, r.value.dtype);
  full.storage.fill(0);
  kernels().copy(r.value.view_(), regionOf(full, r).view_());
  return full;
}

/** acc += g, in place; acc is contiguous (offset 0) and owned by the engine. Returns false when it cannot (dtypes differ). */
export function addInto(acc: Tensor, g: Tensor | RegionGrad): boolean {
  const value = g instanceof Tensor ? g : g.value;
  if (value.dtype !== acc.dtype) return false;
  if (g instanceof Tensor) {
    // elementwise: each element is read before its own slot is written, so out may alias a
    kernels().binary('add', acc.view_(), g.view_(), acc.storage);
    return true;
  }
  const target = regionOf(acc, g);
  const sum = Tensor.empty(value.shape, value.dtype);
  kernels().binary('add', target.view_(), value.view_(), sum.storage);
  kernels().copy(sum.view_(), target.view_());
  return true;
}

function regionOf(full: Tensor, r: RegionGrad): Tensor {
  return new Tensor(full.storage, full.dtype, r.value.shape, r.strides, r.offset);
}

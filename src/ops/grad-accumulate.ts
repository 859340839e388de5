// The arithmetic the autograd engine needs to sum the gradients reaching one tensor, as kernels
// (autograd itself has no ops). A buffer the engine made (a materialized region, a sum) is owned by
// it until the tensor's turn comes, so later gradients are added into it in place. When the
// backward pass is recorded (createGraph) the engine adds with ops instead, and a materialized
// region is recorded too: its backward is the region of the incoming gradient.
import { Tensor } from '../tensor/tensor.js';
import { RegionGrad } from '../autograd/node.js';
import { kernels } from './util.js';
import { record } from './record.js';
import { contiguous } from './view.js';

/** A full tensor of zeros with r.value at its region. */
export function materializeRegion(r: RegionGrad): Tensor {
  const full = Tensor.empty(r.shape, r.value.dtype);
  full.storage.fill(0);
  kernels().copy(r.value.kernelView(), regionOf(full, r).kernelView());
  return record(full, 'SliceGrad', [r.value], (g) => [regionView(g, r)]);
}

/** r's region of g (shaped like r's full tensor) as a recorded view. */
function regionView(g: Tensor, r: RegionGrad): Tensor {
  const c = contiguous(g);
  const out = new Tensor(c.storage, c.dtype, r.value.shape, r.strides, c.offset + r.offset);
  return record(out, 'Slice', [c], (gg) => [new RegionGrad(gg, r.shape, r.strides, r.offset)]);
}

/** acc += g, in place; acc is contiguous (offset 0) and owned by the engine. Returns false when it cannot (dtypes differ). */
export function addInto(acc: Tensor, g: Tensor | RegionGrad): boolean {
  const value = g instanceof Tensor ? g : g.value;
  if (value.dtype !== acc.dtype) return false;
  if (g instanceof Tensor) {
    // elementwise: each element is read before its own slot is written, so out may alias a
    kernels().binary('add', acc.kernelView(), g.kernelView(), acc.storage);
    return true;
  }
  const target = regionOf(acc, g);
  const sum = Tensor.empty(value.shape, value.dtype);
  kernels().binary('add', target.kernelView(), value.kernelView(), sum.storage);
  kernels().copy(sum.kernelView(), target.kernelView());
  return true;
}

function regionOf(full: Tensor, r: RegionGrad): Tensor {
  return new Tensor(full.storage, full.dtype, r.value.shape, r.strides, r.offset);
}

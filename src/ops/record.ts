// Recording an op in the autograd graph. Each op calls record() right after its forward code,
// passing the backward function that sits next to it.
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { markRecorded, type RegionGrad } from '../autograd/node.js';

export function record(out: Tensor, name: string, inputs: readonly Tensor[], backward: (grad: Tensor) => readonly (Tensor | RegionGrad | null | undefined)[]): Tensor {
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.gradFn = markRecorded({ name, inputs, backward });
  }
  return out;
}

// Recording an op in the autograd graph. Each op calls record() right after its forward code,
// passing the backward function that sits next to it. A backward that calls fused kernels (not
// differentiable) also passes `composed`: the same forward written with differentiable ops, which
// the engine differentiates instead when backward() records itself (createGraph), or
// 'unsupported' to make such a pass raise.
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { markRecorded, type DoubleBackward, type RegionGrad } from '../autograd/node.js';

export function record(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  backward: (grad: Tensor) => readonly (Tensor | RegionGrad | null | undefined)[],
  composed: DoubleBackward | null = null,
): Tensor {
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.gradFn = markRecorded({ name, inputs, backward, composed, freed: false });
  }
  return out;
}

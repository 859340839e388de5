// Recording an op in the autograd graph. Each op calls record() right after its forward code,
// passing the backward function that sits next to it. A backward that calls fused kernels (not
// differentiable) also passes `composed`: the same forward written with differentiable ops, which
// the engine differentiates instead when backward() records itself (createGraph), or
// 'unsupported' to make such a pass raise.
//
// `scratch` lists storages the op allocated for its own use (intermediates its backward reads),
// never part of a tensor it returns and seen only by the built-in kernels, which keep nothing:
// when a backward pass frees the node, nothing else can read them and they are reused
// (tensor/storage-pool.ts); when nothing is recorded, they are dead as soon as the op returns.
import type { Tensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/dtype.js';
import { dtypeOfArray } from '../tensor/dtype.js';
import { recycle } from '../tensor/storage-pool.js';
import { builtinBackendActive } from '../backend/registry.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { markRecorded, type DoubleBackward, type GradNode, type RegionGrad } from '../autograd/node.js';
import { FREED_MESSAGE } from '../autograd/backward.js';

type Backward = (grad: Tensor) => readonly (Tensor | RegionGrad | null | undefined)[];

export function record(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  backward: Backward,
  composed: DoubleBackward | null = null,
  scratch: readonly TypedArray[] | null = null,
): Tensor {
  // a registered backend saw the scratch arrays and may have kept them: leave them to the collector
  const reusable = scratch && scratch.length > 0 && builtinBackendActive() ? scratch : null;
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    const node: GradNode = { name, inputs, backward, composed, freed: false, scratch: reusable };
    // a backward kept from before the node was freed must not read scratch reused since
    if (reusable)
      node.backward = (g) => {
        if (node.freed) throw new Error(`${name}: ${FREED_MESSAGE}`);
        return backward(g);
      };
    out.gradFn = markRecorded(node);
  } else if (reusable) for (const a of reusable) recycle(a, dtypeOfArray(a));
  return out;
}

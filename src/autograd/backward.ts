// backward(): walks the recorded graph from the output back to the leaves in reverse topological
// order, applying each node's gradient function (the chain rule) and accumulating into .grad.
import type { Tensor } from '../tensor/tensor.js';
import { shapeStr, sameShape } from '../tensor/shape.js';
import { noGrad } from './grad-mode.js';
import { RegionGrad, isRecorded } from './node.js';
import { dtypeOfArray, type TypedArray } from '../tensor/dtype.js';
import { recycle, trackAllocations } from '../tensor/storage-pool.js';
import { builtinBackendActive } from '../backend/registry.js';

/** How gradients are summed; set by src/ops so autograd needs no op of its own. */
export type GradientArithmetic = {
  /** a + b, a new tensor. */
  add(a: Tensor, b: Tensor): Tensor;
  ones(t: Tensor): Tensor;
  /** A region gradient as a full (new, contiguous) tensor. */
  materialize(r: RegionGrad): Tensor;
  /** acc += g in place (acc contiguous and the engine's own); false when it cannot. */
  addInto(acc: Tensor, g: Tensor | RegionGrad): boolean;
};

const notLoaded = (): never => { throw new Error('autograd: ops are not loaded'); };
let arithmetic: GradientArithmetic = { add: notLoaded, ones: notLoaded, materialize: notLoaded, addInto: notLoaded };

export function setGradientArithmetic(a: GradientArithmetic): void {
  arithmetic = a;
}

function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // iterative DFS: deep graphs (long RNN unrolls) must not overflow the JS stack
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    const inputs = t.gradFn ? t.gradFn.inputs : [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const child = inputs[i]!;
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}

export function backward(root: Tensor, grad?: Tensor): void {
  if (!root.requiresGrad) {
    throw new Error('backward: the tensor does not require grad and has no gradFn (did you compute it inside noGrad(), or forget requiresGrad?)');
  }
  if (grad === undefined) {
    if (root.numel() !== 1) {
      throw new Error(`backward: grad can be implicitly created only for scalar outputs; the output has shape ${shapeStr(root.shape)}, pass a gradient of that shape`);
    }
    grad = arithmetic.ones(root);
  } else if (!sameShape(grad.shape, root.shape)) {
    throw new RangeError(`backward: gradient shape ${shapeStr(grad.shape)} does not match the output shape ${shapeStr(root.shape)}`);
  }
  const grads = new Map<Tensor, Tensor>([[root, grad]]);
  // sums the engine made itself: nothing else can see them until their tensor's turn, so the
  // gradients that arrive later are added into them in place
  const owned = new Set<Tensor>();
  const accumulate = (input: Tensor, gi: Tensor | RegionGrad): void => {
    const prev = grads.get(input);
    if (!prev) {
      if (gi instanceof RegionGrad) {
        const full = arithmetic.materialize(gi);
        owned.add(full);
        grads.set(input, full);
      } else grads.set(input, gi);
      return;
    }
    if (owned.has(prev) && arithmetic.addInto(prev, gi)) return;
    let sum: Tensor;
    if (gi instanceof RegionGrad) {
      sum = arithmetic.materialize(gi);
      if (!arithmetic.addInto(sum, prev)) sum = arithmetic.add(prev, sum);
    } else sum = arithmetic.add(prev, gi);
    owned.add(sum);
    grads.set(input, sum);
  };
  // Storages allocated from here on: once a node has passed its gradient on, those that no pending
  // gradient and no .grad refers to are its temporaries and its spent gradient, and are reused.
  // Not while a registered backend runs the kernels (it sees every array and may keep any), and
  // never what a node the ops did not record is given or allocates (user code may keep it).
  const pooling = builtinBackendActive();
  const fresh = new Set<TypedArray>();
  const kept = new Set<TypedArray>();
  const recycleDead = (): void => {
    const live = new Set<TypedArray>(kept);
    for (const v of grads.values()) live.add(v.storage);
    for (const a of fresh) {
      if (live.has(a)) continue;
      fresh.delete(a);
      recycle(a, dtypeOfArray(a));
    }
  };
  const outer = trackAllocations(pooling ? fresh : null);
  try {
    noGrad(() => {
      for (const t of topologicalOrder(root)) {
        const g = grads.get(t);
        if (!g) continue;
        if (!t.gradFn || t.retainsGrad) {
          t.grad = t.grad ? arithmetic.add(t.grad, g) : g;
          kept.add(t.grad.storage);
        }
        if (!t.gradFn) continue;
        grads.delete(t);
        owned.delete(g);
        let inputGrads: readonly (Tensor | RegionGrad | null | undefined)[];
        if (!pooling || isRecorded(t.gradFn)) inputGrads = t.gradFn.backward(g);
        else {
          fresh.delete(g.storage);
          const inner = trackAllocations(null);
          try {
            inputGrads = t.gradFn.backward(g);
          } finally {
            trackAllocations(inner);
          }
        }
        t.gradFn.inputs.forEach((input, k) => {
          const gi = inputGrads[k];
          if (!gi || !input.requiresGrad) return;
          if (!sameShape(gi.shape, input.shape)) {
            throw new Error(`backward: ${t.gradFn!.name} produced a gradient of shape ${shapeStr(gi.shape)} for an input of shape ${shapeStr(input.shape)}`);
          }
          accumulate(input, gi);
        });
        if (pooling) recycleDead();
      }
    });
  } finally {
    trackAllocations(outer);
  }
}

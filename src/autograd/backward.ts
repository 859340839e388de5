// backward(): walks the recorded graph from the output back to the leaves in reverse topological
// order, applying each node's gradient function (the chain rule) and accumulating into .grad.
// As in PyTorch, a pass frees the nodes it ran (their saved tensors) unless retainGraph is set, and
// with createGraph it records itself, so its gradients can be differentiated again. autograd.grad()
// (grad.ts) runs the same engine and returns the gradients instead of accumulating them.
import { Tensor } from '../tensor/tensor.js';
import { shapeStr, sameShape } from '../tensor/shape.js';
import { setGradEnabled } from './grad-mode.js';
import { RegionGrad, isRecorded, type GradNode } from './node.js';
import { dtypeOfArray, type TypedArray } from '../tensor/dtype.js';
import { recycle, trackAllocations } from '../tensor/storage-pool.js';
import { builtinBackendActive } from '../backend/registry.js';
import { checkBoolean, checkOptions as checkSharedOptions } from '../util/options.js';

/** How gradients are summed; set by src/ops so autograd needs no op of its own. */
export type GradientArithmetic = {
  /** a + b, a new tensor. */
  add(a: Tensor, b: Tensor): Tensor;
  ones(t: Tensor): Tensor;
  /** A region gradient as a full (new, contiguous) tensor; recorded when grad mode is on. */
  materialize(r: RegionGrad): Tensor;
  /** acc += g in place (acc contiguous and the engine's own); false when it cannot. */
  addInto(acc: Tensor, g: Tensor | RegionGrad): boolean;
};

const notLoaded = (): never => {
  throw new Error('autograd: ops are not loaded');
};
let arithmetic: GradientArithmetic = { add: notLoaded, ones: notLoaded, materialize: notLoaded, addInto: notLoaded };

export function setGradientArithmetic(a: GradientArithmetic): void {
  arithmetic = a;
}

export type BackwardOptions = {
  /** d(loss)/d(tensor); may be omitted for a one-element tensor (then 1). */
  gradient?: Tensor;
  /** Keep the graph (its saved tensors) for another backward pass; default: createGraph. */
  retainGraph?: boolean;
  /** Record the backward pass itself, so the gradients have a gradFn (double backward); default false. */
  createGraph?: boolean;
  /** Accumulate into .grad of these tensors only (default: every leaf, and retainGrad() tensors). */
  inputs?: Tensor | readonly Tensor[];
};

/** The shared options check (src/util/options.ts), plus the boolean flags autograd's functions share. */
export function checkOptions(where: string, opts: object, allowed: readonly string[]): void {
  checkSharedOptions(where, opts, allowed);
  for (const k of ['retainGraph', 'createGraph', 'allowUnused', 'materializeGrads']) {
    const v = (opts as Record<string, unknown>)[k];
    if (v !== undefined) checkBoolean(where, k, v);
  }
}

export const FREED_MESSAGE =
  'trying to backward through the graph a second time (or directly access saved tensors after they have already been freed); ' +
  'pass {retainGraph: true} to the first backward() (or autograd.grad()) if you need to backward through the graph a second time';

/** What one pass of the engine does. */
export type EngineRun = {
  retainGraph: boolean;
  createGraph: boolean;
  /** The tensors whose gradients are wanted; null: every leaf and retainGrad() tensor. */
  targets: ReadonlySet<Tensor> | null;
  /** Accumulate into .grad (backward) or return the gradients (autograd.grad). */
  intoGrad: boolean;
  /**
   * Treat the targets as the graph's inputs: stop there, without passing their gradient on (the
   * partial derivatives of a node's composed forward). Otherwise gradients flow through a target
   * to the targets below it, and only the nodes on a path to a target run.
   */
  stopAtTargets: boolean;
};

export function toList(what: string, x: Tensor | readonly Tensor[]): Tensor[] {
  const list = x instanceof Tensor ? [x] : Array.isArray(x) ? [...x] : null;
  if (!list || list.some((t) => !(t instanceof Tensor))) throw new TypeError(`${what} must be a Tensor or an array of Tensors`);
  return list;
}

/** The roots' gradients: given (shape-checked), or ones for one-element roots. `where` names the caller. */
export function rootGradients(where: string, roots: readonly Tensor[], given: readonly (Tensor | null | undefined)[] | null): Tensor[] {
  if (given && given.length !== roots.length) throw new RangeError(`${where}: got ${given.length} gradients for ${roots.length} outputs`);
  return roots.map((root, i) => {
    const grad = given?.[i];
    const which = roots.length > 1 ? ` ${i}` : '';
    if (grad === undefined || grad === null) {
      if (root.numel() !== 1) {
        throw new Error(
          `${where}: grad can be implicitly created only for scalar outputs; the output${which} has shape ${shapeStr(root.shape)}, pass a gradient of that shape`,
        );
      }
      return arithmetic.ones(root);
    }
    if (!(grad instanceof Tensor)) throw new TypeError(`${where}: the gradient${which} must be a Tensor`);
    if (!sameShape(grad.shape, root.shape)) {
      throw new RangeError(`${where}: gradient shape ${shapeStr(grad.shape)} does not match the output${which} shape ${shapeStr(root.shape)}`);
    }
    return grad;
  });
}

/** A post-order (inputs before the tensors made from them) of the graph under the roots. */
function postOrder(roots: readonly Tensor[], stop: ReadonlySet<Tensor> | null): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // iterative DFS: deep graphs (long RNN unrolls) must not overflow the JS stack
  const stack: [Tensor, number][] = [];
  const visit = (t: Tensor): void => {
    seen.add(t);
    if (t.gradFn?.freed && !stop?.has(t)) throw new Error(`backward: ${FREED_MESSAGE} (the graph reaches a freed ${t.gradFn.name} node)`);
    stack.push([t, 0]);
  };
  for (const root of roots) {
    if (seen.has(root)) continue;
    visit(root);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [t, i] = top;
      const inputs = t.gradFn && !stop?.has(t) ? t.gradFn.inputs : [];
      if (i < inputs.length) {
        top[1] = i + 1;
        const child = inputs[i]!;
        if (child.requiresGrad && !seen.has(child)) visit(child);
      } else {
        stack.pop();
        order.push(t);
      }
    }
  }
  return order;
}

/** The tensors on a path to a target (post-order: a tensor's inputs come before it). */
function onPathToTargets(post: readonly Tensor[], targets: ReadonlySet<Tensor>): Set<Tensor> {
  const needed = new Set<Tensor>();
  for (const t of post) {
    if (targets.has(t) || t.gradFn?.inputs.some((i) => needed.has(i))) needed.add(t);
  }
  return needed;
}

const NO_INPUTS: readonly Tensor[] = Object.freeze([]);

/** Drops what a node saved (its closures and inputs), so a second pass through it raises; `reuse`: its scratch goes back to the pool. */
function free(node: GradNode, reuse: boolean): void {
  const scratch = reuse && isRecorded(node) ? node.scratch : null;
  node.freed = true;
  node.inputs = NO_INPUTS;
  node.composed = null;
  node.backward = freedBackward;
  node.scratch = null;
  if (scratch) for (const a of scratch) recycle(a, dtypeOfArray(a));
}

function freedBackward(): never {
  throw new Error(`backward: ${FREED_MESSAGE}`);
}

/**
 * A node's input gradients as differentiable ops: its own backward, or for a fused one the
 * gradients of its composed forward (partial derivatives: the engine stops at the node's inputs).
 */
function recordedBackward(node: GradNode, g: Tensor): readonly (Tensor | RegionGrad | null | undefined)[] {
  if (!node.composed) return node.backward(g);
  if (node.composed === 'unsupported') throw new Error(`${node.name}: double backward is not supported (createGraph: true needs the gradient of its backward)`);
  const out = node.composed();
  if (!sameShape(out.shape, g.shape))
    throw new Error(`backward: the composed ${node.name} gives shape ${shapeStr(out.shape)}, its output has ${shapeStr(g.shape)}`);
  const targets = new Set(node.inputs.filter((t) => t.requiresGrad));
  if (!out.requiresGrad) return node.inputs.map(() => null);
  const grads = runBackward([out], [g], { retainGraph: true, createGraph: true, targets, intoGrad: false, stopAtTargets: true });
  return node.inputs.map((t) => grads.get(t) ?? null);
}

/**
 * The engine: one pass over the graph under `roots`, seeded with `rootGrads`. Returns the
 * gradients of the targets when run.intoGrad is false (a target that no gradient reached is absent).
 */
export function runBackward(roots: readonly Tensor[], rootGrads: readonly Tensor[], run: EngineRun): Map<Tensor, Tensor> {
  const { createGraph, targets } = run;
  const stop = run.stopAtTargets ? targets : null;
  const post = postOrder(roots, stop);
  const needed = targets && !stop ? onPathToTargets(post, targets) : null;
  const captured = new Map<Tensor, Tensor>();
  const grads = new Map<Tensor, Tensor>();
  // sums the engine made itself: nothing else can see them until their tensor's turn, so the
  // gradients that arrive later are added into them in place (not when recording: the graph
  // would not see the added gradient)
  const owned = new Set<Tensor>();
  const accumulate = (input: Tensor, gi: Tensor | RegionGrad): void => {
    const prev = grads.get(input);
    if (!prev) {
      if (gi instanceof RegionGrad) {
        const full = arithmetic.materialize(gi);
        if (!createGraph) owned.add(full);
        grads.set(input, full);
      } else grads.set(input, gi);
      return;
    }
    if (createGraph) {
      grads.set(input, arithmetic.add(prev, gi instanceof RegionGrad ? arithmetic.materialize(gi) : gi));
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
  // Not when recording (the new graph holds them), not while a registered backend runs the kernels
  // (it sees every array and may keep any), and never what a node the ops did not record is given
  // or allocates (user code may keep it).
  const pooling = !createGraph && builtinBackendActive();
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
  const gradMode = setGradEnabled(createGraph);
  try {
    roots.forEach((root, i) => accumulate(root, rootGrads[i]!));
    for (let n = post.length - 1; n >= 0; n--) {
      const t = post[n]!;
      const g = grads.get(t);
      if (!g) continue;
      const isTarget = targets ? targets.has(t) : !t.gradFn || t.retainsGrad;
      if (isTarget) {
        if (run.intoGrad) {
          t.grad = t.grad ? arithmetic.add(t.grad, g) : g;
          kept.add(t.grad.storage);
        } else {
          captured.set(t, g);
          kept.add(g.storage);
        }
      }
      const node = t.gradFn;
      if (!node || (stop && isTarget)) continue;
      if (needed && !node.inputs.some((i) => needed.has(i))) continue;
      grads.delete(t);
      owned.delete(g);
      let inputGrads: readonly (Tensor | RegionGrad | null | undefined)[];
      if (createGraph) inputGrads = recordedBackward(node, g);
      else if (!pooling || isRecorded(node)) inputGrads = node.backward(g);
      else {
        fresh.delete(g.storage);
        const inner = trackAllocations(null);
        try {
          inputGrads = node.backward(g);
        } finally {
          trackAllocations(inner);
        }
      }
      node.inputs.forEach((input, k) => {
        const gi = inputGrads[k];
        if (!gi || !input.requiresGrad || (needed && !needed.has(input))) return;
        if (!sameShape(gi.shape, input.shape)) {
          throw new Error(`backward: ${node.name} produced a gradient of shape ${shapeStr(gi.shape)} for an input of shape ${shapeStr(input.shape)}`);
        }
        accumulate(input, gi);
      });
      if (!run.retainGraph) free(node, pooling);
      if (pooling) recycleDead();
    }
  } finally {
    setGradEnabled(gradMode);
    trackAllocations(outer);
  }
  return captured;
}

/**
 * Computes the gradients of `root` with respect to the graph's leaves and accumulates them into
 * their .grad (and that of retainGrad() tensors), as PyTorch's tensor.backward(). Takes the
 * gradient positionally, in the options, or both ways: backward(t), backward(t, g),
 * backward(t, { gradient, retainGraph, createGraph, inputs }), backward(t, g, { retainGraph }).
 */
export function backward(root: Tensor, gradientOrOptions?: Tensor | BackwardOptions | null, options?: BackwardOptions): void {
  let opts: BackwardOptions = options ?? {};
  let gradient: Tensor | undefined;
  if (gradientOrOptions instanceof Tensor) {
    gradient = gradientOrOptions;
    checkOptions('backward', opts, ['retainGraph', 'createGraph', 'inputs']);
  } else {
    if (gradientOrOptions !== undefined && gradientOrOptions !== null) {
      if (options !== undefined) throw new TypeError('backward: pass the options once, as backward(gradient, options) or backward(options)');
      opts = gradientOrOptions;
    }
    checkOptions('backward', opts, ['gradient', 'retainGraph', 'createGraph', 'inputs']);
    gradient = opts.gradient;
  }
  if (!(root instanceof Tensor)) throw new TypeError('backward: expected a Tensor');
  if (!root.requiresGrad) {
    throw new Error('backward: the tensor does not require grad and has no gradFn (did you compute it inside noGrad(), or forget requiresGrad?)');
  }
  backwardAll('backward', [root], [gradient], opts);
}

/** backward() of several roots at once (torch.autograd.backward): one pass, so they may share a graph. */
export function backwardAll(
  where: string,
  roots: readonly Tensor[],
  gradients: readonly (Tensor | null | undefined)[] | null,
  opts: Omit<BackwardOptions, 'gradient'>,
): void {
  const createGraph = opts.createGraph ?? false;
  const inputs = opts.inputs === undefined ? null : toList(`${where}: inputs`, opts.inputs);
  if (inputs && !inputs.length) throw new RangeError(`${where}: inputs must not be empty (omit it to accumulate into every leaf)`);
  inputs?.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error(`${where}: input ${i} (shape ${shapeStr(t.shape)}) does not require grad`);
  });
  const grads = rootGradients(where, roots, gradients);
  runBackward(roots, grads, {
    retainGraph: opts.retainGraph ?? createGraph,
    createGraph,
    targets: inputs ? new Set(inputs) : null,
    intoGrad: true,
    stopAtTargets: false,
  });
}

// A node of the autograd graph: the op that made a tensor, its inputs, and how to send a gradient
// back to them. Ops build these next to their forward code (see src/ops/record.ts).
import type { Tensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/dtype.js';

/**
 * A gradient that is zero except on one strided region: `value` sits at (strides, offset) of a
 * contiguous tensor of `shape`. A slice's backward returns one, so that the slices of one tensor
 * (q, k and v of a fused projection; the chunks of a split) are written into one buffer by the
 * engine instead of each becoming a full tensor of zeros that is then summed.
 */
export class RegionGrad {
  constructor(
    readonly value: Tensor,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly offset: number,
  ) {}
}

/**
 * How a node whose backward runs fused kernels is differentiated when backward() records itself
 * (createGraph): `composed` recomputes the node's output from its inputs with differentiable ops,
 * and the engine differentiates that instead of calling the fused backward; 'unsupported' makes
 * such a pass raise. Nodes whose backward is made of ops need neither.
 */
export type DoubleBackward = (() => Tensor) | 'unsupported';

export interface GradNode {
  /** The op's name, shown when printing a tensor (e.g. `gradFn=<MatmulBackward>`). */
  readonly name: string;
  /** The tensors the op read; emptied when the node is freed. */
  inputs: readonly Tensor[];
  /** Given d(output), returns d(input) for each input (null where an input needs no gradient). */
  backward(grad: Tensor): readonly (Tensor | RegionGrad | null | undefined)[];
  /** See DoubleBackward; null (or absent, in a node user code builds) when `backward` is itself made of differentiable ops. */
  composed?: DoubleBackward | null;
  /** Set once a backward pass without retainGraph has run the node and dropped what it saved. */
  freed?: boolean;
  /**
   * Storages only this node can read (an op's intermediates, kept for its backward and never part
   * of a tensor that left the op): when a pass frees the node they are dead, and are reused.
   */
  scratch?: readonly TypedArray[] | null;
}

/** The backward functions of the nodes the ops recorded: they keep nothing they are given or allocate beyond the call. */
const recordedBackwards = new WeakSet<GradNode['backward']>();

/** Marks `node` as recorded by an op (src/ops/record.ts); returns it. */
export function markRecorded<N extends GradNode>(node: N): N {
  recordedBackwards.add(node.backward);
  return node;
}

/** Whether backward() may reuse what `node`'s backward is given and allocates: false for a node user code built or changed. */
export function isRecorded(node: GradNode): boolean {
  return recordedBackwards.has(node.backward);
}

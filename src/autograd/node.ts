// A node of the autograd graph: the op that made a tensor, its inputs, and how to send a gradient
// back to them. Ops build these next to their forward code (see src/ops/record.ts).
import type { Tensor } from '../tensor/tensor.js';

export interface GradNode {
  /** The op's name, shown when printing a tensor (e.g. `gradFn=<MatmulBackward>`). */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Given d(output), returns d(input) for each input (null where an input needs no gradient). */
  backward(grad: Tensor): readonly (Tensor | null | undefined)[];
}

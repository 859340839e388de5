// Loss functions fit() accepts by name, or any (prediction, target) => scalar tensor.
import type { Tensor } from '../tensor/tensor.js';
import { crossEntropy, mseLoss, l1Loss, bceWithLogits } from '../ops/index.js';

export type LossFn = (pred: Tensor, target: Tensor) => Tensor;
export type LossName = 'crossEntropy' | 'mse' | 'l1' | 'bceWithLogits';
export const LOSS_NAMES: readonly LossName[] = ['crossEntropy', 'mse', 'l1', 'bceWithLogits'];

const named: Record<LossName, LossFn> = {
  /** Logits (N, C) against int32 classes (N,). */
  crossEntropy: (p, t) => crossEntropy(p, t),
  mse: (p, t) => mseLoss(p, t),
  l1: (p, t) => l1Loss(p, t),
  /** One logit per example against 0/1 labels of any numeric dtype, reshaped to the logits' shape. */
  bceWithLogits: (p, t) => bceWithLogits(p, (t.dtype === p.dtype ? t : t.to(p.dtype)).reshape(...p.shape)),
};

export function resolveLoss(op: string, loss: LossName | LossFn): LossFn {
  if (typeof loss === 'function') return loss;
  const fn = named[loss];
  if (!fn) throw new RangeError(`${op}: unknown loss '${String(loss)}', expected one of ${LOSS_NAMES.join(', ')} or a function (pred, target) => Tensor`);
  return fn;
}

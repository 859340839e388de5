// Loss functions as modules, wrapping src/ops/losses.ts: `criterion.forward(input, target)`.
// Class weights are buffers, so they move with Module.to() as in PyTorch.
import type { Tensor } from '../tensor/tensor.js';
import { bceLoss, bceWithLogits, crossEntropy, l1Loss, mseLoss, nllLoss, type Reduction } from '../ops/index.js';
import { Module } from './module.js';
import { checkNumber, checkOptions, describe } from '../util/options.js';

/** Checks a loss module's options; a bare string is PyTorch's positional reduction (new MSELoss('sum')). */
function lossOptions<O extends { reduction?: Reduction; weight?: Tensor; posWeight?: Tensor }>(op: string, opts: O | Reduction, allowed: readonly string[]): O {
  if (typeof opts === 'string') return { reduction: opts } as O;
  checkOptions(op, opts, allowed);
  for (const name of ['weight', 'posWeight'] as const) {
    const w = opts[name] as unknown;
    if (w !== undefined && w !== null && (typeof w !== 'object' || !('storage' in w)))
      throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(w)}`);
  }
  return opts;
}

function checkReduction(op: string, r: Reduction): Reduction {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${r}'`);
  return r;
}

abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(reduction: Reduction = 'mean') {
    super();
    this.reduction = checkReduction(this.constructor.name, reduction);
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
  override extraRepr(): string {
    return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`;
  }
}

export class MSELoss extends Loss {
  constructor(opts: { reduction?: Reduction } | Reduction = {}) {
    super(lossOptions('MSELoss', opts, ['reduction']).reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.reduction);
  }
}

export class L1Loss extends Loss {
  constructor(opts: { reduction?: Reduction } | Reduction = {}) {
    super(lossOptions('L1Loss', opts, ['reduction']).reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.reduction);
  }
}

export type NLLLossOptions = { weight?: Tensor; ignoreIndex?: number; reduction?: Reduction };

/** Negative log-likelihood of log-probabilities (N, C, ...) against int32 classes (N, ...). */
export class NLLLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  constructor(opts: NLLLossOptions | Reduction = {}) {
    opts = lossOptions('NLLLoss', opts, ['weight', 'ignoreIndex', 'reduction']);
    super(opts.reduction);
    if (opts.ignoreIndex !== undefined) checkNumber('NLLLoss', 'ignoreIndex', opts.ignoreIndex);
    this.registerBuffer('weight', opts.weight ?? null);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight ?? undefined, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

export type CrossEntropyLossOptions = NLLLossOptions & { labelSmoothing?: number };

/** Cross-entropy of logits (N, C, ...) against int32 classes (N, ...): LogSoftmax + NLLLoss. */
export class CrossEntropyLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(opts: CrossEntropyLossOptions | Reduction = {}) {
    opts = lossOptions('CrossEntropyLoss', opts, ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing']);
    super(opts.reduction);
    if (opts.ignoreIndex !== undefined) checkNumber('CrossEntropyLoss', 'ignoreIndex', opts.ignoreIndex);
    if (opts.labelSmoothing !== undefined) checkNumber('CrossEntropyLoss', 'labelSmoothing', opts.labelSmoothing);
    this.registerBuffer('weight', opts.weight ?? null);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight ?? undefined,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/** Binary cross-entropy of probabilities in [0, 1]. */
export class BCELoss extends Loss {
  declare weight: Tensor | null;
  constructor(opts: { weight?: Tensor; reduction?: Reduction } | Reduction = {}) {
    opts = lossOptions('BCELoss', opts, ['weight', 'reduction']);
    super(opts.reduction);
    this.registerBuffer('weight', opts.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return bceLoss(input, target, this.reduction, this.weight ?? undefined);
  }
}

/** Binary cross-entropy on logits (sigmoid folded in, numerically stable). */
export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  declare posWeight: Tensor | null;
  constructor(opts: { weight?: Tensor; posWeight?: Tensor; reduction?: Reduction } | Reduction = {}) {
    opts = lossOptions('BCEWithLogitsLoss', opts, ['weight', 'posWeight', 'reduction']);
    super(opts.reduction);
    this.registerBuffer('weight', opts.weight ?? null);
    this.registerBuffer('posWeight', opts.posWeight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return bceWithLogits(input, target, this.reduction, { weight: this.weight ?? undefined, posWeight: this.posWeight ?? undefined });
  }
}

// Batch normalization layers as torch.nn: BatchNorm1d over (N, C) or (N, C, L), BatchNorm2d over
// (N, C, H, W). Learnable per-channel weight (1) and bias (0); running mean (0) and variance (1)
// as buffers, updated while training and used in eval mode.
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { batchNorm } from '../ops/index.js';
import { Module } from './module.js';
import { emptyParameter, type Parameter } from './parameter.js';
import { ones_ } from './init.js';
import { checkBoolean, checkNumber, checkOptions, optionKeys } from '../util/options.js';

export type BatchNormOptions = {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of the batch statistics in the running ones (default 0.1); null: a cumulative average over all batches. */
  momentum?: number | null;
  /** Learnable weight and bias (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true); false normalizes with the batch's statistics always. */
  trackRunningStats?: boolean;
  dtype?: DType;
};
const BATCH_NORM_KEYS = optionKeys<BatchNormOptions>({ eps: true, momentum: true, affine: true, trackRunningStats: true, dtype: true });

abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  /** Settable, as in PyTorch (updateBn sets null for a cumulative average). */
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null; // (C,)
  bias: Parameter | null; // (C,)
  declare runningMean: Tensor | null; // (C,)
  declare runningVar: Tensor | null; // (C,)
  declare numBatchesTracked: Tensor | null; // () int32

  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super();
    const op = this.constructor.name;
    checkNumber(op, 'numFeatures', numFeatures);
    checkOptions(op, opts, BATCH_NORM_KEYS);
    if (opts.eps !== undefined) checkNumber(op, 'eps', opts.eps);
    if (opts.momentum !== undefined && opts.momentum !== null) checkNumber(op, 'momentum', opts.momentum);
    if (opts.affine !== undefined) checkBoolean(op, 'affine', opts.affine);
    if (opts.trackRunningStats !== undefined) checkBoolean(op, 'trackRunningStats', opts.trackRunningStats);
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new RangeError(`${op}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    if (!(this.eps > 0)) throw new RangeError(`${op}: eps must be positive, got ${opts.eps}`);
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1))
      throw new RangeError(`${op}: momentum must be in [0, 1] or null, got ${opts.momentum}`);
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const dtype = opts.dtype ?? 'float32';
    this.weight = this.affine ? ones_(emptyParameter([numFeatures], dtype)) : null;
    this.bias = this.affine ? emptyParameter([numFeatures], dtype) : null;
    this.registerBuffer('runningMean', this.trackRunningStats ? Tensor.empty([numFeatures], dtype) : null);
    this.registerBuffer('runningVar', this.trackRunningStats ? Tensor.empty([numFeatures], dtype).fill_(1) : null);
    this.registerBuffer('numBatchesTracked', this.trackRunningStats ? Tensor.empty([], 'int32') : null);
  }

  /** Running statistics back to mean 0, variance 1, no batches seen. */
  resetRunningStats(): void {
    this.runningMean?.zero_();
    this.runningVar?.fill_(1);
    this.numBatchesTracked?.zero_();
  }

  protected abstract checkInput(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new RangeError(`${this.constructor.name}: expected ${this.numFeatures} channels (dim 1), got input of shape ${shapeStr(x.shape)}`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.numBatchesTracked) {
      this.numBatchesTracked.storage[0]! += 1;
      if (this.momentum === null) factor = 1 / this.numBatchesTracked.storage[0]!;
    }
    const useBatchStats = this.training || this.runningMean === null;
    return batchNorm(x, useBatchStats && !this.trackRunningStats ? null : this.runningMean, useBatchStats && !this.trackRunningStats ? null : this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch norm over (N, C) or (N, C, L) input. */
export class BatchNorm1d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`BatchNorm1d: expected 2-D (N, C) or 3-D (N, C, L) input, got ${shapeStr(x.shape)}`);
  }
}

/** Batch norm over (N, C, H, W) input. */
export class BatchNorm2d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4) throw new RangeError(`BatchNorm2d: expected 4-D (N, C, H, W) input, got ${shapeStr(x.shape)}`);
  }
}

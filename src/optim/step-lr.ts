// StepLR: multiply the learning rate by gamma every stepSize epochs: lr = base · γ^⌊epoch/stepSize⌋.
import { LRScheduler } from './lr-scheduler.js';
import type { BaseOptions, Optimizer } from './optimizer.js';
import { checkNumber, checkOptions, isPlainObject } from '../util/options.js';

export type StepLROptions = { stepSize: number; gamma?: number; lastEpoch?: number };

export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  /** new StepLR(optimizer, 30, 0.1), or PyTorch's keywords new StepLR(optimizer, {stepSize: 30, gamma: 0.1}). */
  constructor(optimizer: Optimizer<BaseOptions>, stepSize: number | StepLROptions, gamma = 0.1, lastEpoch = -1) {
    if (isPlainObject(stepSize)) {
      checkOptions('StepLR', stepSize, ['stepSize', 'gamma', 'lastEpoch']);
      ({ stepSize, gamma = gamma, lastEpoch = lastEpoch } = stepSize as StepLROptions);
    }
    checkNumber('StepLR', 'stepSize', stepSize);
    checkNumber('StepLR', 'gamma', gamma);
    super(optimizer, lastEpoch);
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new RangeError(`StepLR: stepSize must be a positive integer, got ${stepSize}`);
    if (!(gamma >= 0)) throw new RangeError(`StepLR: gamma must be >= 0, got ${gamma}`);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.start();
  }

  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((base) => base * Math.pow(this.gamma, Math.floor(epoch / this.stepSize)));
  }
}

// StepLR: multiply the learning rate by gamma every stepSize epochs: lr = base · γ^⌊epoch/stepSize⌋.
import { LRScheduler } from './lr-scheduler.js';
import type { BaseOptions, Optimizer } from './optimizer.js';

export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer<BaseOptions>, stepSize: number, gamma = 0.1, lastEpoch = -1) {
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

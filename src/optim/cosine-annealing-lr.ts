// CosineAnnealingLR (SGDR without restarts): lr = ηmin + (base − ηmin)(1 + cos(π·epoch/tMax))/2.
import { LRScheduler } from './lr-scheduler.js';
import type { BaseOptions, Optimizer } from './optimizer.js';

export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer<BaseOptions>, tMax: number, etaMin = 0, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (!(tMax > 0)) throw new RangeError(`CosineAnnealingLR: tMax must be > 0, got ${tMax}`);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.start();
  }

  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2);
  }
}

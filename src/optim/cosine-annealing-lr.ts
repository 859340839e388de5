// CosineAnnealingLR (SGDR without restarts): lr = ηmin + (base − ηmin)(1 + cos(π·epoch/tMax))/2.
import { LRScheduler } from './lr-scheduler.js';
import type { BaseOptions, Optimizer } from './optimizer.js';
import { checkNumber, checkOptions, isPlainObject } from '../util/options.js';

export type CosineAnnealingLROptions = { tMax: number; etaMin?: number; lastEpoch?: number };

export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  /** new CosineAnnealingLR(optimizer, 100, 0), or PyTorch's keywords new CosineAnnealingLR(optimizer, {tMax: 100, etaMin: 0}). */
  constructor(optimizer: Optimizer<BaseOptions>, tMax: number | CosineAnnealingLROptions, etaMin = 0, lastEpoch = -1) {
    if (isPlainObject(tMax)) {
      checkOptions('CosineAnnealingLR', tMax, ['tMax', 'etaMin', 'lastEpoch']);
      ({ tMax, etaMin = etaMin, lastEpoch = lastEpoch } = tMax as CosineAnnealingLROptions);
    }
    checkNumber('CosineAnnealingLR', 'tMax', tMax);
    checkNumber('CosineAnnealingLR', 'etaMin', etaMin);
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

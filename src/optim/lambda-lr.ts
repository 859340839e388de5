// LambdaLR: lr = base · lrLambda(epoch), one function for all groups or one per group.
import { LRScheduler } from './lr-scheduler.js';
import type { BaseOptions, Optimizer } from './optimizer.js';

export type LrLambda = (epoch: number) => number;

export class LambdaLR extends LRScheduler {
  readonly lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer<BaseOptions>, lrLambda: LrLambda | LrLambda[], lastEpoch = -1) {
    super(optimizer, lastEpoch);
    const n = optimizer.paramGroups.length;
    const fns = Array.isArray(lrLambda) ? lrLambda : Array.from({ length: n }, () => lrLambda);
    if (fns.length !== n) throw new RangeError(`LambdaLR: expected ${n} lrLambdas (one per param group), got ${fns.length}`);
    fns.forEach((f, i) => {
      if (typeof f !== 'function') throw new TypeError(`LambdaLR: lrLambda ${i} is not a function`);
    });
    this.lrLambdas = fns;
    this.start();
  }

  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i]!(epoch));
  }
}

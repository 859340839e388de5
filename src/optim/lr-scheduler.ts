// LRScheduler: the base of the learning-rate schedules, as torch.optim.lr_scheduler. A schedule
// is a closed-form function of the epoch (or iteration) counter; step() advances the counter and
// writes the new rate into every parameter group's `lr`.
import type { BaseOptions, Optimizer } from './optimizer.js';
import { checkNumber } from '../util/options.js';

export type SchedulerStateDict = Record<string, number | number[] | boolean | string>;

export abstract class LRScheduler {
  readonly optimizer: Optimizer<BaseOptions>;
  /** The counter of the last step() (−1 before the first). */
  lastEpoch: number;
  /** Each group's initial learning rate (its `initialLr`). */
  baseLrs: number[];
  lastLr: number[] = [];

  constructor(optimizer: Optimizer<BaseOptions>, lastEpoch = -1) {
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) throw new TypeError(`${this.constructor.name}: expected an optimizer, got ${optimizer}`);
    checkNumber(this.constructor.name, 'lastEpoch', lastEpoch, { integer: true, min: -1 });
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((g, i) => {
      if (lastEpoch === -1) g.initialLr ??= g.lr;
      else if (g.initialLr === undefined) {
        throw new Error(
          `${this.constructor.name}: param group ${i} has no initialLr; resuming (lastEpoch=${lastEpoch}) needs the optimizer's state dict loaded first`,
        );
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** The learning rate of each group at `epoch` (closed form). */
  protected abstract lrAt(epoch: number): number[];

  /** Subclasses call this at the end of their constructor: applies the rate of the first epoch, as PyTorch does. */
  protected start(): void {
    this.step();
  }

  /** Advances the counter and sets each group's lr. */
  step(): void {
    this.lastEpoch += 1;
    const lrs = this.lrAt(this.lastEpoch);
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i]!;
    });
    this.lastLr = lrs;
  }

  /** The learning rates set by the last step(). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Counters and hyperparameters (no functions, no optimizer), JSON-able. */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === 'optimizer' || typeof v === 'function' || (Array.isArray(v) && v.some((x) => typeof x === 'function'))) continue;
      out[k] = Array.isArray(v) ? [...v] : v;
    }
    return out;
  }

  /**
   * Restores a saved schedule and re-applies its last learning rates to the optimizer, so the
   * order of loading (optimizer or scheduler first) does not matter.
   */
  loadStateDict(sd: SchedulerStateDict): void {
    const own = this.stateDict();
    for (const [k, v] of Object.entries(sd)) {
      if (!(k in own)) throw new RangeError(`${this.constructor.name}.loadStateDict: unexpected key '${k}' (expected ${Object.keys(own).join(', ')})`);
      (this as unknown as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
    }
    if (this.lastLr.length !== this.optimizer.paramGroups.length) {
      throw new RangeError(
        `${this.constructor.name}.loadStateDict: the state has ${this.lastLr.length} learning rates, the optimizer has ${this.optimizer.paramGroups.length} param groups`,
      );
    }
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lastLr[i]!;
    });
  }
}

// Linear warmup then cosine decay to minLr, as nanoGPT's get_lr(it):
//   it < warmup:        maxLr · (it + 1) / (warmup + 1)
//   it > decayIters:    minLr
//   otherwise:          minLr + ½(1 + cos(π·r))·(maxLr − minLr),  r = (it − warmup) / (decayIters − warmup)
import { LRScheduler } from './lr-scheduler.js';
import type { BaseOptions, Optimizer } from './optimizer.js';
import { checkNumber, checkOptions } from '../util/options.js';

export type WarmupCosineOptions = { warmupIters: number; decayIters: number; minLr?: number };

function check(op: string, o: WarmupCosineOptions, allowed: readonly string[]): void {
  if (o === undefined) throw new TypeError(`${op}: expected options {${allowed.join(', ')}}`);
  checkOptions(op, o, allowed);
  checkNumber(op, 'warmupIters', o.warmupIters);
  checkNumber(op, 'decayIters', o.decayIters);
  if (o.minLr !== undefined) checkNumber(op, 'minLr', o.minLr);
  if (!Number.isInteger(o.warmupIters) || o.warmupIters < 0) throw new RangeError(`${op}: warmupIters must be a non-negative integer, got ${o.warmupIters}`);
  if (!(o.decayIters >= o.warmupIters)) throw new RangeError(`${op}: decayIters (${o.decayIters}) must be >= warmupIters (${o.warmupIters})`);
  if (!((o.minLr ?? 0) >= 0)) throw new RangeError(`${op}: minLr must be >= 0, got ${o.minLr}`);
}

const SCHEDULER_KEYS = ['warmupIters', 'decayIters', 'minLr'];
const FUNCTION_KEYS = ['warmupIters', 'decayIters', 'minLr', 'maxLr'];

/** The learning rate at iteration `it` (0-based) of nanoGPT's schedule. */
export function cosineWithWarmup(it: number, opts: WarmupCosineOptions & { maxLr: number }): number {
  check('cosineWithWarmup', opts, FUNCTION_KEYS);
  checkNumber('cosineWithWarmup', 'it', it);
  checkNumber('cosineWithWarmup', 'maxLr', opts.maxLr);
  const minLr = opts.minLr ?? 0;
  const { warmupIters: warmup, decayIters } = opts;
  if (it < warmup) return (opts.maxLr * (it + 1)) / (warmup + 1);
  if (it > decayIters || decayIters === warmup) return minLr;
  const ratio = (it - warmup) / (decayIters - warmup);
  return minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (opts.maxLr - minLr);
}

/** The same schedule as a scheduler: each group's initial lr is its maxLr; step() once per iteration. */
export class CosineWithWarmupLR extends LRScheduler {
  warmupIters: number;
  decayIters: number;
  minLr: number;

  constructor(optimizer: Optimizer<BaseOptions>, opts: WarmupCosineOptions, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    check('CosineWithWarmupLR', opts, SCHEDULER_KEYS);
    this.warmupIters = opts.warmupIters;
    this.decayIters = opts.decayIters;
    this.minLr = opts.minLr ?? 0;
    this.start();
  }

  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((maxLr) => cosineWithWarmup(epoch, { maxLr, minLr: this.minLr, warmupIters: this.warmupIters, decayIters: this.decayIters }));
  }
}

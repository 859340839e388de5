// EarlyStopping, the lecture's rule: watch a validation number after every epoch and stop once it
// has not improved for `patience` epochs; with restoreBest, put back the weights of the best epoch.
import type { Tensor } from '../../tensor/tensor.js';
import type { Callback, TrainState } from './callback.js';
import type { EpochLogs } from '../history.js';
import { WeightsSnapshot } from './weights-snapshot.js';
import { checkOptions } from '../../util/options.js';

export type EarlyStoppingOptions = {
  /** The EpochLogs key to watch (default 'valLoss'). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 10). */
  patience?: number;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** 'min' for losses, 'max' for accuracies; 'auto' picks 'max' when the key names an accuracy (default). */
  mode?: 'min' | 'max' | 'auto';
  /** Copy the best epoch's weights back into the model when training ends (default false). */
  restoreBest?: boolean;
};

export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  readonly restoreBest: boolean;
  /** The best value seen, and the epoch (1-based) it was seen at. */
  best = NaN;
  bestEpoch = 0;
  /** The epoch training was stopped at, 0 when it ran to the end. */
  stoppedEpoch = 0;
  private wait = 0;
  private snapshot: WeightsSnapshot | null = null;

  constructor(opts: EarlyStoppingOptions = {}) {
    checkOptions('EarlyStopping', opts, ['monitor', 'patience', 'minDelta', 'mode', 'restoreBest']);
    this.monitor = opts.monitor ?? 'valLoss';
    this.patience = opts.patience ?? 10;
    this.minDelta = Math.abs(opts.minDelta ?? 0);
    if (!Number.isInteger(this.patience) || this.patience < 0)
      throw new RangeError(`EarlyStopping: patience must be a non-negative integer, got ${opts.patience}`);
    if (!Number.isFinite(this.minDelta)) throw new RangeError(`EarlyStopping: minDelta must be a finite number, got ${opts.minDelta}`);
    const mode = opts.mode ?? 'auto';
    if (mode !== 'min' && mode !== 'max' && mode !== 'auto') throw new RangeError(`EarlyStopping: mode must be 'min', 'max' or 'auto', got '${String(mode)}'`);
    this.mode = mode === 'auto' ? (/acc/i.test(this.monitor) ? 'max' : 'min') : mode;
    this.restoreBest = opts.restoreBest ?? false;
  }

  /** The saved best weights (restoreBest only), for inspection. */
  get bestWeights(): WeightsSnapshot | null {
    return this.snapshot;
  }

  onTrainBegin(): void {
    this.best = NaN;
    this.bestEpoch = 0;
    this.stoppedEpoch = 0;
    this.wait = 0;
    this.snapshot = null;
  }

  private improved(value: number): boolean {
    if (Number.isNaN(this.best)) return true;
    return this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }

  onEpochEnd(logs: EpochLogs, state: TrainState): void {
    const value = logs[this.monitor];
    if (typeof value !== 'number') {
      const keys = Object.keys(logs).join(', ');
      throw new Error(`EarlyStopping: monitor '${this.monitor}' is not in the epoch logs (${keys}); pass validation data to fit() or monitor another key`);
    }
    if (Number.isNaN(value)) return; // a NaN loss never counts as an improvement
    if (this.improved(value)) {
      this.best = value;
      this.bestEpoch = logs.epoch;
      this.wait = 0;
      if (this.restoreBest) this.snapshot = new WeightsSnapshot(state.model);
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = logs.epoch;
      state.requestStop(
        `EarlyStopping: ${this.monitor} did not improve for ${this.patience} epochs (best ${this.best.toPrecision(5)} at epoch ${this.bestEpoch})`,
      );
    }
  }

  stateDict(): unknown {
    return { best: this.best, bestEpoch: this.bestEpoch, stoppedEpoch: this.stoppedEpoch, wait: this.wait, snapshot: this.snapshot?.toTensors() ?? null };
  }

  loadStateDict(state: unknown): void {
    const s = state as { best: number | null; bestEpoch: number; stoppedEpoch: number; wait: number; snapshot: Record<string, Tensor> | null };
    this.best = s.best ?? NaN; // JSON keeps NaN as null
    ({ bestEpoch: this.bestEpoch, stoppedEpoch: this.stoppedEpoch, wait: this.wait } = s);
    this.snapshot = s.snapshot ? WeightsSnapshot.fromTensors(s.snapshot) : null;
  }

  onTrainEnd(state: TrainState): void {
    const last = state.history.last();
    if (this.restoreBest && this.snapshot && last && last.epoch !== this.bestEpoch) this.snapshot.restoreInto(state.model);
  }
}

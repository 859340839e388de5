// ModelCheckpoint: saves a checkpoint (model, optimizer, scheduler, RNG; src/io's format) after an
// epoch — every epoch, or only when the monitored number improves (saveBestOnly).
import type { Callback, TrainState } from './callback.js';
import type { EpochLogs } from '../history.js';
import { saveCheckpoint, type CheckpointModel, type CheckpointStateful } from '../../io/checkpoint.js';
import { checkOptions } from '../../util/options.js';

export type ModelCheckpointOptions = {
  /** The file to write; '{epoch}' in it is replaced by the epoch number (one file per epoch). */
  path: string;
  /** The EpochLogs key judged by saveBestOnly (default 'valLoss'). */
  monitor?: string;
  /** 'min' or 'max'; 'auto' picks 'max' when the key names an accuracy (default). */
  mode?: 'min' | 'max' | 'auto';
  /** Save only when the monitored number is the best so far (default false: every epoch). */
  saveBestOnly?: boolean;
  /** Also save the learning-rate scheduler's state. */
  scheduler?: CheckpointStateful;
  /** The run's configuration, stored in the checkpoint. */
  config?: unknown;
};

export class ModelCheckpoint implements Callback {
  readonly path: string;
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly saveBestOnly: boolean;
  best = NaN;
  /** Paths written, in order. */
  readonly saved: string[] = [];

  constructor(private readonly opts: ModelCheckpointOptions) {
    checkOptions('ModelCheckpoint', opts, ['path', 'monitor', 'mode', 'saveBestOnly', 'scheduler', 'config']);
    if (!opts || typeof opts.path !== 'string' || !opts.path) throw new TypeError('ModelCheckpoint: options.path (a file path) is required');
    this.path = opts.path;
    this.monitor = opts.monitor ?? 'valLoss';
    const mode = opts.mode ?? 'auto';
    if (mode !== 'min' && mode !== 'max' && mode !== 'auto')
      throw new RangeError(`ModelCheckpoint: mode must be 'min', 'max' or 'auto', got '${String(mode)}'`);
    this.mode = mode === 'auto' ? (/acc/i.test(this.monitor) ? 'max' : 'min') : mode;
    this.saveBestOnly = opts.saveBestOnly ?? false;
  }

  onTrainBegin(): void {
    this.best = NaN;
  }

  onEpochEnd(logs: EpochLogs, state: TrainState): void {
    if (this.saveBestOnly) {
      const value = logs[this.monitor];
      if (typeof value !== 'number') {
        throw new Error(`ModelCheckpoint: monitor '${this.monitor}' is not in the epoch logs (${Object.keys(logs).join(', ')})`);
      }
      const better = Number.isNaN(this.best) ? !Number.isNaN(value) : this.mode === 'min' ? value < this.best : value > this.best;
      if (!better) return;
      this.best = value;
    }
    const model = state.model as unknown as CheckpointModel;
    if (typeof model.stateDict !== 'function') throw new TypeError('ModelCheckpoint: the model needs stateDict() and loadStateDict() (an nn.Module)');
    const path = this.path.replaceAll('{epoch}', String(logs.epoch));
    const optimizer = state.optimizer as unknown as Partial<CheckpointStateful>;
    saveCheckpoint(path, {
      model,
      optimizer: typeof optimizer.stateDict === 'function' ? (optimizer as CheckpointStateful) : undefined,
      scheduler: this.opts.scheduler,
      step: state.step,
      epoch: logs.epoch,
      config: this.opts.config,
      extra: { logs: Object.fromEntries(Object.entries(logs).filter(([, v]) => Number.isFinite(v))) },
    });
    this.saved.push(path);
  }
}

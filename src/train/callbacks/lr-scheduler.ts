// Steps a learning-rate scheduler from inside fit(): once per epoch (StepLR, CosineAnnealingLR over
// epochs) or once per batch (warmup schedules counted in optimizer steps).
import type { Callback } from './callback.js';
import type { LrScheduler } from '../trainable.js';

export class LRSchedulerCallback implements Callback {
  constructor(
    readonly scheduler: LrScheduler,
    readonly every: 'epoch' | 'batch' = 'epoch',
  ) {
    if (every !== 'epoch' && every !== 'batch') throw new RangeError(`LRSchedulerCallback: every must be 'epoch' or 'batch', got '${String(every)}'`);
  }

  onBatchEnd(): void {
    if (this.every === 'batch') this.scheduler.step();
  }

  onEpochEnd(): void {
    if (this.every === 'epoch') this.scheduler.step();
  }
}

// The training time of a fit() run and the examples it saw, checkpointed with it, so a resumed run
// keeps counting: the seconds from each epoch's first batch to its last (validation and the
// callbacks at the epoch's end not included).
import type { Callback } from './callback.js';

export class TrainingClock implements Callback {
  seconds = 0;
  examples = 0;
  private epochStart = 0;
  onEpochBegin(): void {
    this.epochStart = performance.now();
  }
  onBatchEnd(logs: { batch: number; size: number }, state: { batchesPerEpoch: number }): void {
    this.examples += logs.size;
    if (logs.batch === state.batchesPerEpoch) this.seconds += (performance.now() - this.epochStart) / 1000;
  }
  stateDict(): unknown {
    return { seconds: this.seconds, examples: this.examples };
  }
  loadStateDict(s: unknown): void {
    const saved = s as { seconds: number; examples?: number; images?: number };
    this.seconds = saved.seconds;
    this.examples = saved.examples ?? saved.images ?? 0; // `images`: checkpoints of train lenet before the clock was shared
    this.epochStart = performance.now(); // a run resumed inside an epoch times the rest of it
  }
}

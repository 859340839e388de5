// History: what fit() returns, one record per epoch (train loss and metrics, validation loss and
// metrics, learning rate, seconds), like the object Keras' fit() returns.

/** One epoch's numbers. Metric keys are camelCase: trainAccuracy, valAccuracy, trainMse, ... */
export type EpochLogs = {
  /** 1-based. */
  epoch: number;
  trainLoss: number;
  valLoss?: number;
  /** The learning rate used during this epoch. */
  lr: number;
  /** Wall-clock seconds for this epoch (training and validation). */
  seconds: number;
  [metric: string]: number | undefined;
};

export class History {
  readonly epochs: EpochLogs[] = [];
  /** Why training ended before the last epoch (EarlyStopping, a callback, ...), if it did. */
  stopReason: string | null = null;
  /** Optimizer steps taken over the whole run. */
  steps = 0;

  push(logs: EpochLogs): void {
    this.epochs.push(logs);
  }

  /** The series of one key over the epochs, e.g. history.get('valLoss'). */
  get(key: string): number[] {
    return this.epochs.map((e) => e[key]).filter((v): v is number => typeof v === 'number');
  }

  /** The last epoch's record. */
  last(): EpochLogs | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  /** Keys reported in the records (trainLoss, valLoss, lr, ...). */
  keys(): string[] {
    const keys = new Set<string>();
    for (const e of this.epochs) for (const k of Object.keys(e)) keys.add(k);
    return [...keys];
  }

  toJSON(): { epochs: EpochLogs[]; stopReason: string | null; steps: number } {
    return { epochs: this.epochs, stopReason: this.stopReason, steps: this.steps };
  }
}

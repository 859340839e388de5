// The Callback interface: hooks fit() calls around training, as in Keras. Every hook is optional.
// A callback ends training by calling state.requestStop(reason); fit() stops after the epoch.
import type { History, EpochLogs } from '../history.js';
import type { TrainableModel, TrainableOptimizer } from '../trainable.js';

export type BatchLogs = {
  /** 1-based index of the batch within its epoch. */
  batch: number;
  /** Examples in this batch. */
  size: number;
  /** This batch's training loss (including any L1/L2 penalty). */
  loss: number;
};

/** What callbacks can see of the training run, and the switch to stop it. */
export interface TrainState {
  readonly model: TrainableModel;
  readonly optimizer: TrainableOptimizer;
  /** The epochs fit() was asked to run. */
  readonly epochs: number;
  /** The current epoch, 1-based (0 before the first). */
  epoch: number;
  /** Optimizer steps taken so far over the whole run. */
  step: number;
  /** Batches per epoch. */
  readonly batchesPerEpoch: number;
  readonly history: History;
  /** Set by requestStop(). */
  stopTraining: boolean;
  stopReason: string | null;
  requestStop(reason: string): void;
}

export interface Callback {
  onTrainBegin?(state: TrainState): void | Promise<void>;
  onEpochBegin?(epoch: number, state: TrainState): void | Promise<void>;
  onBatchEnd?(logs: BatchLogs, state: TrainState): void | Promise<void>;
  /** Called after validation, with the epoch's full record (already in state.history). */
  onEpochEnd?(logs: EpochLogs, state: TrainState): void | Promise<void>;
  onTrainEnd?(state: TrainState): void | Promise<void>;
  /** What a checkpoint keeps of this callback, so a resumed fit() continues where it stopped (JSON-able; may hold Tensors). */
  stateDict?(): unknown;
  /** Restores stateDict()'s value (after onTrainBegin of the resumed run). */
  loadStateDict?(state: unknown): void;
}

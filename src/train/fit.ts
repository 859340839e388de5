// fit(): the Keras-style training loop for those who want one call. Each epoch: shuffle, and for
// each batch forward, loss (+ L1/L2 penalty), backward, optional gradient clipping, optimizer
// step; then validation, the epoch's record in History, and the callbacks.
//
//   const history = await fit(model, { x, y }, { epochs: 100, optimizer: new Adam(model.parameters(), { lr: 0.01 }),
//     loss: 'crossEntropy', metrics: ['accuracy'], validationSplit: 0.2, callbacks: [new EarlyStopping({ patience: 5 })] });
//
// fit() is a configuration of the one training loop (trainLoop in loop.ts): the loop owns the
// epochs, the scheduler, checkpoints, resume and Ctrl-C; fit() adds the Keras layer — losses and
// metrics by name, validation, History and callbacks.
import type { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../tensor/generator.js';
import { noGrad } from '../autograd/grad-mode.js';
import { l1Penalty, l2Penalty, clipGradNorm } from '../optim/index.js';
import { asDataset, batchSource, splitTail, unpackBatch, type Batch, type FitData } from './batches.js';
import { resolveLoss, type LossFn, type LossName } from './losses.js';
import { metricKey, resolveMetric, type Metric, type MetricName } from './metrics.js';
import { evaluate } from './evaluate.js';
import { History, type EpochLogs } from './history.js';
import type { Callback, TrainState } from './callbacks/callback.js';
import { JsonlLog } from './jsonl-log.js';
import { trainLoop, type LoopModel, type LoopScheduler, type TrainLoopResult } from './loop.js';
import { ProgressBar, type ProgressOptions } from './progress.js';
import { currentLr, type LrScheduler, type TrainableModel, type TrainableOptimizer } from './trainable.js';
import { checkOptions as checkOptionKeys } from '../util/options.js';

export type FitOptions = {
  epochs: number;
  optimizer: TrainableOptimizer;
  /** 'crossEntropy' (logits vs int32 classes), 'mse', 'l1', 'bceWithLogits', or a function. */
  loss: LossName | LossFn;
  /** 'accuracy', 'mse', 'mae' or {name, compute}; reported as trainAccuracy, valAccuracy, ... */
  metrics?: (MetricName | Metric)[];
  /** Validation data, in any of the forms fit() takes for training. */
  validation?: FitData;
  /** Or: hold out the last fraction of the training data (Keras' validation_split; not shuffled). */
  validationSplit?: number;
  /** Default 32. */
  batchSize?: number;
  /** Reshuffle the training data every epoch (default true). */
  shuffle?: boolean;
  /** Generator for the shuffle order (default: the default generator). */
  generator?: Generator;
  callbacks?: Callback[];
  /** Stepped once per epoch (or per batch with schedulerEvery: 'batch'). */
  scheduler?: LrScheduler;
  schedulerEvery?: 'epoch' | 'batch';
  /** Add l1 · Σ|w| over the weights (parameters with 2+ dims; biases are not penalized). */
  l1?: number;
  /** Add l2 · Σw² over the weights, as l2Penalty does. */
  l2?: number;
  /** Clip the global gradient norm to this before each step. */
  clipGradNorm?: number;
  /** After each epoch, recompute the train loss/metrics over the whole train set in eval mode (as the playground plots it) instead of averaging the batches seen while training. */
  evalTrain?: boolean;
  /** true: a progress bar on a terminal, plain lines elsewhere (default); false: silent; or options. */
  progress?: boolean | ProgressOptions;
  /** Append each epoch's record as a JSON line to this file. */
  log?: string;
  /** Stop when the training loss becomes NaN or infinite (default true). */
  stopOnNaN?: boolean;
  /** Checkpoint file (model, optimizer, scheduler, generators, History, callbacks' state): written every checkpointEvery (default each epoch), at the end and on Ctrl-C. */
  checkpoint?: string;
  checkpointEvery?: number | 'epoch';
  /** Continue from `checkpoint`, bit-for-bit. */
  resume?: boolean;
  /** Generators besides `generator` and the default one that training draws from (dropout, augmentation): saved and restored. */
  generators?: Record<string, Generator>;
  /** Stored in the checkpoint. */
  config?: unknown;
  /** What kind of run this is (a resume into a checkpoint of another kind is refused). */
  kind?: string;
  /** Stop after the step on SIGINT/SIGTERM and write the checkpoint (default: when there is a checkpoint). */
  handleSignals?: boolean;
  /** The command that resumes this run, printed after Ctrl-C. */
  resumeHint?: string;
  /** Receives the loop's lines (the Ctrl-C notice); default console.log. */
  say?: (line: string) => void;
};

const FIT_OPTIONS = [
  'epochs',
  'optimizer',
  'loss',
  'metrics',
  'validation',
  'validationSplit',
  'batchSize',
  'shuffle',
  'generator',
  'callbacks',
  'scheduler',
  'schedulerEvery',
  'l1',
  'l2',
  'clipGradNorm',
  'evalTrain',
  'progress',
  'log',
  'stopOnNaN',
  'checkpoint',
  'checkpointEvery',
  'resume',
  'generators',
  'config',
  'kind',
  'handleSignals',
  'resumeHint',
  'say',
];

function checkOptions(opts: FitOptions): void {
  if (opts === undefined) throw new TypeError('fit: options {epochs, optimizer, loss, ...} are required');
  checkOptionKeys('fit', opts, FIT_OPTIONS);
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new RangeError(`fit: epochs must be a positive integer, got ${opts.epochs}`);
  if (!opts.optimizer || typeof opts.optimizer.step !== 'function') throw new TypeError('fit: optimizer is required (an object with step() and zeroGrad())');
  const bs = opts.batchSize ?? 32;
  if (!Number.isInteger(bs) || bs < 1) throw new RangeError(`fit: batchSize must be a positive integer, got ${opts.batchSize}`);
  for (const k of ['l1', 'l2', 'clipGradNorm'] as const) {
    const v = opts[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new RangeError(`fit: ${k} must be a non-negative number, got ${v}`);
  }
  if (opts.validation !== undefined && opts.validationSplit !== undefined) throw new RangeError('fit: pass either validation or validationSplit, not both');
}

/** fit()'s result: the per-epoch History, plus how the loop ended. */
export type FitHistory = History & { loop?: TrainLoopResult };

/** Trains `model` on `data`; resolves to the per-epoch History. Leaves the model in eval mode. */
export async function fit(model: TrainableModel, data: FitData, opts: FitOptions): Promise<History> {
  checkOptions(opts);
  const lossFn = resolveLoss('fit', opts.loss);
  const metrics = (opts.metrics ?? []).map(resolveMetric);
  const batchSize = opts.batchSize ?? 32;

  let trainData: FitData = data;
  let valData: FitData | undefined = opts.validation;
  if (opts.validationSplit !== undefined) {
    const ds = asDataset('fit', data);
    if (!ds) throw new TypeError('fit: validationSplit needs {x, y} or a Dataset, not an iterable of batches');
    [trainData, valData] = splitTail('fit', ds, opts.validationSplit);
  }
  const source = batchSource('fit', trainData, { batchSize, shuffle: opts.shuffle ?? true, generator: opts.generator });
  const params = model.parameters();

  const callbacks: Callback[] = [...(opts.callbacks ?? [])];
  const progress = opts.progress ?? true;
  if (progress) callbacks.push(new ProgressBar(progress === true ? {} : progress));
  const log = opts.log ? new JsonlLog(opts.log, 'epoch') : null;

  const history = new History();
  const state: TrainState = {
    model,
    optimizer: opts.optimizer,
    epochs: opts.epochs,
    epoch: 0,
    step: 0,
    batchesPerEpoch: source.perEpoch,
    history,
    stopTraining: false,
    stopReason: null,
    requestStop(reason: string) {
      this.stopTraining = true;
      this.stopReason ??= reason;
    },
  };
  const emit = async <K extends keyof Callback>(hook: K, ...args: unknown[]): Promise<void> => {
    for (const cb of callbacks) {
      const fn = cb[hook] as ((...a: unknown[]) => void | Promise<void>) | undefined;
      if (fn) {
        const r = fn.apply(cb, args);
        if (r) await r;
      }
    }
  };

  // the epoch in progress: what its end reports
  let epochStart = 0,
    epochLr = NaN,
    n = 0,
    lossSum = 0;
  let sums = new Map<string, number>(metrics.map((m) => [m.name, 0]));
  let restoredCallbacks: unknown[] | null = null;

  const endEpoch = async (epoch: number): Promise<void> => {
    if (n === 0) throw new RangeError('fit: the training data gave no batches (empty data set, or dropLast with fewer examples than batchSize)');
    // keys in reading order: train numbers, validation numbers, then lr and time
    const train = opts.evalTrain
      ? evaluate(model, trainData, { loss: lossFn, metrics, batchSize: Math.max(batchSize, 1024) })
      : { loss: lossSum / n, metrics: Object.fromEntries([...sums].map(([k, v]) => [k, v / n])) };
    const logs = { epoch, trainLoss: train.loss } as EpochLogs;
    for (const m of metrics) logs[metricKey('train', m.name)] = train.metrics[m.name]!;
    if (valData !== undefined) {
      const ev = evaluate(model, valData, { loss: lossFn, metrics, batchSize: Math.max(batchSize, 1024) });
      logs.valLoss = ev.loss;
      for (const m of metrics) logs[metricKey('val', m.name)] = ev.metrics[m.name]!;
    }
    logs.lr = epochLr;
    logs.seconds = (performance.now() - epochStart) / 1000;
    history.push(logs);
    log?.append({ ...logs, step: state.step });
    await emit('onEpochEnd', logs, state);
  };

  const result = await trainLoop<Batch>({
    models: { model: model as unknown as LoopModel },
    optimizers: { optimizer: opts.optimizer },
    schedulers: opts.scheduler ? { scheduler: opts.scheduler as LoopScheduler } : undefined,
    schedulerEvery: opts.schedulerEvery === 'batch' ? 'step' : 'epoch',
    data: source.batches,
    epochs: opts.epochs,
    step: ({ batch }) => {
      const [x, y] = unpackBatch('fit', batch);
      opts.optimizer.zeroGrad();
      const pred = model.forward(x);
      const dataLoss = lossFn(pred, y);
      let total: Tensor = dataLoss;
      if (opts.l1) total = total.add(l1Penalty(params, opts.l1));
      if (opts.l2) total = total.add(l2Penalty(params, opts.l2));
      total.backward();
      if (opts.clipGradNorm) clipGradNorm(params, opts.clipGradNorm);
      opts.optimizer.step();
      const size = x.shape[0] ?? 1;
      const loss = dataLoss.item();
      lossSum += loss * size;
      n += size;
      if (metrics.length && !opts.evalTrain)
        noGrad(() => {
          for (const m of metrics) sums.set(m.name, sums.get(m.name)! + m.compute(pred, y) * size);
        });
      return { loss, size };
    },
    stopOnNaN: false,
    logEvery: 0,
    say: opts.say,
    checkpoint: opts.checkpoint,
    checkpointEvery: opts.checkpoint ? (opts.checkpointEvery ?? 'epoch') : undefined,
    resume: opts.resume,
    handleSignals: opts.handleSignals,
    resumeHint: opts.resumeHint,
    config: opts.config,
    kind: opts.kind,
    generators: { ...opts.generators, ...(opts.generator ? { fitShuffle: opts.generator } : {}) },
    state: {
      save: () => ({
        history: history.epochs,
        epochLr,
        n,
        lossSum,
        sums: Object.fromEntries(sums),
        callbacks: callbacks.map((cb) => cb.stateDict?.() ?? null),
      }),
      load: (saved) => {
        const s = saved as { history: EpochLogs[]; epochLr: number; n: number; lossSum: number; sums: Record<string, number>; callbacks: unknown[] };
        history.epochs.push(...s.history);
        ({ epochLr, n, lossSum } = s);
        sums = new Map(Object.entries(s.sums));
        restoredCallbacks = s.callbacks;
      },
    },
    hooks: {
      onTrainBegin: async (ctx) => {
        state.step = ctx.step;
        state.epoch = ctx.epoch;
        if (restoredCallbacks) log?.truncateAfter(history.epochs.length);
        else log?.reset();
        await emit('onTrainBegin', state);
        // callbacks reset themselves when training begins; a resumed run's come back after that
        restoredCallbacks?.forEach((s, i) => {
          if (s !== null) callbacks[i]!.loadStateDict?.(s);
        });
      },
      onEpochBegin: async (ctx) => {
        state.epoch = ctx.epoch;
        epochStart = performance.now();
        epochLr = currentLr(opts.optimizer);
        n = 0;
        lossSum = 0;
        sums = new Map(metrics.map((m) => [m.name, 0]));
        await emit('onEpochBegin', ctx.epoch, state);
        model.train?.(true);
      },
      onStepEnd: async (logs, ctx) => {
        state.step = ctx.step;
        await emit('onBatchEnd', { batch: ctx.batchInEpoch, size: logs.size!, loss: logs.loss! }, state);
        if ((opts.stopOnNaN ?? true) && !Number.isFinite(logs.loss!)) {
          state.requestStop(`fit: stopped at epoch ${ctx.epoch}, batch ${ctx.batchInEpoch}: the training loss is ${logs.loss} (try a lower learning rate)`);
          // the epoch ends here; its end is reported now unless this was its last batch anyway (the loop then ends it)
          if (ctx.batchInEpoch !== source.perEpoch) await endEpoch(ctx.epoch);
          ctx.stop(state.stopReason!);
        } else if (state.stopTraining) ctx.stop(state.stopReason!, { afterEpoch: true });
      },
      onEpochEnd: async (ctx) => {
        await endEpoch(ctx.epoch);
        if (state.stopTraining) ctx.stop(state.stopReason!);
      },
    },
  });
  history.stopReason = result.interrupted ? `interrupted by ${result.interrupted.signal} at step ${result.step}` : state.stopReason;
  history.steps = result.step;
  (history as FitHistory).loop = result;
  await emit('onTrainEnd', state);
  model.eval?.();
  return history;
}

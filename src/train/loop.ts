// trainLoop(): the one training loop. Every `deepts train …` command and fit() are configurations
// of it. It owns the step counter, the learning-rate schedule, gradient accumulation and clipping,
// the evaluation cadence, progress lines, the JSONL log, checkpoints, bit-for-bit resume and
// Ctrl-C; the caller owns what one step computes. The step reads as nanoGPT's train.py:
//
//   const result = await trainLoop({
//     models: { model }, optimizers: { opt }, maxSteps: 2000,
//     lr: (step) => cosineWithWarmup(step, { maxLr: 1e-3, minLr: 1e-4, warmupIters: 100, decayIters: 2000 }),
//     data: () => batcher.next(),                              // or any iterable (an epoch per pass)
//     loss: ({ batch }) => model.forward(batch.x, batch.y).loss!, clipGradNorm: 1,
//     evalEvery: 250, evaluate: () => ({ valLoss: estimate() }),
//     checkpoint: 'run/checkpoint.safetensors', log: 'run/log.jsonl',
//   });
//
// A GAN's D and G, or PPO's policy and value, pass `step` instead of `loss` and step their own
// optimizers; the loop still sets their learning rates, logs, checkpoints and resumes them.
import type { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, type Generator, type GeneratorState } from '../tensor/generator.js';
import { clipGradNorm as clipGradNormOf } from '../optim/clip-grad-norm.js';
import { loadCheckpoint, saveCheckpoint, type CheckpointModel, type CheckpointStateful } from '../io/checkpoint.js';
import { formatDuration } from './progress.js';
import { JsonlLog } from './jsonl-log.js';
import { InterruptHandler, type StopRequest } from './interrupt.js';
import { modelsAsOne, statefulAsOne } from './run-state.js';
import { checkOptions } from '../util/options.js';

/** The numbers a step, an evaluation or an epoch reports: printed, logged, kept. */
export type StepLogs = Record<string, number>;

export interface LoopModel extends CheckpointModel {
  parameters(): Tensor[];
  train?(mode?: boolean): unknown;
  eval?(): unknown;
}

export interface LoopOptimizer extends Partial<CheckpointStateful> {
  step(): unknown;
  zeroGrad(): unknown;
  paramGroups?: { lr: number; params?: readonly Tensor[] }[];
}

export interface LoopScheduler extends Partial<CheckpointStateful> {
  step(): unknown;
}

/** What a step (and every hook) sees. */
export interface StepContext<B = unknown> {
  /** Steps finished before this one: 0 in the first step; after it, in hooks, the steps done. */
  readonly step: number;
  /** The epoch, 1-based, for iterable data (0 for a stream of batches); between epochs, the next one. */
  readonly epoch: number;
  /** Batches drawn in this epoch so far. */
  readonly batchInEpoch: number;
  /** This step's batch (the first micro-batch when accumulating); undefined without data. */
  readonly batch: B;
  /** The learning rate set for this step (of the first optimizer). */
  readonly lr: number;
  /** Draws another batch (a custom step needing several); null when the epoch has run out. */
  nextBatch(): B | null;
  /** Ends training after this step (or, with afterEpoch, when the epoch ends). */
  stop(reason: string, opts?: { afterEpoch?: boolean }): void;
}

export type LrSchedule = (step: number) => number;

export type TrainLoopOptions<B = unknown> = {
  /** The models trained, by name (checkpoints store them under these names; one is 'model'). */
  models: Record<string, LoopModel>;
  /** Their optimizers, by name. */
  optimizers: Record<string, LoopOptimizer>;
  /** Stateful schedulers (optim.StepLR, …), stepped after each step (or each epoch) and saved. */
  schedulers?: Record<string, LoopScheduler>;
  schedulerEvery?: 'step' | 'epoch';
  /** The learning rate as a function of the step, set on every parameter group before each step: one for all optimizers, or one per optimizer name. */
  lr?: LrSchedule | Record<string, LrSchedule>;
  /** Batches: a function called for each (an endless stream), or an iterable, one pass an epoch. */
  data?: (() => B) | Iterable<B>;
  /** Steps to run in all (a resumed run counts the steps before it). */
  maxSteps?: number;
  /** Epochs to run over iterable data (and batches per epoch when the iterable has no length). */
  epochs?: number;
  /** The standard step: zero the gradients, backward(loss / gradAccumSteps) over that many batches, clip, step every optimizer. Logs the mean loss (and the gradient norm before clipping, with one optimizer). */
  loss?: (ctx: StepContext<B>) => Tensor;
  /** Or a step of your own: forward, backward and optimizer steps; returns the numbers to log. */
  step?: (ctx: StepContext<B>) => StepLogs | Promise<StepLogs>;
  /** Micro-batches per optimizer step with `loss` (default 1). */
  gradAccumSteps?: number;
  /** Clip each optimizer's gradient norm to this before its step, with `loss` (0/undefined: off). */
  clipGradNorm?: number;
  /** Evaluate every this many steps (and after the last); evaluate() returns the numbers. */
  evalEvery?: number;
  evaluate?: (ctx: StepContext<B>) => StepLogs;
  /** Also evaluate before the first step of a new run (nanoGPT's iteration-0 estimate). */
  evalAtStart?: boolean;
  /** Print a progress line every this many steps (0: never; default 10). */
  logEvery?: number;
  /** Receives the progress lines (default console.log); null is silent. */
  say?: ((line: string) => void) | null;
  /** Progress words: the counter's name in lines ('step'), and a unit of work per step for a rate ({ name: 'tokens', perStep: 768 }). */
  progress?: { label?: string; units?: { name: string; perStep: number } };
  /** JSON-lines log: every evaluation (and every logEvery step with logSteps) as {<label>: step, …}. */
  log?: string;
  logSteps?: boolean;
  /** Checkpoint file: written every checkpointEvery steps (or 'epoch'), at the end, and on Ctrl-C. */
  checkpoint?: string;
  checkpointEvery?: number | 'epoch';
  /** Stored in the checkpoint (and checked on resume: a run of another kind is refused). */
  config?: unknown;
  /** What kind of run this is ('train gpt'); a resume into a checkpoint of another kind is refused naming both. */
  kind?: string;
  /** The caller's own bookkeeping (logs, curves, metric sums): saved into and restored from the checkpoint. */
  state?: { save(): unknown; load(saved: unknown): void };
  /** Generators to save and restore besides the default generator (data order, dropout, augmentation). */
  generators?: Record<string, Generator>;
  /** Continue from `checkpoint` (it must exist). */
  resume?: boolean;
  /** Stop at the end of the step on SIGINT/SIGTERM, write the checkpoint and say how to resume (default: when there is a checkpoint). */
  handleSignals?: boolean;
  /** The command that resumes this run, printed after Ctrl-C. */
  resumeHint?: string;
  /** Stop when a step's loss is NaN or infinite (default true); the last checkpoint written before it is kept, not overwritten. */
  stopOnNaN?: boolean;
  /** The numbers of a step's logs that stopOnNaN checks (default ['loss']; a GAN's ['dLoss', 'gLoss']). */
  lossKeys?: readonly string[];
  hooks?: LoopHooks<B>;
};

export interface LoopHooks<B = unknown> {
  /** Before the first step (also of a resumed run, after its state is restored). */
  onTrainBegin?(ctx: StepContext<B>): void | Promise<void>;
  onEpochBegin?(ctx: StepContext<B>): void | Promise<void>;
  /** After each step, with its numbers (ctx.step counts it). */
  onStepEnd?(logs: StepLogs, ctx: StepContext<B>): void | Promise<void>;
  onEval?(logs: StepLogs, ctx: StepContext<B>): void | Promise<void>;
  /** After the last batch of an epoch. */
  onEpochEnd?(ctx: StepContext<B>): void | Promise<void>;
  /** Before every checkpoint write: the last moment to update what state.save() returns. */
  onCheckpoint?(ctx: StepContext<B>): void;
  onTrainEnd?(result: TrainLoopResult): void | Promise<void>;
}

export type TrainLoopResult = {
  /** Steps done (over the whole run, resumed or not). */
  step: number;
  /** Epochs worked on (the last one possibly partial); 0 for a stream of batches. */
  epoch: number;
  /** The signal that stopped the run (its checkpoint is written), or null. */
  interrupted: StopRequest | null;
  /** Why the loop ended early (stop(), NaN), or null. */
  stopReason: string | null;
  /** Seconds spent in steps, over the whole run. */
  trainSeconds: number;
  /** The last evaluation's numbers, or null. */
  lastEval: StepLogs | null;
  /** Whether this call resumed a checkpoint. */
  resumed: boolean;
};

/** What the loop keeps of itself in a checkpoint's extra.loop. */
type LoopSaved = {
  kind: string | null;
  epoch: number;
  batchInEpoch: number;
  /** Every generator's state when this epoch's first batch was drawn (to redraw its order on resume). */
  epochStart: Record<string, GeneratorState> | null;
  generators: Record<string, GeneratorState>;
  trainSeconds: number;
  lastEval: StepLogs | null;
  evaluatedAt: number;
};

const OPTION_KEYS = [
  'models',
  'optimizers',
  'schedulers',
  'schedulerEvery',
  'lr',
  'data',
  'maxSteps',
  'epochs',
  'loss',
  'step',
  'gradAccumSteps',
  'clipGradNorm',
  'evalEvery',
  'evaluate',
  'evalAtStart',
  'logEvery',
  'say',
  'progress',
  'log',
  'logSteps',
  'checkpoint',
  'checkpointEvery',
  'config',
  'kind',
  'state',
  'generators',
  'resume',
  'handleSignals',
  'resumeHint',
  'stopOnNaN',
  'lossKeys',
  'hooks',
] as const;

function checkLoopOptions(o: TrainLoopOptions<unknown>): void {
  if (o === undefined) throw new TypeError('trainLoop: options {models, optimizers, loss | step, maxSteps | epochs, ...} are required');
  checkOptions('trainLoop', o, OPTION_KEYS);
  if (o.progress !== undefined) checkOptions('trainLoop: progress', o.progress, ['label', 'units']);
  if (o.hooks !== undefined)
    checkOptions('trainLoop: hooks', o.hooks, ['onTrainBegin', 'onEpochBegin', 'onStepEnd', 'onEval', 'onEpochEnd', 'onCheckpoint', 'onTrainEnd']);
  if (typeof o.models !== 'object' || o.models === null) throw new TypeError('trainLoop: models is required ({ name: model })');
  if (typeof o.optimizers !== 'object' || o.optimizers === null) throw new TypeError('trainLoop: optimizers is required ({ name: optimizer })');
  if ((o.loss === undefined) === (o.step === undefined))
    throw new TypeError('trainLoop: pass exactly one of loss (the standard step) or step (a step of your own)');
  if (o.maxSteps === undefined && o.epochs === undefined) throw new TypeError('trainLoop: pass maxSteps, epochs, or both');
  const count = (name: string, v: number | undefined, min: number): void => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new RangeError(`trainLoop: ${name} must be an integer >= ${min}, got ${String(v)}`);
  };
  count('maxSteps', o.maxSteps, 0);
  count('epochs', o.epochs, 0);
  count('gradAccumSteps', o.gradAccumSteps, 1);
  count('evalEvery', o.evalEvery, 1);
  count('logEvery', o.logEvery, 0);
  if (typeof o.checkpointEvery === 'number') count('checkpointEvery', o.checkpointEvery, 1);
  else if (o.checkpointEvery !== undefined && o.checkpointEvery !== 'epoch')
    throw new RangeError(`trainLoop: checkpointEvery must be a step count or 'epoch', got ${String(o.checkpointEvery)}`);
  if (o.clipGradNorm !== undefined && !(Number.isFinite(o.clipGradNorm) && o.clipGradNorm >= 0))
    throw new RangeError(`trainLoop: clipGradNorm must be a non-negative number, got ${o.clipGradNorm}`);
  if (o.epochs !== undefined && (o.data === undefined || typeof o.data === 'function'))
    throw new TypeError('trainLoop: epochs need iterable data (a DataLoader, an array of batches); a batch function is an endless stream: use maxSteps');
  if (o.resume && !o.checkpoint) throw new TypeError('trainLoop: resume needs checkpoint (the file to continue from)');
  if (o.lossKeys !== undefined && !(Array.isArray(o.lossKeys) && o.lossKeys.every((k) => typeof k === 'string')))
    throw new TypeError(`trainLoop: lossKeys must be an array of the step logs' names, got ${String(o.lossKeys)}`);
  if (o.evalEvery !== undefined && !o.evaluate) throw new TypeError('trainLoop: evalEvery needs evaluate');
  for (const [name, m] of Object.entries(o.models)) {
    if (typeof m?.parameters !== 'function' || typeof m.stateDict !== 'function')
      throw new TypeError(`trainLoop: models.${name} must be a module (parameters(), stateDict(), loadStateDict())`);
  }
  for (const [name, opt] of Object.entries(o.optimizers)) {
    if (typeof opt?.step !== 'function' || typeof opt.zeroGrad !== 'function')
      throw new TypeError(`trainLoop: optimizers.${name} must have step() and zeroGrad()`);
  }
  if (typeof o.lr === 'object' && o.lr !== null) {
    for (const name of Object.keys(o.lr))
      if (!(name in o.optimizers)) throw new TypeError(`trainLoop: lr.${name} names no optimizer (optimizers: ${Object.keys(o.optimizers).join(', ')})`);
  }
}

const EPOCH_END = Symbol('epoch end');

/** One turn of the event loop (Node: setImmediate, after pending I/O and signals). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** Batches, epoch by epoch; knows where it is, so a resumed run draws the same batches. */
class BatchStream<B> {
  epoch = 0;
  batchInEpoch = 0;
  epochStart: Record<string, GeneratorState> | null = null;
  private it: Iterator<B> | null = null;

  constructor(
    private readonly data: (() => B) | Iterable<B> | undefined,
    private readonly generators: () => Record<string, Generator>,
  ) {}

  get iterable(): boolean {
    return this.data !== undefined && typeof this.data !== 'function';
  }

  /** Batches per epoch when the iterable says (a length or size), else NaN. */
  get perEpoch(): number {
    const d = this.data as { length?: unknown; size?: unknown } | undefined;
    if (!this.iterable) return NaN;
    const n = typeof d?.length === 'number' ? d.length : typeof d?.size === 'number' ? d.size : NaN;
    return Number.isInteger(n) ? n : NaN;
  }

  next(): B | typeof EPOCH_END {
    if (this.data === undefined) return undefined as B;
    if (typeof this.data === 'function') {
      this.batchInEpoch++;
      return this.data();
    }
    if (!this.it) {
      this.epochStart = snapshot(this.generators());
      this.it = this.data[Symbol.iterator]();
    }
    const r = this.it.next();
    if (r.done) return EPOCH_END;
    this.batchInEpoch++;
    return r.value;
  }

  /** Starts the next epoch (its order is drawn with its first batch). */
  newEpoch(): void {
    this.epoch++;
    this.batchInEpoch = 0;
    this.epochStart = null;
    this.it = null;
  }

  /** Resumes inside an epoch: redraws its order from the saved generator states and skips the batches already trained on. */
  resumeAt(epoch: number, batchInEpoch: number, epochStart: Record<string, GeneratorState> | null, now: Record<string, GeneratorState>): void {
    this.epoch = epoch;
    this.batchInEpoch = 0;
    this.it = null;
    if (this.iterable && batchInEpoch > 0) {
      if (!epochStart) throw new Error('trainLoop: the checkpoint is inside an epoch but has no record of where the epoch began');
      restore(this.generators(), epochStart);
      for (let k = 0; k < batchInEpoch; k++) {
        if (this.next() === EPOCH_END)
          throw new Error(`trainLoop: resuming at batch ${batchInEpoch} of epoch ${epoch}, but the data has only ${k} batches an epoch now`);
      }
      this.epochStart = epochStart;
    } else this.batchInEpoch = batchInEpoch;
    restore(this.generators(), now);
  }
}

function snapshot(gens: Record<string, Generator>): Record<string, GeneratorState> {
  return Object.fromEntries(Object.entries(gens).map(([n, g]) => [n, g.getState()]));
}

function restore(gens: Record<string, Generator>, states: Record<string, GeneratorState>): void {
  for (const [n, g] of Object.entries(gens)) {
    const s = states[n];
    if (!s) throw new Error(`trainLoop: the checkpoint has no state for generator '${n}' (it has ${Object.keys(states).join(', ') || 'none'})`);
    g.setState(s);
  }
}

function formatLogs(logs: StepLogs): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4)}`)
    .join(', ');
}

/** Runs the loop as configured; resolves when training ends (done, stopped, or interrupted with its checkpoint written). */
export async function trainLoop<B = unknown>(opts: TrainLoopOptions<B>): Promise<TrainLoopResult> {
  checkLoopOptions(opts as TrainLoopOptions<unknown>);
  const say = opts.say === undefined ? (line: string) => console.log(line) : opts.say;
  const hooks = opts.hooks ?? {};
  const label = opts.progress?.label ?? 'step';
  const units = opts.progress?.units;
  const logEvery = opts.logEvery ?? 10;
  const accum = opts.gradAccumSteps ?? 1;
  const models = opts.models,
    optimizers = opts.optimizers;
  const optimizerNames = Object.keys(optimizers);
  const allGenerators = (): Record<string, Generator> => ({ ...opts.generators, '': defaultGenerator });
  const stream = new BatchStream<B>(opts.data, allGenerators);
  const log = opts.log ? new JsonlLog(opts.log, label) : null;
  const lrFor = (name: string): LrSchedule | undefined => (typeof opts.lr === 'function' ? opts.lr : opts.lr?.[name]);

  let step = 0;
  let trainSeconds = 0;
  let lastEval: StepLogs | null = null;
  let evaluatedAt = -1;
  let stopReason: string | null = null;
  let stopAfterEpoch: string | null = null;
  let lr = NaN;
  let batch: B = undefined as B;

  const ctx: StepContext<B> = {
    get step() {
      return step;
    },
    get epoch() {
      return stream.epoch;
    },
    get batchInEpoch() {
      return stream.batchInEpoch;
    },
    get batch() {
      return batch;
    },
    get lr() {
      return lr;
    },
    nextBatch: () => {
      const b = stream.next();
      return b === EPOCH_END ? null : b;
    },
    stop: (reason, o) => {
      if (o?.afterEpoch) stopAfterEpoch ??= reason;
      else stopReason ??= reason;
    },
  };

  const checkpointModel = modelsAsOne(models as Record<string, CheckpointModel>);
  // one model named 'model' keeps saveCheckpoint's single-model layout for its optimizer and scheduler too
  const singleLayout = Object.keys(models).length === 1 && 'model' in models;
  const optimizerState = statefulAsOne(optimizers as Record<string, CheckpointStateful>, singleLayout);
  const schedulerState = statefulAsOne((opts.schedulers ?? {}) as Record<string, CheckpointStateful>, singleLayout);

  /** The last epoch worked on (between epochs the stream already points at the next one). */
  const epochsWorked = (): number => (stream.batchInEpoch === 0 ? Math.max(stream.epoch - 1, 0) : stream.epoch);
  const writeCheckpoint = (): void => {
    if (!opts.checkpoint || !checkpointModel) return;
    hooks.onCheckpoint?.(ctx);
    const loop: LoopSaved = {
      kind: opts.kind ?? null,
      epoch: stream.epoch,
      batchInEpoch: stream.batchInEpoch,
      epochStart: stream.epochStart,
      generators: snapshot(opts.generators ?? {}),
      trainSeconds,
      lastEval,
      evaluatedAt,
    };
    saveCheckpoint(opts.checkpoint, {
      model: checkpointModel,
      optimizer: optimizerState,
      scheduler: schedulerState,
      step,
      epoch: stream.iterable ? epochsWorked() : undefined,
      config: opts.config,
      generator: defaultGenerator,
      extra: { loop, run: opts.state?.save() ?? null },
    });
  };

  let resumed = false;
  if (opts.resume) {
    const ck = loadCheckpoint(opts.checkpoint!, {
      model: checkpointModel ?? undefined,
      optimizer: optimizerState,
      scheduler: schedulerState,
      generator: defaultGenerator,
    });
    const extra = ck.extra as { loop?: LoopSaved; run?: unknown } | null;
    const saved = extra?.loop;
    if (!saved) throw new Error(`trainLoop: ${opts.checkpoint} was not written by a training loop (no loop state in it); it cannot be resumed`);
    if (opts.kind && saved.kind && saved.kind !== opts.kind)
      throw new Error(`trainLoop: ${opts.checkpoint} is a checkpoint of '${saved.kind}', not of '${opts.kind}'`);
    step = ck.step;
    trainSeconds = saved.trainSeconds;
    lastEval = saved.lastEval;
    evaluatedAt = saved.evaluatedAt;
    stream.resumeAt(saved.epoch, saved.batchInEpoch, saved.epochStart, { ...saved.generators, '': ck.rng ?? defaultGenerator.getState() });
    opts.state?.load(extra?.run ?? null);
    log?.truncateAfter(step);
    resumed = true;
  } else log?.reset();

  const perEpoch = stream.perEpoch;
  const maxSteps = opts.maxSteps ?? (opts.epochs !== undefined && Number.isFinite(perEpoch) ? opts.epochs * perEpoch : Infinity);
  const handleSignals = opts.handleSignals ?? Boolean(opts.checkpoint);
  const interrupts = handleSignals ? new InterruptHandler((signal) => say?.(`${signal}: stopping after this step (press Ctrl-C again to quit at once)`)) : null;

  const evaluateNow = async (): Promise<void> => {
    if (!opts.evaluate) return;
    for (const m of Object.values(models)) m.eval?.();
    const logs = opts.evaluate(ctx);
    for (const m of Object.values(models)) m.train?.(true);
    lastEval = logs;
    evaluatedAt = step;
    log?.append({ [label]: step, ...logs });
    if (hooks.onEval) await hooks.onEval(logs, ctx);
    else say?.(`${label} ${step}: ${formatLogs(logs)}`);
  };

  const setLr = (): void => {
    lr = NaN;
    for (const name of optimizerNames) {
      const f = lrFor(name);
      const groups = optimizers[name]!.paramGroups;
      if (f && groups) {
        const v = f(step);
        for (const g of groups) g.lr = v;
      }
      if (Number.isNaN(lr)) lr = groups?.[0]?.lr ?? NaN;
    }
  };

  const standardStep = (): StepLogs => {
    for (const name of optimizerNames) optimizers[name]!.zeroGrad();
    let lossSum = 0;
    for (let k = 0; k < accum; k++) {
      if (k > 0) {
        const b = stream.next();
        if (b === EPOCH_END) break; // an epoch's last, partial accumulation
        batch = b;
      }
      const loss = opts.loss!(ctx);
      (accum === 1 ? loss : loss.div(accum)).backward();
      lossSum += loss.item();
    }
    const logs: StepLogs = { loss: lossSum / accum };
    if (opts.clipGradNorm) {
      // one optimizer: the norm over the models' parameters in their own order (as a hand-written loop
      // does, so the rounding is the same); several: each optimizer's parameters on their own
      if (optimizerNames.length === 1)
        logs.gradNorm = clipGradNormOf(
          Object.values(models).flatMap((m) => m.parameters()),
          opts.clipGradNorm,
        );
      else {
        for (const name of optimizerNames) {
          const groups = optimizers[name]!.paramGroups;
          if (!groups) throw new TypeError(`trainLoop: clipGradNorm with several optimizers needs each one's paramGroups; optimizers.${name} has none`);
          clipGradNormOf(
            groups.flatMap((g) => [...(g.params ?? [])]),
            opts.clipGradNorm,
          );
        }
      }
    }
    for (const name of optimizerNames) optimizers[name]!.step();
    return logs;
  };

  const endEpoch = async (): Promise<void> => {
    await hooks.onEpochEnd?.(ctx);
    if (opts.schedulerEvery === 'epoch') for (const s of Object.values(opts.schedulers ?? {})) s.step();
    if (opts.checkpointEvery === 'epoch') writeCheckpoint();
    if (stopAfterEpoch) stopReason ??= stopAfterEpoch;
    if (opts.epochs !== undefined && stream.epoch >= opts.epochs) stopReason ??= 'epochs';
    stream.newEpoch();
  };

  let interrupted: StopRequest | null = null;
  let diverged = false;
  const lossKeys = opts.lossKeys ?? ['loss'];
  let rateStart = performance.now(),
    rateStep = step,
    lastTurn = rateStart;
  try {
    for (const m of Object.values(models)) m.train?.(true);
    if (stream.iterable && stream.epoch === 0) stream.newEpoch();
    // an epoch begins with its first batch; a run resumed inside one has begun it already
    let epochBegun = stream.batchInEpoch > 0;
    setLr();
    await hooks.onTrainBegin?.(ctx);
    if (!resumed && opts.evalAtStart) await evaluateNow();
    while (step < maxSteps && stopReason === null) {
      if (interrupts?.requested) break;
      if (stream.iterable && !epochBegun) {
        epochBegun = true;
        await hooks.onEpochBegin?.(ctx);
      }
      setLr();
      const s0 = performance.now();
      const b = stream.next();
      if (b === EPOCH_END) {
        if (stream.batchInEpoch === 0)
          throw new RangeError(`trainLoop: epoch ${stream.epoch} gave no batches (empty data, or dropLast with fewer examples than a batch)`);
        await endEpoch();
        epochBegun = false;
        continue;
      }
      batch = b;
      const logs = opts.loss ? standardStep() : await opts.step!(ctx);
      step++;
      trainSeconds += (performance.now() - s0) / 1000;
      if (opts.schedulerEvery !== 'epoch') for (const s of Object.values(opts.schedulers ?? {})) s.step();
      if (opts.stopOnNaN ?? true) {
        const bad = lossKeys.find((k) => logs[k] !== undefined && !Number.isFinite(logs[k]));
        if (bad !== undefined) {
          const what = bad === 'loss' ? 'the training loss' : `${bad}`;
          stopReason = `stopped at ${label} ${step}: ${what} is ${logs[bad]} (try a lower learning rate)${opts.checkpoint ? '; the last checkpoint before it is kept' : ''}`;
          diverged = true;
        }
      }
      await hooks.onStepEnd?.(logs, ctx);
      if (say && logEvery > 0 && step % logEvery === 0) {
        const now = performance.now();
        const perStep = (now - rateStart) / 1000 / Math.max(step - rateStep, 1);
        rateStart = now;
        rateStep = step;
        const rate = units ? `${Math.round(units.perStep / perStep).toLocaleString('en-US')} ${units.name}/s` : `${(1 / perStep).toFixed(1)} it/s`;
        const eta = Number.isFinite(maxSteps) ? `, ETA ${formatDuration((maxSteps - step) * perStep)}` : '';
        say(
          `${label} ${step}${Number.isFinite(maxSteps) ? `/${maxSteps}` : ''}: ${formatLogs(logs)}, ${(perStep * 1000).toFixed(0)} ms/${label}, ${rate}, lr ${lr.toExponential(2)}${eta}`,
        );
      }
      if (log && opts.logSteps && logEvery > 0 && step % logEvery === 0) log.append({ [label]: step, ...logs, lr });
      const evalDue = opts.evalEvery !== undefined && (step % opts.evalEvery === 0 || step === maxSteps);
      if (evalDue) {
        await evaluateNow();
        rateStart = performance.now();
      }
      if (typeof opts.checkpointEvery === 'number' && step % opts.checkpointEvery === 0 && step < maxSteps) writeCheckpoint();
      if (stream.iterable && stream.batchInEpoch === perEpoch) {
        await endEpoch();
        epochBegun = false;
      }
      // a turn of the event loop, where signal handlers run: every 50 ms at most (a turn costs
      // more than a small model's step)
      if (interrupts && performance.now() - lastTurn > 50) {
        await nextTurn();
        lastTurn = performance.now();
      }
    }
    interrupted = interrupts?.requested ?? null;
    if (!interrupted && opts.evaluate && evaluatedAt !== step && stopReason === null) await evaluateNow();
    if (!diverged) writeCheckpoint(); // weights after a non-finite loss are not worth resuming
    if (interrupted) {
      say?.(`interrupted by ${interrupted.signal} at ${label} ${step}${opts.checkpoint ? `: checkpoint written to ${opts.checkpoint}` : ''}`);
      if (opts.resumeHint) say?.(`resume with: ${opts.resumeHint}`);
    }
  } finally {
    interrupts?.dispose();
  }
  const result: TrainLoopResult = {
    step,
    epoch: epochsWorked(),
    interrupted,
    stopReason: stopReason === 'epochs' ? null : stopReason,
    trainSeconds,
    lastEval,
    resumed,
  };
  await hooks.onTrainEnd?.(result);
  return result;
}

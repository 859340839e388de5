// `deepts train mlp`: the playground in a terminal. An MLP learns one of the playground's data
// sets with every knob of the lecture on a flag; the run folder gets metrics, the loss curves,
// the decision boundary picture, the per-epoch log, a checkpoint and the config.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, choiceFlag, helpText, numberFlag, parseFlags, type FlagSpec, type Parsed } from '../args.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Generator, manualSeed } from '../../tensor/generator.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { softmax } from '../../ops/index.js';
import { makePlaygroundDataset, PLAYGROUND_DATASETS, type PlaygroundDatasetName } from '../../data/playground.js';
import { applyFeatures, parseFeatures, type FeatureName } from '../../data/features.js';
import { Adam, AdamW, CosineAnnealingLR, RMSprop, SGD, type Optimizer, type BaseOptions } from '../../optim/index.js';
import { saveCheckpoint } from '../../io/checkpoint.js';
import { writeDecisionBoundary, writeLossCurve } from '../../train/plots/index.js';
import { mlp, MLP_ACTIVATIONS, type MlpActivation } from '../../models/mlp.js';
import { fit } from '../../train/fit.js';
import { evaluate, predict } from '../../train/evaluate.js';
import { EarlyStopping } from '../../train/callbacks/early-stopping.js';
import type { Callback } from '../../train/callbacks/callback.js';
import type { History } from '../../train/history.js';

const COMMAND = 'train mlp';
export const MLP_OPTIMIZERS = ['sgd', 'momentum', 'rmsprop', 'adam', 'adamw'] as const;
export type MlpOptimizerName = (typeof MLP_OPTIMIZERS)[number];
export const LR_SCHEDULES = ['constant', 'cosine'] as const;

/**
 * The defaults learn every playground data set with noise 0 (spiral to >= 0.99 test accuracy over
 * seeds 1-10) in a few seconds: x1, x2 and their sines as inputs (the squares reach 36 and saturate
 * tanh units), two tanh layers of 16, Adam at 0.01 annealed to 0 on a cosine, batches of 10.
 */
export const MLP_DEFAULTS = {
  dataset: 'spiral' as PlaygroundDatasetName,
  hidden: '16,16',
  activation: 'tanh' as MlpActivation,
  optimizer: 'adam' as MlpOptimizerName,
  lr: 0.01,
  /** Plain SGD needs a larger step to get anywhere in 300 epochs. */
  sgdLr: 0.1,
  schedule: 'cosine' as (typeof LR_SCHEDULES)[number],
  batchSize: 10,
  epochs: 300,
  features: 'x1,x2,sin(x1),sin(x2)',
  noise: 0,
  trainRatio: 0.5,
  numSamples: 500,
  seed: 1,
};

const spec: Record<string, FlagSpec> = {
  dataset: { type: 'string', default: MLP_DEFAULTS.dataset, help: `data set: ${PLAYGROUND_DATASETS.join('|')}` },
  hidden: { type: 'string', default: MLP_DEFAULTS.hidden, help: "hidden layer sizes, comma-separated ('none' for a linear model)" },
  activation: { type: 'string', default: MLP_DEFAULTS.activation, help: MLP_ACTIVATIONS.join('|') },
  optimizer: { type: 'string', default: MLP_DEFAULTS.optimizer, help: `${MLP_OPTIMIZERS.join('|')} (momentum = SGD with momentum 0.9)` },
  lr: { type: 'string', help: `learning rate (default: ${MLP_DEFAULTS.lr}; ${MLP_DEFAULTS.sgdLr} for plain sgd)` },
  schedule: { type: 'string', default: MLP_DEFAULTS.schedule, help: `learning-rate schedule over the epochs: ${LR_SCHEDULES.join('|')}` },
  'batch-size': { type: 'string', default: String(MLP_DEFAULTS.batchSize), help: 'examples per step' },
  epochs: { type: 'string', default: String(MLP_DEFAULTS.epochs), help: 'passes over the training set' },
  l1: { type: 'string', default: '0', help: 'L1 penalty λ·Σ|w| on the weights' },
  l2: { type: 'string', default: '0', help: 'L2 penalty λ·Σw² on the weights' },
  dropout: { type: 'string', default: '0', help: 'dropout probability after each hidden layer, in [0, 0.9]' },
  features: { type: 'string', default: MLP_DEFAULTS.features, help: "inputs: x1,x2,x1^2,x2^2,x1x2,sin(x1),sin(x2) or 'all'" },
  noise: { type: 'string', default: String(MLP_DEFAULTS.noise), help: 'noise in percent, 0..50 (the playground slider)' },
  'train-ratio': { type: 'string', default: String(MLP_DEFAULTS.trainRatio), help: 'fraction of points used for training, 0.1..0.9; the rest is the test set' },
  'num-samples': { type: 'string', default: String(MLP_DEFAULTS.numSamples), help: 'points in the data set' },
  patience: { type: 'string', default: '0', help: 'early stopping: stop after this many epochs without a lower test loss and restore the best weights (0 = off)' },
  seed: { type: 'string', default: String(MLP_DEFAULTS.seed), help: 'seed for the data, the initial weights, shuffling and dropout' },
  out: { type: 'string', help: 'run folder (default runs/mlp-<dataset>-<timestamp>)' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress, only the final numbers' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** Everything a run depends on; saved as config.json and inside metrics.json and the checkpoint. */
export type MlpRunConfig = {
  dataset: PlaygroundDatasetName;
  task: 'classification' | 'regression';
  hidden: number[];
  activation: MlpActivation;
  optimizer: MlpOptimizerName;
  lr: number;
  schedule: (typeof LR_SCHEDULES)[number];
  batchSize: number;
  epochs: number;
  l1: number;
  l2: number;
  dropout: number;
  features: FeatureName[];
  noise: number;
  trainRatio: number;
  numSamples: number;
  patience: number;
  seed: number;
  out: string;
};

function required<T>(v: T | undefined, name: string): T {
  if (v === undefined) throw new CliError(`deepts ${COMMAND}: --${name} needs a value`);
  return v;
}

function parseHidden(raw: string): number[] {
  if (raw.trim() === 'none' || raw.trim() === '') return [];
  const parts = raw.split(',').map((s) => s.trim());
  const sizes = parts.map(Number);
  if (parts.some((p) => p === '') || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 4096)) {
    throw new CliError(`deepts ${COMMAND}: --hidden expects comma-separated layer sizes (integers 1..4096) such as 16,16, or 'none', got '${raw}'`);
  }
  return sizes;
}

function timestamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A fresh folder name under runs/ (suffixed -2, -3, ... if two runs start in the same second). */
function defaultOut(dataset: string): string {
  const base = join('runs', `mlp-${dataset}-${timestamp()}`);
  let out = base;
  for (let k = 2; existsSync(out); k++) out = `${base}-${k}`;
  return out;
}

/** Parses and checks the flags; every bad value is a CliError naming its flag. */
export function parseMlpConfig(argv: string[]): { config: MlpRunConfig; quiet: boolean } | 'help' {
  const parsed = parseFlags(COMMAND, argv, spec);
  const f: Parsed['flags'] = parsed.flags;
  if (f.help) return 'help';
  if (parsed.positionals.length) throw new CliError(`deepts ${COMMAND}: unexpected argument '${parsed.positionals[0]}' (flags start with --; see --help)`);
  const num = (name: string, opts: { integer?: boolean; min?: number; max?: number }): number => required(numberFlag(COMMAND, f, name, opts), name);
  const dataset = required(choiceFlag(COMMAND, f, 'dataset', PLAYGROUND_DATASETS), 'dataset');
  let features: FeatureName[];
  try {
    features = parseFeatures(String(f.features));
  } catch (e) {
    throw new CliError(`deepts ${COMMAND}: --features: ${(e as Error).message.replace(/^parseFeatures: /, '')}`);
  }
  const optimizer = required(choiceFlag(COMMAND, f, 'optimizer', MLP_OPTIMIZERS), 'optimizer');
  const lr = numberFlag(COMMAND, f, 'lr', { min: 0, max: 10 }) ?? (optimizer === 'sgd' ? MLP_DEFAULTS.sgdLr : MLP_DEFAULTS.lr);
  if (lr === 0) throw new CliError(`deepts ${COMMAND}: --lr expects a number in (0, 10], got '0'`);
  const numSamples = num('num-samples', { integer: true, min: 10, max: 1_000_000 });
  const trainRatio = num('train-ratio', { min: 0.1, max: 0.9 });
  const trainCount = Math.round(numSamples * trainRatio);
  const batchSize = num('batch-size', { integer: true, min: 1, max: 1_000_000 });
  if (batchSize > trainCount) {
    throw new CliError(`deepts ${COMMAND}: --batch-size ${batchSize} is larger than the ${trainCount} training points (--num-samples ${numSamples} × --train-ratio ${trainRatio})`);
  }
  const config: MlpRunConfig = {
    dataset,
    task: dataset.startsWith('reg-') ? 'regression' : 'classification',
    hidden: parseHidden(String(f.hidden)),
    activation: required(choiceFlag(COMMAND, f, 'activation', MLP_ACTIVATIONS), 'activation'),
    optimizer,
    lr,
    schedule: required(choiceFlag(COMMAND, f, 'schedule', LR_SCHEDULES), 'schedule'),
    batchSize,
    epochs: num('epochs', { integer: true, min: 1, max: 1_000_000 }),
    l1: num('l1', { min: 0, max: 10 }),
    l2: num('l2', { min: 0, max: 10 }),
    dropout: num('dropout', { min: 0, max: 0.9 }),
    features,
    noise: num('noise', { min: 0, max: 50 }),
    trainRatio,
    numSamples,
    patience: num('patience', { integer: true, min: 0, max: 1_000_000 }),
    seed: num('seed', { integer: true, min: 0, max: 4294967295 }),
    out: typeof f.out === 'string' && f.out !== '' ? f.out : defaultOut(dataset),
  };
  return { config, quiet: f.quiet === true };
}

function makeOptimizer(name: MlpOptimizerName, params: Tensor[], lr: number): Optimizer<BaseOptions> {
  switch (name) {
    case 'sgd': return new SGD(params, { lr });
    case 'momentum': return new SGD(params, { lr, momentum: 0.9 });
    case 'rmsprop': return new RMSprop(params, { lr });
    case 'adam': return new Adam(params, { lr });
    case 'adamw': return new AdamW(params, { lr });
  }
}

export type MlpRunResult = {
  out: string;
  metrics: Record<string, unknown>;
  history: History;
};

/** MSE of predicting the training targets' mean for every test point: the number to beat. */
function meanBaselineMse(trainY: Tensor, testY: Tensor): number {
  const t = trainY.toTypedArray();
  let mean = 0;
  for (let i = 0; i < t.length; i++) mean += t[i]!;
  mean /= t.length;
  const v = testY.toTypedArray();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i]! - mean) ** 2;
  return s / v.length;
}

/** Trains as configured and writes the run folder. `say` receives the human-readable lines. */
export async function trainMlp(config: MlpRunConfig, opts: { quiet?: boolean; say?: (line: string) => void } = {}): Promise<MlpRunResult> {
  const say = opts.say ?? ((line: string) => console.log(line));
  const t0 = performance.now();
  const { task } = config;

  // The data set uses its own stream (seed); weights, shuffling and dropout another, derived from
  // the same seed, so changing --hidden does not change the points.
  const data = makePlaygroundDataset(config.dataset, { numSamples: config.numSamples, noise: config.noise, seed: config.seed });
  const gen = new Generator(Math.imul(config.seed ^ 0x5bd1e995, 0x9e3779b1) >>> 0);
  manualSeed(config.seed);
  const nTrain = Math.round(config.numSamples * config.trainRatio);
  const nTest = config.numSamples - nTrain;
  const trainXY = data.x.narrow(0, 0, nTrain), testXY = data.x.narrow(0, nTrain, nTest);
  const trainY = data.y.narrow(0, 0, nTrain), testY = data.y.narrow(0, nTrain, nTest);
  const trainX = applyFeatures(trainXY, config.features), testX = applyFeatures(testXY, config.features);

  const outputs = task === 'classification' ? 2 : 1;
  const model = mlp({ inputs: config.features.length, hidden: config.hidden, outputs, activation: config.activation, dropout: config.dropout, generator: gen });
  const optimizer = makeOptimizer(config.optimizer, model.parameters(), config.lr);
  const scheduler = config.schedule === 'cosine' ? new CosineAnnealingLR(optimizer, config.epochs) : undefined;
  const loss = task === 'classification' ? 'crossEntropy' : 'mse';
  const metrics = task === 'classification' ? (['accuracy'] as const) : (['mse', 'mae'] as const);

  const out = resolve(config.out);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  if (!opts.quiet) {
    const widths = [config.features.length, ...config.hidden, outputs].join(' → ');
    say(`deepts train mlp: ${config.dataset} (${task}), ${nTrain} train / ${nTest} test points, noise ${config.noise}, seed ${config.seed}`);
    say(`model: ${widths} (${config.activation}${config.dropout ? `, dropout ${config.dropout}` : ''}), ${model.numParameters()} parameters; inputs ${config.features.join(',')}`);
    say(`training: ${config.optimizer} lr ${config.lr} (${config.schedule}), batch ${config.batchSize}, ${config.epochs} epochs` +
      `${config.l1 ? `, l1 ${config.l1}` : ''}${config.l2 ? `, l2 ${config.l2}` : ''}${config.patience ? `, early stopping patience ${config.patience}` : ''}`);
    say(`run folder: ${config.out}`);
  }

  const callbacks: Callback[] = [];
  const early = config.patience > 0 ? new EarlyStopping({ monitor: 'valLoss', patience: config.patience, restoreBest: true }) : null;
  if (early) callbacks.push(early);
  const history = await fit(model, { x: trainX, y: trainY }, {
    epochs: config.epochs, optimizer, loss, metrics: [...metrics], validation: { x: testX, y: testY },
    batchSize: config.batchSize, generator: gen, scheduler, callbacks, l1: config.l1 || undefined, l2: config.l2 || undefined,
    evalTrain: true, progress: !opts.quiet, log: join(out, 'history.jsonl'),
  });
  const trainingSeconds = (performance.now() - t0) / 1000;

  // final numbers, in eval mode, with the weights the model ends with (the best ones under --patience)
  const train = evaluate(model, { x: trainX, y: trainY }, { loss, metrics: [...metrics] });
  const test = evaluate(model, { x: testX, y: testY }, { loss, metrics: [...metrics] });
  const result: Record<string, unknown> = { dataset: config.dataset, task, trainLoss: train.loss, testLoss: test.loss };
  if (task === 'classification') {
    result.trainAccuracy = train.metrics.accuracy;
    result.testAccuracy = test.metrics.accuracy;
  } else {
    result.trainMse = train.metrics.mse;
    result.testMse = test.metrics.mse;
    result.testMae = test.metrics.mae;
    result.meanBaselineMse = meanBaselineMse(trainY, testY);
  }
  const last = history.last()!;
  Object.assign(result, {
    epochs: last.epoch,
    stoppedEarly: history.stopReason !== null,
    stopReason: history.stopReason,
    bestEpoch: early ? early.bestEpoch : null,
    seconds: Number(trainingSeconds.toFixed(3)),
    secondsPerEpoch: Number((trainingSeconds / last.epoch).toFixed(5)),
    numParameters: model.numParameters(),
    trainExamples: nTrain,
    testExamples: nTest,
    config,
  });
  writeFileSync(join(out, 'metrics.json'), JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');

  const series = [
    { name: 'train', points: history.epochs.map((e) => [e.epoch, e.trainLoss] as const) },
    { name: 'test', points: history.epochs.filter((e) => e.valLoss !== undefined).map((e) => [e.epoch, e.valLoss!] as const) },
  ];
  const positive = series.every((s) => s.points.every(([, v]) => v > 0 && Number.isFinite(v)));
  writeLossCurve(join(out, 'loss.svg'), series, {
    title: `MLP on ${config.dataset}: ${task === 'classification' ? 'cross-entropy' : 'MSE'} per epoch`,
    xLabel: 'epoch', yLabel: task === 'classification' ? 'cross-entropy' : 'MSE', logY: positive,
  });
  const boundaryPredict = (grid: Tensor): Tensor => {
    const y = predict(model, applyFeatures(grid, config.features));
    return task === 'classification' ? noGrad(() => softmax(y, 1).select(1, 1)) : y;
  };
  writeDecisionBoundary(join(out, 'boundary.png'), boundaryPredict, [{ x: trainXY, y: trainY }, { x: testXY, y: testY, test: true }], { task });
  saveCheckpoint(join(out, 'checkpoint.safetensors'), { model, optimizer, scheduler, step: history.steps, epoch: last.epoch, config, extra: { metrics: numbersOf(result) }, generator: gen });

  const pct = (v: unknown): string => `${((v as number) * 100).toFixed(1)}%`;
  const num = (v: unknown): string => formatNumber(v as number);
  if (task === 'classification') {
    say(`train loss ${num(train.loss)}  accuracy ${pct(result.trainAccuracy)}`);
    say(`test  loss ${num(test.loss)}  accuracy ${pct(result.testAccuracy)}`);
  } else {
    const ratio = (result.meanBaselineMse as number) / (result.testMse as number);
    say(`train MSE ${num(result.trainMse)}`);
    const times = (r: number): string => (r >= 100 ? r.toExponential(1) : r.toFixed(1));
    const versus = ratio >= 1 ? `${times(ratio)}× lower` : `${times(1 / ratio)}× higher`;
    say(`test  MSE ${num(result.testMse)}  (predicting the mean: ${num(result.meanBaselineMse)}; the model's is ${versus})`);
  }
  say(`${last.epoch} epochs in ${trainingSeconds.toFixed(1)} s${history.stopReason ? ` (${history.stopReason})` : ''}`);
  say(`wrote ${config.out}/{metrics.json, loss.svg, boundary.png, history.jsonl, checkpoint.safetensors, config.json}`);
  return { out, metrics: result, history };
}

/** 4 significant digits, in exponent form below 0.001 so tiny losses do not print as 0.0000. */
function formatNumber(v: number): string {
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(4);
}

function numbersOf(o: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseMlpConfig(argv);
  if (parsed === 'help') {
    console.log(helpText(COMMAND, '[--dataset spiral] [flags]', spec));
    return 0;
  }
  await trainMlp(parsed.config, { quiet: parsed.quiet });
  return 0;
}

// The playground recipe behind `deepts train mlp`: an MLP learns one of the playground's data sets
// with every knob of the lecture, through fit() (so through the one training loop); the run folder
// gets metrics, the loss curves, the decision boundary picture, the per-epoch log, a resumable
// checkpoint and the config.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Tensor } from '../../tensor/tensor.js';
import { Generator, manualSeed } from '../../tensor/generator.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { softmax } from '../../ops/index.js';
import { makePlaygroundDataset, type PlaygroundDatasetName } from '../../data/playground.js';
import { applyFeatures, type FeatureName } from '../../data/features.js';
import { Adam, AdamW, CosineAnnealingLR, RMSprop, SGD, type Optimizer, type BaseOptions } from '../../optim/index.js';
import { writeDecisionBoundary, writeLossCurve } from '../plots/index.js';
import { mlp, type MlpActivation } from '../../models/mlp.js';
import { fit, type FitHistory } from '../fit.js';
import { evaluate, predict } from '../evaluate.js';
import { EarlyStopping } from '../callbacks/early-stopping.js';
import type { Callback } from '../callbacks/callback.js';
import type { History } from '../history.js';
import type { TrainLoopResult } from '../loop.js';
import { writeRunConfig } from '../run-folder.js';
import { checkOptions } from '../../util/options.js';

export const MLP_COMMAND = 'train mlp';
/** Epochs between checkpoints (an epoch of the playground takes milliseconds; a write with fsync about as long). */
const CHECKPOINT_EVERY = 50;
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

function makeOptimizer(name: MlpOptimizerName, params: Tensor[], lr: number): Optimizer<BaseOptions> {
  switch (name) {
    case 'sgd':
      return new SGD(params, { lr });
    case 'momentum':
      return new SGD(params, { lr, momentum: 0.9 });
    case 'rmsprop':
      return new RMSprop(params, { lr });
    case 'adam':
      return new Adam(params, { lr });
    case 'adamw':
      return new AdamW(params, { lr });
  }
}

export type MlpRunResult = {
  out: string;
  metrics: Record<string, unknown>;
  history: History;
  loop: TrainLoopResult;
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
export async function trainMlp(
  config: MlpRunConfig,
  opts: { quiet?: boolean; resume?: boolean; say?: (line: string) => void; resumeHint?: string } = {},
): Promise<MlpRunResult> {
  checkOptions('trainMlp', opts, ['quiet', 'resume', 'say', 'resumeHint']);
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
  const trainXY = data.x.narrow(0, 0, nTrain),
    testXY = data.x.narrow(0, nTrain, nTest);
  const trainY = data.y.narrow(0, 0, nTrain),
    testY = data.y.narrow(0, nTrain, nTest);
  const trainX = applyFeatures(trainXY, config.features),
    testX = applyFeatures(testXY, config.features);

  const outputs = task === 'classification' ? 2 : 1;
  const model = mlp({ inputs: config.features.length, hidden: config.hidden, outputs, activation: config.activation, dropout: config.dropout, generator: gen });
  const optimizer = makeOptimizer(config.optimizer, model.parameters(), config.lr);
  const scheduler = config.schedule === 'cosine' ? new CosineAnnealingLR(optimizer, config.epochs) : undefined;
  const loss = task === 'classification' ? 'crossEntropy' : 'mse';
  const metrics = task === 'classification' ? (['accuracy'] as const) : (['mse', 'mae'] as const);

  const out = resolve(config.out);
  mkdirSync(out, { recursive: true });
  writeRunConfig(out, MLP_COMMAND, config);
  if (!opts.quiet) {
    const widths = [config.features.length, ...config.hidden, outputs].join(' → ');
    say(`deepts train mlp: ${config.dataset} (${task}), ${nTrain} train / ${nTest} test points, noise ${config.noise}, seed ${config.seed}`);
    say(
      `model: ${widths} (${config.activation}${config.dropout ? `, dropout ${config.dropout}` : ''}), ${model.numParameters()} parameters; inputs ${config.features.join(',')}`,
    );
    say(
      `training: ${config.optimizer} lr ${config.lr} (${config.schedule}), batch ${config.batchSize}, ${config.epochs} epochs` +
        `${config.l1 ? `, l1 ${config.l1}` : ''}${config.l2 ? `, l2 ${config.l2}` : ''}${config.patience ? `, early stopping patience ${config.patience}` : ''}`,
    );
    say(`run folder: ${config.out}${opts.resume ? ' (resuming)' : ''}`);
  }

  const callbacks: Callback[] = [];
  const early = config.patience > 0 ? new EarlyStopping({ monitor: 'valLoss', patience: config.patience, restoreBest: true }) : null;
  if (early) callbacks.push(early);
  const history = (await fit(
    model,
    { x: trainX, y: trainY },
    {
      epochs: config.epochs,
      optimizer,
      loss,
      metrics: [...metrics],
      validation: { x: testX, y: testY },
      batchSize: config.batchSize,
      generator: gen,
      scheduler,
      callbacks,
      l1: config.l1 || undefined,
      l2: config.l2 || undefined,
      evalTrain: true,
      progress: !opts.quiet,
      log: join(out, 'history.jsonl'),
      checkpoint: join(out, 'checkpoint.safetensors'),
      checkpointEvery: CHECKPOINT_EVERY * Math.ceil(nTrain / config.batchSize),
      resume: opts.resume,
      generators: { gen },
      config,
      kind: MLP_COMMAND,
      say,
      resumeHint: opts.resumeHint ?? `deepts ${MLP_COMMAND} --resume ${config.out}`,
    },
  )) as FitHistory;
  if (history.loop?.interrupted) return { out, metrics: {}, history, loop: history.loop };
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
    xLabel: 'epoch',
    yLabel: task === 'classification' ? 'cross-entropy' : 'MSE',
    logY: positive,
  });
  const boundaryPredict = (grid: Tensor): Tensor => {
    const y = predict(model, applyFeatures(grid, config.features));
    return task === 'classification' ? noGrad(() => softmax(y, 1).select(1, 1)) : y;
  };
  writeDecisionBoundary(
    join(out, 'boundary.png'),
    boundaryPredict,
    [
      { x: trainXY, y: trainY },
      { x: testXY, y: testY, test: true },
    ],
    { task },
  );

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
  return { out, metrics: result, history, loop: history.loop! };
}

/** 4 significant digits, in exponent form below 0.001 so tiny losses do not print as 0.0000. */
function formatNumber(v: number): string {
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(4);
}

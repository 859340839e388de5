// `deepts train mlp`: the playground in a terminal. Flags (checked strictly) become an
// MlpRunConfig for the recipe in src/train/recipes/mlp.ts; --resume DIR continues a run (also
// one stopped with Ctrl-C) bit-for-bit.
import { CliError, choiceFlag, helpText, numberFlag, parseFlags, type FlagSpec, type Parsed } from '../args.js';
import { PLAYGROUND_DATASETS } from '../../data/playground.js';
import { parseFeatures, type FeatureName } from '../../data/features.js';
import { MLP_ACTIVATIONS } from '../../models/mlp.js';
import { LR_SCHEDULES, MLP_COMMAND, MLP_DEFAULTS, MLP_OPTIMIZERS, trainMlp, type MlpRunConfig } from '../../train/recipes/mlp.js';
import { defaultRunFolder } from '../../train/run-folder.js';
import { resumedEpochConfig } from '../resume.js';
import { signalExitCode } from '../../train/interrupt.js';

export { MLP_DEFAULTS, MLP_OPTIMIZERS, LR_SCHEDULES, trainMlp } from '../../train/recipes/mlp.js';
export type { MlpRunConfig, MlpRunResult, MlpOptimizerName } from '../../train/recipes/mlp.js';

const COMMAND = MLP_COMMAND;

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
  patience: {
    type: 'string',
    default: '0',
    help: 'early stopping: stop after this many epochs without a lower test loss and restore the best weights (0 = off)',
  },
  seed: { type: 'string', default: String(MLP_DEFAULTS.seed), help: 'seed for the data, the initial weights, shuffling and dropout' },
  out: { type: 'string', help: 'run folder (default runs/mlp-<dataset>-<timestamp>)' },
  resume: { type: 'string', help: 'continue the run in this folder from its checkpoint (--epochs may raise the count)' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress, only the final numbers' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
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

/** Parses and checks the flags; every bad value is a CliError naming its flag. */
export function parseMlpConfig(
  argv: string[],
  warn: (line: string) => void = (l) => console.error(l),
): { config: MlpRunConfig; quiet: boolean; resume: boolean } | 'help' {
  const parsed = parseFlags(COMMAND, argv, spec);
  const f: Parsed['flags'] = parsed.flags;
  if (f.help) return 'help';
  if (parsed.positionals.length) throw new CliError(`deepts ${COMMAND}: unexpected argument '${parsed.positionals[0]}' (flags start with --; see --help)`);
  if (typeof f.resume === 'string' && f.resume !== '')
    return { config: resumedEpochConfig<MlpRunConfig>(COMMAND, parsed, f.resume, 1_000_000, warn), quiet: f.quiet === true, resume: true };
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
    throw new CliError(
      `deepts ${COMMAND}: --batch-size ${batchSize} is larger than the ${trainCount} training points (--num-samples ${numSamples} × --train-ratio ${trainRatio})`,
    );
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
    out: typeof f.out === 'string' && f.out !== '' ? f.out : defaultRunFolder(`mlp-${dataset}`),
  };
  return { config, quiet: f.quiet === true, resume: false };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseMlpConfig(argv);
  if (parsed === 'help') {
    console.log(helpText(COMMAND, '[--dataset spiral] [flags]', spec));
    return 0;
  }
  const result = await trainMlp(parsed.config, { quiet: parsed.quiet, resume: parsed.resume });
  return result.loop.interrupted ? signalExitCode(result.loop.interrupted.signal) : 0;
}

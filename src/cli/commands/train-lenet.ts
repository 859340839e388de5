// `deepts train lenet`: flags (checked strictly) become a LenetRunConfig for the recipe in
// src/train/recipes/lenet.ts; --resume DIR continues a run (also one stopped with Ctrl-C) bit-for-bit.
import { CliError, choiceFlag, helpText, numberFlag, parseFlags, type FlagSpec, type Parsed } from '../args.js';
import { MNIST_DATASETS } from '../../data/mnist.js';
import {
  LENET_AUGMENTATIONS,
  LENET_COMMAND,
  LENET_DEFAULTS,
  LENET_OPTIMIZERS,
  LENET_SCHEDULES,
  trainLenet,
  type LenetRunConfig,
} from '../../train/recipes/lenet.js';
import { defaultRunFolder } from '../../train/run-folder.js';
import { resumedEpochConfig } from '../resume.js';
import { signalExitCode } from '../../train/interrupt.js';

export { LENET_AUGMENTATIONS, LENET_DEFAULTS, LENET_OPTIMIZERS, LENET_SCHEDULES, trainLenet } from '../../train/recipes/lenet.js';
export type { LenetRunConfig, LenetRunResult } from '../../train/recipes/lenet.js';

const COMMAND = LENET_COMMAND;

const spec: Record<string, FlagSpec> = {
  dataset: { type: 'string', default: LENET_DEFAULTS.dataset, help: MNIST_DATASETS.join('|') },
  data: { type: 'string', help: 'folder with the idx files (default: $DEEPTS_DATA, then ../shared/data)' },
  download: { type: 'boolean', help: 'download the data set when it is not found' },
  epochs: { type: 'string', default: String(LENET_DEFAULTS.epochs), help: 'passes over the training set' },
  'batch-size': { type: 'string', default: String(LENET_DEFAULTS.batchSize), help: 'images per step' },
  optimizer: { type: 'string', default: LENET_DEFAULTS.optimizer, help: `${LENET_OPTIMIZERS.join('|')} (momentum = SGD with momentum 0.9)` },
  lr: { type: 'string', default: String(LENET_DEFAULTS.lr), help: 'learning rate' },
  schedule: { type: 'string', default: LENET_DEFAULTS.schedule, help: `${LENET_SCHEDULES.join('|')} (cosine: annealed to 0 over every batch)` },
  'weight-decay': { type: 'string', default: String(LENET_DEFAULTS.weightDecay), help: 'weight decay (L2 for adam/sgd, decoupled for adamw)' },
  'label-smoothing': { type: 'string', default: String(LENET_DEFAULTS.labelSmoothing), help: 'label smoothing of the cross-entropy, 0..0.5' },
  augment: {
    type: 'string',
    default: LENET_DEFAULTS.augment,
    help: `${LENET_AUGMENTATIONS.join('|')}: a random small affine map, random whole-pixel shifts, or none`,
  },
  degrees: { type: 'string', default: String(LENET_DEFAULTS.degrees), help: 'affine: rotation range ±degrees' },
  translate: { type: 'string', default: String(LENET_DEFAULTS.translate), help: 'affine and shift: translation range ±pixels' },
  scale: { type: 'string', default: String(LENET_DEFAULTS.scale), help: 'affine: scale range 1 ± scale' },
  activation: { type: 'string', default: 'relu', help: "relu|tanh (LeNet's original)" },
  pool: { type: 'string', default: 'max', help: "max|avg (LeNet's original subsampling)" },
  limit: { type: 'string', help: 'train on the first N training images only (quick runs)' },
  'test-limit': { type: 'string', help: 'test on the first N test images only' },
  seed: { type: 'string', default: String(LENET_DEFAULTS.seed), help: 'seed for the weights, the shuffling and the augmentation' },
  out: { type: 'string', help: 'run folder (default runs/lenet-<dataset>-<timestamp>)' },
  resume: { type: 'string', help: 'continue the run in this folder from its checkpoint (--epochs may raise the count)' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress, only the final numbers' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

function required<T>(v: T | undefined, name: string): T {
  if (v === undefined) throw new CliError(`deepts ${COMMAND}: --${name} needs a value`);
  return v;
}

/** Parses and checks the flags; every bad value is a CliError naming its flag. */
export function parseLenetConfig(
  argv: string[],
  warn: (line: string) => void = (l) => console.error(l),
): { config: LenetRunConfig; quiet: boolean; resume: boolean } | 'help' {
  const parsed = parseFlags(COMMAND, argv, spec);
  const f: Parsed['flags'] = parsed.flags;
  if (f.help) return 'help';
  if (parsed.positionals.length) throw new CliError(`deepts ${COMMAND}: unexpected argument '${parsed.positionals[0]}' (flags start with --; see --help)`);
  if (typeof f.resume === 'string' && f.resume !== '')
    return { config: resumedEpochConfig<LenetRunConfig>(COMMAND, parsed, f.resume, 10000, warn), quiet: f.quiet === true, resume: true };
  const num = (name: string, opts: { integer?: boolean; min?: number; max?: number }): number => required(numberFlag(COMMAND, f, name, opts), name);
  const optional = (name: string): number | null => numberFlag(COMMAND, f, name, { integer: true, min: 1, max: 1e9 }) ?? null;
  const lr = num('lr', { min: 0, max: 10 });
  if (lr === 0) throw new CliError(`deepts ${COMMAND}: --lr expects a number in (0, 10], got '0'`);
  const dataset = required(choiceFlag(COMMAND, f, 'dataset', MNIST_DATASETS), 'dataset');
  const config: LenetRunConfig = {
    dataset,
    data: typeof f.data === 'string' && f.data !== '' ? f.data : null,
    download: f.download === true,
    epochs: num('epochs', { integer: true, min: 1, max: 10000 }),
    batchSize: num('batch-size', { integer: true, min: 1, max: 60000 }),
    optimizer: required(choiceFlag(COMMAND, f, 'optimizer', LENET_OPTIMIZERS), 'optimizer'),
    lr,
    schedule: required(choiceFlag(COMMAND, f, 'schedule', LENET_SCHEDULES), 'schedule'),
    weightDecay: num('weight-decay', { min: 0, max: 1 }),
    labelSmoothing: num('label-smoothing', { min: 0, max: 0.5 }),
    augment: required(choiceFlag(COMMAND, f, 'augment', LENET_AUGMENTATIONS), 'augment'),
    degrees: num('degrees', { min: 0, max: 180 }),
    translate: num('translate', { min: 0, max: 14 }),
    scale: num('scale', { min: 0, max: 0.9 }),
    activation: required(choiceFlag(COMMAND, f, 'activation', ['relu', 'tanh'] as const), 'activation'),
    pool: required(choiceFlag(COMMAND, f, 'pool', ['max', 'avg'] as const), 'pool'),
    limit: optional('limit'),
    testLimit: optional('test-limit'),
    seed: num('seed', { integer: true, min: 0, max: 4294967295 }),
    out: typeof f.out === 'string' && f.out !== '' ? f.out : defaultRunFolder(`lenet-${dataset}`),
  };
  if (config.augment === 'shift' && !Number.isInteger(config.translate)) {
    throw new CliError(`deepts ${COMMAND}: --augment shift moves by whole pixels: --translate must be an integer, got ${config.translate}`);
  }
  return { config, quiet: f.quiet === true, resume: false };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseLenetConfig(argv);
  if (parsed === 'help') {
    console.log(helpText(COMMAND, '[flags]', spec));
    return 0;
  }
  const result = await trainLenet(parsed.config, { quiet: parsed.quiet, resume: parsed.resume });
  return result.loop.interrupted ? signalExitCode(result.loop.interrupted.signal) : 0;
}

// `deepts train gan`: flags (checked strictly) become a GanRunConfig for the recipe in
// src/train/recipes/gan.ts; --resume DIR continues a run (also one stopped with Ctrl-C) bit-for-bit.
import { CliError, choiceFlag, helpText, numberFlag, parseFlags, type FlagSpec } from '../args.js';
import { MNIST_DATASETS } from '../../data/mnist.js';
import { GAN_MODELS } from '../../models/gan.js';
import { GAN_COMMAND, GAN_DEFAULTS, trainGan, type GanRunConfig } from '../../train/recipes/gan.js';
import { defaultRunFolder } from '../../train/run-folder.js';
import { resumedRunConfig } from '../resume.js';
import { signalExitCode } from '../../train/interrupt.js';

const COMMAND = GAN_COMMAND;
const D = GAN_DEFAULTS;

const spec: Record<string, FlagSpec> = {
  model: { type: 'string', default: 'dcgan', help: `${GAN_MODELS.join('|')} (gan: Goodfellow's MLP; dcgan: Radford et al.; cdcgan: conditioned on the digit)` },
  dataset: { type: 'string', default: D.dataset, help: MNIST_DATASETS.join('|') },
  data: { type: 'string', help: 'folder with the idx files (default: $DEEPTS_DATA, then ../shared/data)' },
  iterations: { type: 'string', default: String(D.iterations), help: 'training iterations (one D update and one G update each)' },
  'batch-size': { type: 'string', default: String(D.batchSize), help: 'real images per iteration (and as many generated)' },
  lr: { type: 'string', default: String(D.lr), help: "Adam's learning rate, both nets" },
  beta1: { type: 'string', default: String(D.beta1), help: "Adam's β1 (DCGAN: 0.5)" },
  latent: { type: 'string', default: String(D.latentDim), help: 'length of the noise vector z' },
  width: { type: 'string', default: String(D.width), help: "DCGAN: G's base width (its hidden layers have 4× and 2× as many feature maps)" },
  'd-width': { type: 'string', default: String(D.discriminatorWidth), help: "DCGAN: D's first layer's feature maps (its second has 2×)" },
  'label-smoothing': { type: 'string', default: String(D.labelSmoothing), help: "one-sided: real images' target is 1 − s (0..0.5)" },
  'n-critic': { type: 'string', default: String(D.nCritic), help: 'D updates per G update' },
  ema: { type: 'string', default: String(D.ema), help: "decay of the moving average of G's weights that is sampled and judged (0: G itself)" },
  'eval-every': { type: 'string', default: String(D.evalEvery), help: 'evaluate (IS, FID, class shares), draw the samples and checkpoint every N iterations' },
  'eval-samples': { type: 'string', default: String(D.evalSamples), help: 'samples per evaluation' },
  classifier: { type: 'string', help: 'a deepts train lenet run to judge the samples with (default: a cached LeNet-5, trained on first use)' },
  limit: { type: 'string', help: 'train on the first N training images only (quick runs)' },
  seed: { type: 'string', default: String(D.seed), help: 'seed for the weights, the batch order and the noise' },
  out: { type: 'string', help: 'run folder (default runs/gan-<model>-<dataset>-<timestamp>)' },
  resume: { type: 'string', help: 'continue the run in this folder from its checkpoint (--iterations may change)' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress, only the final numbers' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** Parses and checks the flags; every bad value is a CliError naming its flag. */
export function parseGanConfig(
  argv: string[],
  warn: (line: string) => void = (l) => console.error(l),
): { config: GanRunConfig; quiet: boolean; resume: boolean } | 'help' {
  const parsed = parseFlags(COMMAND, argv, spec);
  const f = parsed.flags;
  if (f.help) return 'help';
  if (parsed.positionals.length) throw new CliError(`deepts ${COMMAND}: unexpected argument '${parsed.positionals[0]}' (flags start with --; see --help)`);
  if (typeof f.resume === 'string' && f.resume !== '')
    return {
      config: resumedRunConfig<GanRunConfig, 'iterations'>(COMMAND, parsed, f.resume, { flag: 'iterations', max: 1e7 }, warn),
      quiet: f.quiet === true,
      resume: true,
    };
  const num = (name: string, opts: { integer?: boolean; min?: number; max?: number }): number => {
    const v = numberFlag(COMMAND, f, name, opts);
    if (v === undefined) throw new CliError(`deepts ${COMMAND}: --${name} needs a value`);
    return v;
  };
  const lr = num('lr', { min: 0, max: 1 });
  if (lr === 0) throw new CliError(`deepts ${COMMAND}: --lr expects a number in (0, 1], got '0'`);
  const model = choiceFlag(COMMAND, f, 'model', GAN_MODELS)!;
  const dataset = choiceFlag(COMMAND, f, 'dataset', MNIST_DATASETS)!;
  const config: GanRunConfig = {
    model,
    dataset,
    data: typeof f.data === 'string' && f.data !== '' ? f.data : null,
    iterations: num('iterations', { integer: true, min: 1, max: 1e7 }),
    batchSize: num('batch-size', { integer: true, min: 2, max: 60000 }),
    lr,
    beta1: num('beta1', { min: 0, max: 0.999 }),
    latentDim: num('latent', { integer: true, min: 1, max: 10000 }),
    width: num('width', { integer: true, min: 1, max: 1024 }),
    discriminatorWidth: num('d-width', { integer: true, min: 1, max: 1024 }),
    labelSmoothing: num('label-smoothing', { min: 0, max: 0.5 }),
    nCritic: num('n-critic', { integer: true, min: 1, max: 100 }),
    ema: num('ema', { min: 0, max: 0.99999 }),
    evalEvery: num('eval-every', { integer: true, min: 1, max: 1e7 }),
    evalSamples: num('eval-samples', { integer: true, min: 20, max: 1e6 }),
    classifier: typeof f.classifier === 'string' && f.classifier !== '' ? f.classifier : null,
    limit: numberFlag(COMMAND, f, 'limit', { integer: true, min: 1, max: 1e9 }) ?? null,
    seed: num('seed', { integer: true, min: 0, max: 4294967295 }),
    out: typeof f.out === 'string' && f.out !== '' ? f.out : defaultRunFolder(`gan-${model}-${dataset}`),
  };
  return { config, quiet: f.quiet === true, resume: false };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseGanConfig(argv);
  if (parsed === 'help') {
    console.log(helpText(COMMAND, '[flags]', spec));
    return 0;
  }
  const result = await trainGan(parsed.config, { quiet: parsed.quiet, resume: parsed.resume });
  return result.loop.interrupted ? signalExitCode(result.loop.interrupted.signal) : 0;
}

// `deepts train gpt`: flags over a preset (or over a resumed run's config), then the recipe in
// src/train/recipes/gpt.ts. Ctrl-C stops after the current step with a checkpoint; --resume DIR
// continues bit-for-bit.
import { existsSync } from 'node:fs';
import { CliError, helpText, numberFlag, parseFlags, type FlagSpec, type Parsed } from '../args.js';
import { dataPath } from '../../io/data-paths.js';
import { GPT_COMMAND, GPT_PRESETS, trainGpt, type GptRunConfig } from '../../train/recipes/gpt.js';
import { defaultRunFolder, readRunConfig } from '../../train/run-folder.js';
import { signalExitCode } from '../../train/interrupt.js';

export { GPT_PRESETS, trainGpt, runTokenizer } from '../../train/recipes/gpt.js';
export type { GptRunConfig, GptRunResult } from '../../train/recipes/gpt.js';

const COMMAND = GPT_COMMAND;

const NUMERIC: [keyof GptRunConfig, string, { integer?: boolean; min?: number; max?: number }, string][] = [
  ['nLayer', 'n-layer', { integer: true, min: 1, max: 256 }, 'transformer blocks'],
  ['nHead', 'n-head', { integer: true, min: 1, max: 256 }, 'attention heads'],
  ['nEmbd', 'n-embd', { integer: true, min: 1, max: 65536 }, 'embedding width'],
  ['blockSize', 'block-size', { integer: true, min: 1, max: 1 << 20 }, 'context length T'],
  ['dropout', 'dropout', { min: 0, max: 0.95 }, 'dropout probability'],
  ['batchSize', 'batch-size', { integer: true, min: 1, max: 1 << 20 }, 'sequences per step B'],
  ['maxIters', 'max-iters', { integer: true, min: 0, max: 1e9 }, 'training iterations'],
  ['lr', 'lr', { min: 0, max: 10 }, 'peak learning rate'],
  ['minLr', 'min-lr', { min: 0, max: 10 }, 'learning rate at the end of the cosine decay'],
  ['warmupIters', 'warmup-iters', { integer: true, min: 0, max: 1e9 }, 'linear warmup iterations'],
  ['lrDecayIters', 'lr-decay-iters', { integer: true, min: 0, max: 1e9 }, 'iterations of the cosine decay'],
  ['weightDecay', 'weight-decay', { min: 0, max: 10 }, 'AdamW weight decay (on ≥ 2-D parameters only)'],
  ['beta1', 'beta1', { min: 0, max: 0.999999 }, 'AdamW β1'],
  ['beta2', 'beta2', { min: 0, max: 0.999999 }, 'AdamW β2'],
  ['gradClip', 'grad-clip', { min: 0, max: 1e6 }, 'clip the gradient norm to this (0 = off)'],
  ['evalInterval', 'eval-interval', { integer: true, min: 1, max: 1e9 }, 'evaluate, sample and checkpoint every this many iterations'],
  ['evalIters', 'eval-iters', { integer: true, min: 1, max: 1e6 }, 'batches per loss estimate'],
  ['logInterval', 'log-interval', { integer: true, min: 1, max: 1e9 }, 'print the batch loss every this many iterations'],
  ['sampleTokens', 'sample-tokens', { integer: true, min: 0, max: 1e6 }, 'tokens per sample'],
  ['temperature', 'temperature', { min: 0, max: 100 }, 'sampling temperature'],
  ['topK', 'top-k', { integer: true, min: 0, max: 1e9 }, 'sample from the k most likely tokens (0 = all)'],
  ['trainFraction', 'train-fraction', { min: 0.01, max: 0.99 }, 'leading fraction of the text used for training; the rest is validation'],
  ['seed', 'seed', { integer: true, min: 0, max: 4294967295 }, 'seed for the weights, batches and samples'],
];

const spec: Record<string, FlagSpec> = {
  preset: { type: 'string', default: 'shakespeare-char', help: `${Object.keys(GPT_PRESETS).join('|')}` },
  data: { type: 'string', help: 'training text (default $DEEPTS_DATA/tinyshakespeare/input.txt)' },
  tokenizer: { type: 'string', help: 'char (the sorted characters of the text) | gpt2 (BPE)' },
  bias: { type: 'boolean', help: 'biases in Linear and LayerNorm (GPT-2); the presets have none' },
  ...Object.fromEntries(NUMERIC.map(([, flag, , help]) => [flag, { type: 'string', help: `${help} (preset value by default)` } as FlagSpec])),
  out: { type: 'string', help: 'run folder (default runs/gpt-<preset>-<timestamp>)' },
  resume: { type: 'string', help: 'continue the run in this folder from its checkpoint (flags may raise --max-iters)' },
  quiet: { type: 'boolean', short: 'q', help: 'print only the evaluations and the final numbers' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** Parses the flags over the preset (or over the resumed run's config). */
export function parseGptConfig(
  argv: string[],
  warn: (line: string) => void = (l) => console.error(l),
): { config: GptRunConfig; quiet: boolean; resume: string | null } | 'help' {
  const parsed = parseFlags(COMMAND, argv, spec);
  const f: Parsed['flags'] = parsed.flags;
  if (f.help) return 'help';
  if (parsed.positionals.length) throw new CliError(`deepts ${COMMAND}: unexpected argument '${parsed.positionals[0]}' (flags start with --; see --help)`);
  const resume = typeof f.resume === 'string' && f.resume !== '' ? f.resume : null;
  let base: GptRunConfig;
  if (resume) {
    try {
      const { model: _m, ...saved } = readRunConfig<GptRunConfig & { model?: unknown }>(resume, COMMAND);
      base = saved;
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  } else {
    const name = String(f.preset);
    const preset = GPT_PRESETS[name];
    if (!preset) throw new CliError(`deepts ${COMMAND}: --preset expects one of ${Object.keys(GPT_PRESETS).join('|')}, got '${name}'`);
    const { summary: _s, ...values } = preset;
    base = { ...values, preset: name, data: dataPath('tinyshakespeare', 'input.txt'), out: '' };
  }
  const config: GptRunConfig = { ...base };
  for (const [key, flag, range] of NUMERIC) {
    const v = numberFlag(COMMAND, f, flag, range);
    if (v !== undefined) (config as Record<string, unknown>)[key] = v;
  }
  if (resume) {
    const fixed = ['nLayer', 'nHead', 'nEmbd', 'blockSize', 'bias'] as const;
    for (const k of fixed)
      if (config[k] !== base[k])
        throw new CliError(`deepts ${COMMAND}: --resume keeps the model's shape; ${k} cannot change (${String(base[k])} → ${String(config[k])})`);
    if (f.data !== undefined || f.tokenizer !== undefined)
      throw new CliError(`deepts ${COMMAND}: --resume keeps the run's data and tokenizer; drop --data/--tokenizer`);
    if (typeof f.out === 'string' && f.out !== '' && f.out !== resume)
      warn(`deepts ${COMMAND}: --out ${f.out} is ignored: a resumed run writes into its own folder ${resume}`);
    if (config.maxIters !== base.maxIters)
      warn(
        `deepts ${COMMAND}: --max-iters ${config.maxIters} differs from the run's ${base.maxIters}: the run ${config.maxIters > base.maxIters ? 'continues past' : 'stops before'} its planned end (the learning-rate schedule still decays over --lr-decay-iters ${config.lrDecayIters}; a checkpoint past --max-iters trains no further)`,
      );
    config.out = resume;
  } else {
    if (typeof f.data === 'string') config.data = f.data;
    if (f.tokenizer !== undefined) {
      if (f.tokenizer !== 'char' && f.tokenizer !== 'gpt2')
        throw new CliError(`deepts ${COMMAND}: --tokenizer expects char|gpt2, got '${String(f.tokenizer)}'`);
      config.tokenizer = f.tokenizer;
    }
    if (f.bias === true) config.bias = true;
    config.out = typeof f.out === 'string' && f.out !== '' ? f.out : defaultRunFolder(`gpt-${config.preset}`);
  }
  if (config.nEmbd % config.nHead !== 0) throw new CliError(`deepts ${COMMAND}: --n-embd ${config.nEmbd} must be divisible by --n-head ${config.nHead}`);
  if (config.minLr > config.lr) throw new CliError(`deepts ${COMMAND}: --min-lr ${config.minLr} is above --lr ${config.lr}`);
  if (config.lrDecayIters < config.warmupIters)
    throw new CliError(`deepts ${COMMAND}: --lr-decay-iters ${config.lrDecayIters} is below --warmup-iters ${config.warmupIters}`);
  return { config, quiet: f.quiet === true, resume };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseGptConfig(argv);
  if (parsed === 'help') {
    const presets = Object.entries(GPT_PRESETS)
      .map(([n, p]) => `  ${n}: ${p.summary}`)
      .join('\n');
    console.log(helpText(COMMAND, '[--preset shakespeare-char] [flags]', spec) + `\n\npresets:\n${presets}`);
    return 0;
  }
  if (!existsSync(parsed.config.data)) throw new CliError(`deepts ${COMMAND}: no training text at ${parsed.config.data} (set --data or DEEPTS_DATA)`);
  const result = await trainGpt(parsed.config, { quiet: parsed.quiet, resume: parsed.resume });
  return result.loop.interrupted ? signalExitCode(result.loop.interrupted.signal) : 0;
}

// `deepts train bert` / `deepts train albert`: flags over the defaults (or over a resumed run's
// config), then the masked-language-model recipe in src/train/recipes/mlm.ts.
import { existsSync } from 'node:fs';
import { CliError, helpText, numberFlag, parseFlags, type FlagSpec } from '../args.js';
import { dataPath } from '../../io/data-paths.js';
import { MLM_DEFAULTS, trainMlm, type MlmRunConfig } from '../../train/recipes/mlm.js';
import { defaultRunFolder, readRunConfig } from '../../train/run-folder.js';
import { signalExitCode } from '../../train/interrupt.js';

export { MLM_DEFAULTS, trainMlm } from '../../train/recipes/mlm.js';
export type { MlmRunConfig, MlmRunResult } from '../../train/recipes/mlm.js';

const NUMERIC: [keyof MlmRunConfig, string, { integer?: boolean; min?: number; max?: number }, string][] = [
  ['nLayer', 'n-layer', { integer: true, min: 1, max: 256 }, 'encoder layers (ALBERT: applications of its one shared layer)'],
  ['hidden', 'hidden', { integer: true, min: 1, max: 65536 }, 'hidden size H'],
  ['heads', 'heads', { integer: true, min: 1, max: 256 }, 'attention heads'],
  ['intermediate', 'intermediate', { integer: true, min: 1, max: 1 << 20 }, 'feed-forward width'],
  ['embedding', 'embedding', { integer: true, min: 1, max: 65536 }, 'ALBERT embedding width E'],
  ['blockSize', 'block-size', { integer: true, min: 2, max: 4096 }, 'characters per window T'],
  ['batchSize', 'batch-size', { integer: true, min: 1, max: 1 << 20 }, 'windows per step B'],
  ['maxIters', 'max-iters', { integer: true, min: 1, max: 1e9 }, 'training iterations'],
  ['lr', 'lr', { min: 0, max: 10 }, 'peak learning rate (AdamW, warmup then cosine)'],
  ['minLr', 'min-lr', { min: 0, max: 10 }, 'final learning rate'],
  ['warmupIters', 'warmup-iters', { integer: true, min: 0, max: 1e9 }, 'warmup iterations'],
  ['weightDecay', 'weight-decay', { min: 0, max: 10 }, 'AdamW weight decay on ≥ 2-D parameters'],
  ['dropout', 'dropout', { min: 0, max: 0.95 }, 'dropout probability'],
  ['maskProb', 'mask-prob', { min: 0.01, max: 1 }, 'fraction of positions to predict'],
  ['evalInterval', 'eval-interval', { integer: true, min: 1, max: 1e9 }, 'evaluate every this many iterations'],
  ['evalIters', 'eval-iters', { integer: true, min: 1, max: 1e6 }, 'batches per loss estimate'],
  ['logInterval', 'log-interval', { integer: true, min: 1, max: 1e9 }, 'print the batch loss every this many iterations'],
  ['seed', 'seed', { integer: true, min: 0, max: 4294967295 }, 'seed for weights, windows and masks'],
];

function spec(): Record<string, FlagSpec> {
  return {
    data: { type: 'string', help: 'training text (default $DEEPTS_DATA/tinyshakespeare/input.txt)' },
    ...Object.fromEntries(
      NUMERIC.map(([key, flag, , help]) => [flag, { type: 'string', default: String(MLM_DEFAULTS[key as keyof typeof MLM_DEFAULTS]), help } as FlagSpec]),
    ),
    out: { type: 'string', help: 'run folder (default runs/<model>-mlm-<timestamp>)' },
    resume: { type: 'string', help: 'continue the run in this folder from its checkpoint (flags may raise --max-iters)' },
    quiet: { type: 'boolean', short: 'q', help: 'print only the evaluations and the final numbers' },
    help: { type: 'boolean', short: 'h', help: 'show this help' },
  };
}

export function parseMlmConfig(
  model: 'bert' | 'albert',
  argv: string[],
  warn: (line: string) => void = (l) => console.error(l),
): { config: MlmRunConfig; quiet: boolean; resume: boolean } | 'help' {
  const command = `train ${model}`;
  const parsed = parseFlags(command, argv, spec());
  const f = parsed.flags;
  if (f.help) return 'help';
  if (parsed.positionals.length) throw new CliError(`deepts ${command}: unexpected argument '${parsed.positionals[0]}' (flags start with --; see --help)`);
  const resume = typeof f.resume === 'string' && f.resume !== '' ? f.resume : null;
  let config: MlmRunConfig;
  if (resume) {
    let saved: MlmRunConfig & { modelConfig?: unknown };
    try {
      saved = readRunConfig<MlmRunConfig & { modelConfig?: unknown }>(resume, command);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const { modelConfig: _m, ...rest } = saved;
    config = { ...rest, out: resume };
    if (f.data !== undefined) throw new CliError(`deepts ${command}: --resume keeps the run's data; drop --data`);
    if (typeof f.out === 'string' && f.out !== '' && f.out !== resume)
      warn(`deepts ${command}: --out ${f.out} is ignored: a resumed run writes into its own folder ${resume}`);
    for (const [key, flag, range] of NUMERIC) {
      if (!parsed.given.has(flag)) continue; // a flag's default is not a change
      const v = numberFlag(command, f, flag, range)!;
      if (key === 'maxIters') {
        if (v !== config.maxIters)
          warn(
            `deepts ${command}: --max-iters ${v} differs from the run's ${config.maxIters}: the cosine schedule decays over the new count, so the steps after the checkpoint differ from the planned run's`,
          );
      } else if (v !== config[key])
        throw new CliError(
          `deepts ${command}: --resume keeps the run's settings; --${flag} cannot change (${String(config[key])} → ${v}); only --max-iters can`,
        );
      (config as Record<string, unknown>)[key] = v;
    }
  } else {
    config = {
      ...MLM_DEFAULTS,
      model,
      data: typeof f.data === 'string' ? f.data : dataPath('tinyshakespeare', 'input.txt'),
      out: typeof f.out === 'string' && f.out ? f.out : defaultRunFolder(`${model}-mlm`),
    } as MlmRunConfig;
    for (const [key, flag, range] of NUMERIC) (config as Record<string, unknown>)[key] = numberFlag(command, f, flag, range);
  }
  if (config.hidden % config.heads !== 0) throw new CliError(`deepts ${command}: --hidden ${config.hidden} must be divisible by --heads ${config.heads}`);
  if (config.minLr > config.lr) throw new CliError(`deepts ${command}: --min-lr ${config.minLr} is above --lr ${config.lr}`);
  return { config, quiet: f.quiet === true, resume: resume !== null };
}

export function runFor(model: 'bert' | 'albert'): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const parsed = parseMlmConfig(model, argv);
    if (parsed === 'help') {
      console.log(helpText(`train ${model}`, '[flags]', spec()));
      return 0;
    }
    if (!existsSync(parsed.config.data)) throw new CliError(`deepts train ${model}: no training text at ${parsed.config.data} (set --data or DEEPTS_DATA)`);
    const result = await trainMlm(parsed.config, { quiet: parsed.quiet, resume: parsed.resume });
    return result.loop.interrupted ? signalExitCode(result.loop.interrupted.signal) : 0;
  };
}

// `--resume DIR`: the run's saved config, with only its length (--epochs, or --iterations for the
// GAN) and --quiet allowed to change; --out is ignored with a warning.
import { CliError, numberFlag, type Parsed } from './args.js';
import { readRunConfig } from '../train/run-folder.js';

/** The saved config of `dir` with the length flag `count` applied; `changed` words a warning when it differs. */
export function resumedRunConfig<C extends { out: string }, K extends keyof C & string>(
  command: string,
  parsed: Parsed,
  dir: string,
  count: { flag: K; max: number; changed?: (config: C, value: number) => string },
  warn: (line: string) => void,
): C {
  let config: C;
  try {
    config = { ...readRunConfig<C>(dir, command), out: dir };
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  for (const name of parsed.given) {
    if (name === 'resume' || name === 'quiet') continue;
    if (name === count.flag) {
      const value = numberFlag(command, parsed.flags, name, { integer: true, min: 1, max: count.max })!;
      if (value !== config[count.flag])
        warn(`deepts ${command}: --${name} ${value} differs from the run's ${String(config[count.flag])}${count.changed?.(config, value) ?? ''}`);
      (config as Record<string, unknown>)[count.flag] = value;
    } else if (name === 'out') {
      if (parsed.flags.out !== dir) warn(`deepts ${command}: --out ${String(parsed.flags.out)} is ignored: a resumed run writes into its own folder ${dir}`);
    } else throw new CliError(`deepts ${command}: --resume keeps the run's settings; drop --${name} (only --${count.flag} can change)`);
  }
  return config;
}

/** For the epoch-based commands (train mlp, lenet, sentiment, translate). */
export function resumedEpochConfig<C extends { epochs: number; schedule: string; out: string }>(
  command: string,
  parsed: Parsed,
  dir: string,
  maxEpochs: number,
  warn: (line: string) => void,
): C {
  return resumedRunConfig<C, 'epochs'>(
    command,
    parsed,
    dir,
    {
      flag: 'epochs',
      max: maxEpochs,
      changed: (c) => (c.schedule === 'cosine' ? ': the cosine schedule was planned over the old count and keeps its state' : ''),
    },
    warn,
  );
}

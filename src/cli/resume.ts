// `--resume DIR` for the epoch-based commands (train mlp, train lenet): the run's saved config,
// with only --epochs (and --quiet) allowed to change; --out is ignored with a warning.
import { CliError, numberFlag, type Parsed } from './args.js';
import { readRunConfig } from '../train/run-folder.js';

export function resumedEpochConfig<C extends { epochs: number; schedule: string; out: string }>(
  command: string,
  parsed: Parsed,
  dir: string,
  maxEpochs: number,
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
    if (name === 'epochs') {
      const epochs = numberFlag(command, parsed.flags, 'epochs', { integer: true, min: 1, max: maxEpochs })!;
      if (epochs !== config.epochs)
        warn(
          `deepts ${command}: --epochs ${epochs} differs from the run's ${config.epochs}${config.schedule === 'cosine' ? ': the cosine schedule was planned over the old count and keeps its state' : ''}`,
        );
      config.epochs = epochs;
    } else if (name === 'out') {
      if (parsed.flags.out !== dir) warn(`deepts ${command}: --out ${String(parsed.flags.out)} is ignored: a resumed run writes into its own folder ${dir}`);
    } else throw new CliError(`deepts ${command}: --resume keeps the run's settings; drop --${name} (only --epochs can change)`);
  }
  return config;
}

// `deepts sample --run DIR` on a `deepts train gan` run: a grid of generated digits as PNG.
import { CliError, helpText, numberFlag, parseFlags, type FlagSpec } from '../args.js';
import { loadGanRun, sampleGan, writeSampleGrid } from '../../train/recipes/gan.js';

const COMMAND = 'sample';

export const ganSampleSpec: Record<string, FlagSpec> = {
  run: { type: 'string', help: 'a run folder of deepts train gan' },
  n: { type: 'string', default: '64', help: 'images to draw' },
  digit: { type: 'string', help: 'conditional models (cdcgan): draw only this digit, 0-9' },
  seed: { type: 'string', default: '1', help: 'seed of the noise (same seed, same images)' },
  out: { type: 'string', default: 'samples.png', help: 'the PNG grid to write' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export async function runGanSample(argv: string[]): Promise<number> {
  const { flags: f, positionals } = parseFlags(`${COMMAND} (GAN run)`, argv, ganSampleSpec);
  if (f.help) {
    console.log(helpText(COMMAND, '--run GAN_RUN_DIR [--n 64] [--digit 7] [--seed 1] [--out grid.png]', ganSampleSpec));
    return 0;
  }
  if (positionals.length) throw new CliError(`deepts ${COMMAND}: unexpected argument '${positionals[0]}' (flags start with --; see --help)`);
  const n = numberFlag(COMMAND, f, 'n', { integer: true, min: 1, max: 10000 })!;
  const seed = numberFlag(COMMAND, f, 'seed', { integer: true, min: 0, max: 4294967295 })!;
  const digit = numberFlag(COMMAND, f, 'digit', { integer: true, min: 0, max: 9 });
  const run = loadGanRun(String(f.run));
  let drawn: ReturnType<typeof sampleGan>;
  try {
    drawn = sampleGan(run, { n, digit, seed });
  } catch (e) {
    throw new CliError(`deepts ${COMMAND}: ${(e as Error).message.replace(/^sampleGan: /, '')}`);
  }
  const { images, classes } = drawn;
  const out = String(f.out);
  const cols = classes && digit === undefined ? 10 : Math.ceil(Math.sqrt(n));
  const what = digit !== undefined ? `digit ${digit}` : classes ? 'digits 0-9 in turn' : `${run.config.model}`;
  writeSampleGrid(out, images, { cols, title: `${run.config.model} samples (${what}), seed ${seed}` });
  console.error(`wrote ${n} samples of ${String(f.run)} to ${out}`);
  return 0;
}

// `deepts eval <what> --run DIR`: a trained run measured again. `gan`: the generator's samples judged
// by the LeNet-5 (Inception Score, FID-LeNet, class shares, diversity, class agreement).
import { CliError, helpText, numberFlag, parseFlags, type FlagSpec } from '../args.js';
import { evaluateGanRun } from '../../train/recipes/gan.js';

const spec: Record<string, FlagSpec> = {
  run: { type: 'string', help: 'a run folder of deepts train gan' },
  samples: { type: 'string', default: '10000', help: 'samples to draw' },
  seed: { type: 'string', default: '1234', help: 'seed of the noise' },
  classifier: { type: 'string', help: "a deepts train lenet run to judge with (default: the run's judge)" },
  json: { type: 'boolean', help: 'print the numbers as JSON' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

async function evalGan(argv: string[]): Promise<number> {
  const command = 'eval gan';
  const { flags: f, positionals } = parseFlags(command, argv, spec);
  if (f.help) {
    console.log(helpText(command, '--run DIR [flags]', spec));
    return 0;
  }
  if (positionals.length) throw new CliError(`deepts ${command}: unexpected argument '${positionals[0]}' (flags start with --; see --help)`);
  if (typeof f.run !== 'string' || f.run === '') throw new CliError(`deepts ${command}: --run DIR is required (a deepts train gan run folder)`);
  const samples = numberFlag(command, f, 'samples', { integer: true, min: 20, max: 1e6 })!;
  const seed = numberFlag(command, f, 'seed', { integer: true, min: 0, max: 4294967295 })!;
  let e: Awaited<ReturnType<typeof evaluateGanRun>>;
  try {
    e = await evaluateGanRun(f.run, { samples, seed, classifier: typeof f.classifier === 'string' ? f.classifier : null, say: (l) => console.error(l) });
  } catch (err) {
    throw new CliError(`deepts ${command}: ${(err as Error).message}`);
  }
  if (f.json) {
    console.log(JSON.stringify(e, null, 2));
    return 0;
  }
  const pct = (p: number) => `${(p * 100).toFixed(1)} %`;
  console.log(`${f.run}: ${e.samples} samples, judged by ${e.judge}`);
  console.log(
    `Inception Score  ${e.inceptionScore.toFixed(2)} ± ${e.inceptionScoreStd.toFixed(2)}   (the real test images: ${e.realInceptionScore.toFixed(2)})`,
  );
  console.log(`FID-LeNet        ${e.fid.toFixed(2)}   (real vs real, two halves of the test set: ${e.realVsRealFid.toFixed(2)})`);
  console.log(`digits           ${e.classShares.map((p, d) => `${d}: ${pct(p)}`).join(', ')}`);
  console.log(`KL from uniform  ${e.klFromUniform.toFixed(4)} nats`);
  console.log(`diversity        ${e.diversity.toFixed(2)} (sample pairs' feature distance over real pairs')`);
  if (e.classAgreement !== undefined) console.log(`class agreement  ${pct(e.classAgreement)} of the samples are the digit asked for`);
  console.log(e.modeCollapse ? `WARNING: ${e.modeCollapse}` : 'no sign of mode collapse');
  return 0;
}

const evaluators: Record<string, { summary: string; run: (argv: string[]) => Promise<number> }> = {
  gan: { summary: 'a deepts train gan run: Inception Score, FID-LeNet, class shares, mode collapse', run: evalGan },
};

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const rows = Object.entries(evaluators).map(([n, e]) => `  ${n.padEnd(8)}${e.summary}`);
  const usage = ['usage: deepts eval <what> --run DIR [flags]', '', 'what:', ...rows].join('\n');
  if (!name || name === '--help' || name === '-h') {
    console.log(usage);
    return name ? 0 : 2;
  }
  const e = evaluators[name];
  if (!e) throw new CliError(`deepts eval: unknown '${name}'\n\n${usage}`);
  return e.run(rest);
}

// `deepts predict --run DIR "text" ["text" …]` (or --file F, one text a line): each text's label and
// its probability from a classifier run folder (deepts train sentiment). The run's config says
// which data set, vocabulary and model it was, so the one command serves every such run.
import { readFileSync } from 'node:fs';
import { CliError, helpText, parseFlags, type FlagSpec } from '../args.js';
import { predictSentiment } from '../../train/recipes/sentiment.js';

const COMMAND = 'predict';
const spec: Record<string, FlagSpec> = {
  run: { type: 'string', help: 'the run folder of a finished `deepts train sentiment`' },
  file: { type: 'string', help: 'read the texts from this file, one a line (blank lines skipped)' },
  json: { type: 'boolean', help: 'print one JSON object a line instead of a table' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(COMMAND, argv, spec);
  const f = parsed.flags;
  if (f.help) {
    console.log(helpText(COMMAND, '--run DIR "text" ["text" ...] | --file F', spec));
    return 0;
  }
  if (typeof f.run !== 'string' || f.run === '') throw new CliError('deepts predict: --run DIR is required (the folder of a `deepts train sentiment` run)');
  const texts = [...parsed.positionals];
  if (typeof f.file === 'string' && f.file !== '') {
    let content: string;
    try {
      content = readFileSync(f.file, 'utf8');
    } catch (e) {
      throw new CliError(`deepts predict: cannot read --file ${f.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    texts.push(...content.split('\n').filter((l) => l.trim() !== ''));
  }
  if (texts.length === 0) throw new CliError('deepts predict: give the texts as arguments or with --file F (one text a line)');
  const empty = texts.findIndex((t) => t.trim() === '');
  if (empty >= 0) throw new CliError(`deepts predict: text ${empty + 1} is empty; give each text some words`);
  let predictions: ReturnType<typeof predictSentiment>;
  try {
    predictions = predictSentiment(f.run, texts);
  } catch (e) {
    throw new CliError(`deepts predict: ${(e as Error).message.replace(/^predict: /, '')}`);
  }
  for (const p of predictions) {
    if (f.json) console.log(JSON.stringify(p));
    else console.log(`${p.label}\t${p.probability.toFixed(4)}\t${p.text}`);
  }
  return 0;
}

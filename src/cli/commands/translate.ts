// `deepts translate --run DIR "我爱中国。" ["…" …]` (or --file F, one sentence a line): translations by
// a `deepts train translate` run, one a line on stdout (notes on stderr), with beam search;
// --attention PATH writes the attention map of the first sentence (PNG or SVG by extension; for a
// Transformer the last layer's, averaged over heads, and every layer × head beside it as PATH-heads);
// --eval FILE scores the run against `source<TAB>reference` lines with sacreBLEU's BLEU and chrF.
import { readFileSync } from 'node:fs';
import { CliError, helpText, numberFlag, parseFlags, type FlagSpec } from '../args.js';
import {
  loadTranslationRun,
  translateTexts,
  translationBleu,
  translationChrf,
  translationHeadAttention,
  type TranslationRun,
} from '../../train/recipes/translate.js';
import { writeAttentionGrid, writeAttentionMap } from '../../train/plots/attention-map.js';

const COMMAND = 'translate';
const spec: Record<string, FlagSpec> = {
  run: { type: 'string', help: 'the run folder of a `deepts train translate`' },
  file: { type: 'string', help: 'read the sentences from this file, one a line (blank lines skipped)' },
  eval: { type: 'string', help: 'score against this file of `source<TAB>reference` lines: BLEU and chrF' },
  beam: { type: 'string', help: "beam width; 1: greedy (default: the run's)" },
  'length-penalty': { type: 'string', help: "alpha of GNMT's length penalty (default: the run's)" },
  attention: {
    type: 'string',
    help: 'write the attention map of the first sentence here (.png or .svg); Transformer: also every layer × head as <name>-heads.<ext>',
  },
  json: { type: 'boolean', help: 'print one JSON object a line (source, translation, tokens, attention)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

function readLines(flag: string, path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n');
  } catch (e) {
    throw new CliError(`deepts ${COMMAND}: cannot read --${flag} ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** `source<TAB>reference` lines (blank lines skipped); a line without exactly one tab is an error naming it. */
export function parseEvalFile(path: string, lines: readonly string[]): { sources: string[]; references: string[] } {
  const sources: string[] = [],
    references: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const fields = line.replace(/\r$/, '').split('\t');
    if (fields.length !== 2 || fields[0]!.trim() === '' || fields[1]!.trim() === '')
      throw new CliError(
        `deepts ${COMMAND}: --eval ${path} line ${i + 1}: expected 'source<TAB>reference', got ${fields.length} field${fields.length === 1 ? '' : 's'}`,
      );
    sources.push(fields[0]!);
    references.push(fields[1]!);
  });
  if (sources.length === 0) throw new CliError(`deepts ${COMMAND}: --eval ${path} has no 'source<TAB>reference' lines`);
  return { sources, references };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(COMMAND, argv, spec);
  const f = parsed.flags;
  if (f.help) {
    console.log(helpText(COMMAND, '--run DIR "sentence" ["sentence" ...] | --file F | --eval F', spec));
    return 0;
  }
  if (typeof f.run !== 'string' || f.run === '')
    throw new CliError(`deepts ${COMMAND}: --run DIR is required (the folder of a \`deepts train translate\` run)`);
  const beam = numberFlag(COMMAND, f, 'beam', { integer: true, min: 1, max: 100 });
  const lengthPenalty = numberFlag(COMMAND, f, 'length-penalty', { min: 0, max: 10 });
  const opts = { ...(beam !== undefined ? { beam } : {}), ...(lengthPenalty !== undefined ? { lengthPenalty } : {}) };
  let run: TranslationRun;
  try {
    run = loadTranslationRun(f.run);
  } catch (e) {
    throw new CliError(`deepts ${COMMAND}: ${(e as Error).message.replace(/^translate: /, '')}`);
  }
  if (typeof f.eval === 'string' && f.eval !== '') {
    const { sources, references } = parseEvalFile(f.eval, readLines('eval', f.eval));
    const out = translateTexts(run, sources, opts);
    const target = run.config.direction === 'zh-en' ? 'en' : 'zh';
    const bleu = translationBleu(
      out.map((t) => t.translation),
      references,
      target,
    );
    const chrf = translationChrf(
      out.map((t) => t.translation),
      references,
      target,
    );
    console.log(bleu.format());
    console.log(chrf.format());
    console.error(`${bleu.signature}\n${chrf.signature}`);
    return 0;
  }
  const texts = [...parsed.positionals];
  if (typeof f.file === 'string' && f.file !== '') texts.push(...readLines('file', f.file).filter((l) => l.trim() !== ''));
  if (texts.length === 0) throw new CliError(`deepts ${COMMAND}: give the sentences as arguments, with --file F (one a line) or --eval F`);
  const empty = texts.findIndex((t) => t.trim() === '');
  if (empty >= 0) throw new CliError(`deepts ${COMMAND}: sentence ${empty + 1} is empty; give each one some words`);
  const out = translateTexts(run, texts, opts);
  out.forEach((t, i) => {
    if (t.unknown.length) console.error(`note: sentence ${i + 1} has tokens the model never saw in training, read as <unk>: ${t.unknown.join(' ')}`);
    if (t.truncated) console.error(`warning: sentence ${i + 1} is longer than the model's ${run.config.maxLength} tokens; the rest was cut`);
    console.log(f.json ? JSON.stringify(t) : t.translation);
  });
  if (typeof f.attention === 'string' && f.attention !== '') {
    const t = out[0]!;
    if (!t.attention) throw new CliError(`deepts ${COMMAND}: the run's model (${run.config.model}) has no attention to draw`);
    const targetTokens = [...t.targetTokens, '<eos>'].slice(0, t.attention.length);
    const title = `${run.config.model} ${run.config.direction}: ${t.source}`;
    const heads = translationHeadAttention(run, t);
    writeAttentionMap(f.attention, t.attention, t.sourceTokens, targetTokens, {
      title: heads ? `${title} (last layer, mean of the heads)` : title,
    });
    console.error(`wrote ${f.attention}`);
    if (heads) {
      // the Transformer: every layer and head too, beside the map
      const grid = f.attention.replace(/(\.[^./]*)$/, '-heads$1');
      writeAttentionGrid(grid, heads, t.sourceTokens, targetTokens, { title: `${title}: cross-attention, layer × head` });
      console.error(`wrote ${grid}`);
    }
  }
  return 0;
}

// `deepts tokenize`: encode text with a named tokenizer or a tokenizer file, printing ids,
// pieces, coloured tokens (like the tokenizer page on the lecture's slide) or statistics.
// `deepts tokenize --stats` with no text prints the slide's vocabulary table next to ours.
import { readFileSync } from 'node:fs';
import { CliError, helpText, numberFlag, parseFlags, type FlagSpec } from '../args.js';
import { NAMED_TOKENIZERS, loadNamedTokenizer, loadTokenizerFromPath, type TokenizerName } from '../../tokenizers/registry.js';
import type { Tokenizer } from '../../tokenizers/tokenizer.js';
import { groupTokensByCharacters } from '../../tokenizers/utf8.js';
import { LECTURE_VOCABULARY_TABLE, countCharacters, lectureCorpora, tokenStats } from '../../tokenizers/vocabulary-stats.js';

const spec: Record<string, FlagSpec> = {
  tokenizer: { type: 'string', short: 't', default: 'gpt2', help: `${NAMED_TOKENIZERS.join('|')} or a tokenizer file/folder` },
  file: { type: 'string', short: 'f', help: 'read the text from this file (UTF-8)' },
  ids: { type: 'boolean', help: 'print the ids as a JSON array (the default)' },
  pieces: { type: 'boolean', help: 'print the tokens as a JSON array' },
  color: { type: 'boolean', help: 'print the text with each token coloured' },
  stats: { type: 'boolean', help: "print vocabulary size, tokens and tokens per character; with no text, the lecture's table" },
  'allow-special': { type: 'boolean', help: 'recognise special tokens such as <|endoftext|> in the text' },
  'max-texts': { type: 'string', help: 'for the lecture table: use only the first N texts of each corpus' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};
const USAGE = '[--tokenizer NAME|PATH] [--ids|--pieces|--color|--stats] (TEXT | --file F)';

// Background colours cycled over tokens, like the pastel spans of the OpenAI tokenizer page.
const BACKGROUNDS = [153, 187, 151, 224, 181];

export function openTokenizer(nameOrPath: string): Tokenizer {
  return (NAMED_TOKENIZERS as readonly string[]).includes(nameOrPath) ? loadNamedTokenizer(nameOrPath as TokenizerName) : loadTokenizerFromPath(nameOrPath);
}

export function colorTokens(tok: Tokenizer, ids: number[], useColor: boolean): string {
  const groups = groupTokensByCharacters(ids.map((id) => tok.idToBytes(id)));
  return groups
    .map((g, i) => {
      if (!useColor) return `[${g.text}]`;
      const on = `\x1b[30;48;5;${BACKGROUNDS[i % BACKGROUNDS.length]}m`;
      return on + g.text.replaceAll('\n', `\x1b[0m\n${on}`) + '\x1b[0m';
    })
    .join('');
}

function lectureTable(maxTexts: number): string {
  const corpora = lectureCorpora(maxTexts);
  const fmt = (v: number) => v.toFixed(3);
  const rows: string[][] = [['model', 'vocab', 'zh tokens/char', 'zh (slide)', 'en tokens/char', 'en (slide)']];
  const measured: Array<{ model: string; tokenizer: TokenizerName; vocab?: number; chinese?: number; english?: number }> = [
    ...LECTURE_VOCABULARY_TABLE.map((r) => ({
      model: r.model,
      tokenizer: r.tokenizer as TokenizerName,
      vocab: r.vocab,
      chinese: r.chinese,
      english: r.english,
    })),
    { model: 'Chinese-LLaMA-2 (not on slide)', tokenizer: 'chinese-llama-2' },
    { model: 'GPT-2 (not on slide)', tokenizer: 'gpt2' },
  ];
  for (const r of measured) {
    if (!r.tokenizer) {
      rows.push([r.model, String(r.vocab), '-', String(r.chinese), '-', String(r.english)]);
      continue;
    }
    const tok = loadNamedTokenizer(r.tokenizer);
    const zh = tokenStats(tok, corpora.chinese).tokensPerCharacter;
    const en = tokenStats(tok, corpora.english).tokensPerCharacter;
    rows.push([
      r.model,
      String(tok.vocabSize),
      fmt(zh),
      r.chinese === undefined ? '-' : String(r.chinese),
      fmt(en),
      r.english === undefined ? '-' : String(r.english),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const lines = rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const n = Number.isFinite(maxTexts) ? ` (first ${maxTexts} texts of each file)` : '';
  return [
    `Tokens per character, each text encoded on its own${n}:`,
    `  Chinese: ChnSentiCorp + waimai_10k reviews (${corpora.chinese.length} texts); English: SST-2 train sentences (${corpora.english.length} texts).`,
    '  "(slide)" columns are the lecture\'s numbers; its corpora are not stated, so expect close, not equal, values.',
    '',
    ...lines,
  ].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { flags, positionals } = parseFlags('tokenize', argv, spec);
  if (flags.help) {
    console.log(helpText('tokenize', USAGE, spec));
    return 0;
  }
  const maxTexts = numberFlag('tokenize', flags, 'max-texts', { integer: true, min: 1 }) ?? Infinity;
  if (flags.file !== undefined && positionals.length > 0) throw new CliError('deepts tokenize: give either TEXT or --file, not both');
  let text: string | undefined;
  if (typeof flags.file === 'string') {
    try {
      text = readFileSync(flags.file, 'utf8');
    } catch (e) {
      throw new CliError(`deepts tokenize: cannot read --file ${flags.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  } else if (positionals.length > 0) text = positionals.join(' ');

  if (text === undefined) {
    if (flags.stats) {
      console.log(lectureTable(maxTexts));
      return 0;
    }
    throw new CliError(`deepts tokenize: no text; give TEXT or --file F (or --stats alone for the lecture's table)\n\n${helpText('tokenize', USAGE, spec)}`);
  }

  const tok = openTokenizer(String(flags.tokenizer));
  const ids = tok.encode(text, flags['allow-special'] ? { allowedSpecial: 'all' } : undefined);
  const showIds = flags.ids || !(flags.pieces || flags.color || flags.stats);
  if (showIds) console.log(JSON.stringify(ids));
  if (flags.pieces) console.log(JSON.stringify(ids.map((id) => tok.idToToken(id))));
  if (flags.color) {
    // FORCE_COLOR (non-empty, not '0') forces colour; otherwise colour only on a terminal without NO_COLOR.
    const force = process.env.FORCE_COLOR;
    const useColor = force ? force !== '0' : process.stdout.isTTY === true && !process.env.NO_COLOR;
    console.log(colorTokens(tok, ids, useColor));
    console.log(`Tokens: ${ids.length}  Characters: ${countCharacters(text)}`);
  }
  if (flags.stats) {
    const chars = countCharacters(text);
    console.log(
      [
        `tokenizer:     ${tok.name}`,
        `vocabulary:    ${tok.vocabSize}`,
        `characters:    ${chars}`,
        `tokens:        ${ids.length}`,
        `tokens/char:   ${chars === 0 ? '0' : (ids.length / chars).toFixed(3)}`,
      ].join('\n'),
    );
  }
  return 0;
}

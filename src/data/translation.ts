// The Tatoeba English–Mandarin pairs (translation/cmn-eng/cmn.txt, `English<TAB>Chinese<TAB>attribution`)
// as train / validation / test splits of {source, target}, zh→en or en→zh.
// - Normalization (both sides): NFC, zero-width characters (U+200B–U+200D, U+FEFF) removed,
//   whitespace runs collapsed to one space, trimmed. Not NFKC: it would turn the Chinese full-width
//   punctuation (，。！？：) into ASCII in about a fifth of the sentences. Traditional characters are
//   kept as they are (no dependency-free mapping is exact: it is one-to-many), as is the mix of
//   ASCII and full-width marks in the Chinese text. Case is kept: the English tokenizer lower-cases.
// - Exact duplicate pairs (after normalization) are dropped. Tatoeba gives one English sentence several
//   translations and one Chinese sentence several sources, so pairs sharing an English or a Chinese
//   sentence form a group (union-find over both sides) and a group stays in one split: no source
//   sentence of test or validation is in train, in either direction.
// - The split, fixed by the seed and the same for both directions: the groups are shuffled by
//   Generator(seed) and dealt in turn to test, else validation, each while the group still fits in
//   its 1,000 pairs, else to train. Groups are small (at most 16 pairs, 90 % single), so both fill to
//   exactly 1,000 long before the groups run out.
import { dataPath, readDataFile } from '../io/data-paths.js';
import { Generator } from '../tensor/generator.js';
import { BOS_ID, BOS_TOKEN, EOS_ID, EOS_TOKEN, VocabTokenizer } from '../tokenizers/vocab-tokenizer.js';
import { shuffleInPlace } from './shuffle.js';
import { checkNumber, checkOneOf, checkOptions, optionKeys } from '../util/options.js';

export const TRANSLATION_DIRECTIONS = ['zh-en', 'en-zh'] as const;
export type TranslationDirection = (typeof TRANSLATION_DIRECTIONS)[number];
export type TranslationLanguage = 'zh' | 'en';

/** Pairs in each of test and validation. */
export const TRANSLATION_HELD_OUT = 1000;

export type TranslationPair = { source: string; target: string };
export type TranslationSplits = {
  direction: TranslationDirection;
  language: { source: TranslationLanguage; target: TranslationLanguage };
  train: TranslationPair[];
  validation: TranslationPair[];
  test: TranslationPair[];
  /** How the splits were made, with the counts (for the run's record). */
  split: string;
};

/** seed: of the split (default 0); direction: default 'zh-en'; dir: the folder holding cmn.txt (default $DEEPTS_DATA/translation/cmn-eng). */
export type TranslationLoadOptions = { seed?: number; direction?: TranslationDirection; dir?: string };
const LOAD_KEYS = optionKeys<TranslationLoadOptions>({ seed: true, direction: true, dir: true });

/** A sentence as the splits hold it (see the file header). */
export function normalizeSentence(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

type EnZh = { en: string; zh: string };

/** The file's distinct pairs, in file order, and how many lines it had. */
function readPairs(path: string): { pairs: EnZh[]; lines: number } {
  const text = readDataFile(path, 'translation', 'translation/cmn-eng/cmn.txt');
  const seen = new Set<string>();
  const pairs: EnZh[] = [];
  let lines = 0;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return; // the trailing newline
    lines++;
    const fields = line.split('\t');
    const en = normalizeSentence(fields[0]!),
      zh = normalizeSentence(fields[1] ?? '');
    if (fields.length < 2 || fields.length > 3 || !en || !zh)
      throw new Error(`translation: ${path}: line ${i + 1} is not 'English<TAB>Chinese<TAB>attribution' with both sentences non-empty`);
    const key = `${en}\t${zh}`;
    if (seen.has(key)) return;
    seen.add(key);
    pairs.push({ en, zh });
  });
  return { pairs, lines };
}

/** The pairs grouped so that pairs sharing an English or a Chinese sentence are together; groups in order of their first pair. */
function groupBySentence(pairs: readonly EnZh[]): EnZh[][] {
  const parent = pairs.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const firstEn = new Map<string, number>(),
    firstZh = new Map<string, number>();
  pairs.forEach((p, i) => {
    for (const [first, key] of [
      [firstEn, p.en],
      [firstZh, p.zh],
    ] as const) {
      const j = first.get(key);
      if (j === undefined) first.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, EnZh[]>();
  pairs.forEach((p, i) => {
    const root = find(i);
    const g = groups.get(root) ?? [];
    g.push(p);
    groups.set(root, g);
  });
  return [...groups.values()];
}

/** The splits in the given direction; the same seed gives the same split, whichever the direction. */
export function loadTranslationPairs(opts: TranslationLoadOptions = {}): TranslationSplits {
  checkOptions('loadTranslationPairs', opts, LOAD_KEYS);
  const seed = opts.seed ?? 0;
  checkNumber('loadTranslationPairs', 'seed', seed, { integer: true, min: 0 });
  const direction = opts.direction ?? 'zh-en';
  checkOneOf('loadTranslationPairs', 'direction', direction, TRANSLATION_DIRECTIONS);
  const path = opts.dir ? [opts.dir, 'cmn.txt'].join('/') : dataPath('translation', 'cmn-eng', 'cmn.txt');

  const { pairs, lines } = readPairs(path);
  const groups = shuffleInPlace(groupBySentence(pairs), new Generator(seed));
  const test: EnZh[] = [],
    validation: EnZh[] = [],
    train: EnZh[] = [];
  for (const g of groups) {
    if (test.length + g.length <= TRANSLATION_HELD_OUT) test.push(...g);
    else if (validation.length + g.length <= TRANSLATION_HELD_OUT) validation.push(...g);
    else train.push(...g);
  }
  if (test.length < TRANSLATION_HELD_OUT || validation.length < TRANSLATION_HELD_OUT || train.length === 0)
    throw new Error(
      `translation: ${path}: ${pairs.length} distinct pairs in ${groups.length} groups; ${TRANSLATION_HELD_OUT} test and ${TRANSLATION_HELD_OUT} validation pairs need more`,
    );

  const zhToEn = direction === 'zh-en';
  const orient = (split: EnZh[]): TranslationPair[] => split.map((p) => (zhToEn ? { source: p.zh, target: p.en } : { source: p.en, target: p.zh }));
  const n = (x: number) => x.toLocaleString('en-US');
  return {
    direction,
    language: zhToEn ? { source: 'zh', target: 'en' } : { source: 'en', target: 'zh' },
    train: orient(train),
    validation: orient(validation),
    test: orient(test),
    split:
      `Tatoeba cmn-eng: ${n(lines)} lines, ${n(lines - pairs.length)} duplicate pairs dropped, ${n(pairs.length)} pairs in ${n(groups.length)} groups ` +
      `(pairs sharing an English or a Chinese sentence); groups shuffled (seed ${seed}) and dealt to ${n(test.length)} test / ${n(validation.length)} validation ` +
      `pairs while they fit, the rest to train (${n(train.length)}); the same split for both directions`,
  };
}

/** A translation vocabulary's specials after <pad> = 0 and <unk> = 1. */
export const TRANSLATION_SPECIALS = [BOS_TOKEN, EOS_TOKEN] as const;
export { BOS_ID, EOS_ID };

export type TranslationVocabOptions = { minFreq?: number; maxSize?: number };
const VOCAB_KEYS = optionKeys<TranslationVocabOptions>({ minFreq: true, maxSize: true });

/** The vocabulary of one language's sentences: Chinese as characters, English as lower-cased words and marks; <pad> 0, <unk> 1, <bos> 2, <eos> 3. */
export function translationVocab(texts: readonly string[], language: TranslationLanguage, opts: TranslationVocabOptions = {}): VocabTokenizer {
  checkOneOf('translationVocab', 'language', language, ['zh', 'en'] as const);
  checkOptions('translationVocab', opts, VOCAB_KEYS);
  return VocabTokenizer.build(texts, { ...opts, level: language === 'zh' ? 'char' : 'word', specials: TRANSLATION_SPECIALS });
}

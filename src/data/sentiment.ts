// The sentiment data sets (text → positive / negative) from the shared data folder, as train /
// validation / test splits of {text, label}:
// - chnsenticorp: ChnSentiCorp hotel reviews (7,766; ~2.2 positive : 1), Chinese;
// - waimai: waimai_10k food-delivery reviews (11,987; 1 : 2), Chinese;
// - sst2: GLUE SST-2 sentences (67,349 train; 872 dev), English.
// ChnSentiCorp and waimai come without a split: theirs is a fixed, seeded, stratified one (each label
// shuffled by Generator(seed) and cut 80 / 10 / 10 %). SST-2's test labels are not public, so its
// GLUE dev set is the test split and validation is a seeded stratified 5 % of train. Labels are
// 0 = negative, 1 = positive; names 负面/正面 for the Chinese sets, negative/positive for SST-2.
import { dataPath, readDataFile } from '../io/data-paths.js';
import { Generator } from '../tensor/generator.js';
import { shuffleInPlace } from './shuffle.js';
import { parseCsv } from '../tokenizers/sentiment-texts.js';
import { checkNumber, checkOneOf, checkOptions, optionKeys } from '../util/options.js';

export const SENTIMENT_DATASETS = ['chnsenticorp', 'waimai', 'sst2'] as const;
export type SentimentDatasetName = (typeof SENTIMENT_DATASETS)[number];

export type LabeledText = { text: string; label: number };
export type SentimentSplits = {
  name: SentimentDatasetName;
  language: 'zh' | 'en';
  /** Label names by id: 0 negative, 1 positive. */
  labels: readonly string[];
  train: LabeledText[];
  validation: LabeledText[];
  test: LabeledText[];
  /** How the splits were made (for the run's record). */
  split: string;
};

/** seed: of the split (default 0); dir: the folder holding chnsenticorp/, waimai_10k/ and sst2/ (default $DEEPTS_DATA/sentiment). */
export type SentimentLoadOptions = { seed?: number; dir?: string };
const LOAD_KEYS = optionKeys<SentimentLoadOptions>({ seed: true, dir: true });

export const SENTIMENT_LABELS: Record<SentimentDatasetName, readonly string[]> = {
  chnsenticorp: ['负面', '正面'],
  waimai: ['负面', '正面'],
  sst2: ['negative', 'positive'],
};

const readFile = (path: string) => readDataFile(path, 'sentiment', 'sentiment/');

/** Rows of a `label,review` CSV: label 0/1, the review; empty reviews are dropped. */
function labelReviewCsv(path: string): LabeledText[] {
  const rows = parseCsv(readFile(path));
  if (rows[0]?.[0] !== 'label' || rows[0]?.[1] !== 'review')
    throw new Error(`sentiment: ${path}: expected the header 'label,review', got '${rows[0]?.join(',')}'`);
  const out: LabeledText[] = [];
  rows.slice(1).forEach((r, i) => {
    if (r.length === 1 && r[0] === '') return; // a trailing blank line
    const label = Number(r[0]);
    if (r.length < 2 || (label !== 0 && label !== 1))
      throw new Error(`sentiment: ${path}: row ${i + 2} is not 'label,review' with label 0 or 1: ${JSON.stringify(r)}`);
    const text = r.slice(1).join(',').trim();
    if (text) out.push({ text, label });
  });
  return out;
}

/** Rows of a `sentence<TAB>label` TSV. */
function sentenceLabelTsv(path: string): LabeledText[] {
  const lines = readFile(path).split('\n');
  if (!lines[0]?.startsWith('sentence\tlabel')) throw new Error(`sentiment: ${path}: expected the header 'sentence<TAB>label', got '${lines[0]}'`);
  const out: LabeledText[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const tab = line.lastIndexOf('\t');
    const label = Number(line.slice(tab + 1));
    if (tab < 0 || (label !== 0 && label !== 1)) throw new Error(`sentiment: ${path}: line ${i + 2} is not 'sentence<TAB>label' with label 0 or 1`);
    const text = line.slice(0, tab).trim();
    if (text) out.push({ text, label });
  });
  return out;
}

/** Each label's items shuffled by `gen`, cut into parts of the given fractions (the last part takes the rest). */
export function stratifiedSplit<T extends { label: number }>(items: readonly T[], fractions: readonly number[], gen: Generator): T[][] {
  const byLabel = new Map<number, T[]>();
  for (const it of items) {
    const list = byLabel.get(it.label) ?? [];
    list.push(it);
    byLabel.set(it.label, list);
  }
  const parts: T[][] = fractions.map(() => []);
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const list = shuffleInPlace(byLabel.get(label)!, gen);
    let at = 0;
    fractions.forEach((f, k) => {
      const n = k === fractions.length - 1 ? list.length - at : Math.round(f * list.length);
      parts[k]!.push(...list.slice(at, at + n));
      at += n;
    });
  }
  // interleave the labels again (a split ordered by label would train badly without shuffling)
  for (const part of parts) shuffleInPlace(part, gen);
  return parts;
}

/** The named data set's splits; the same seed gives the same splits. */
export function loadSentimentDataset(name: SentimentDatasetName, opts: SentimentLoadOptions = {}): SentimentSplits {
  checkOneOf('loadSentimentDataset', 'name', name, SENTIMENT_DATASETS);
  checkOptions('loadSentimentDataset', opts, LOAD_KEYS);
  const seed = opts.seed ?? 0;
  checkNumber('loadSentimentDataset', 'seed', seed, { integer: true, min: 0 });
  const path = (...p: string[]) => (opts.dir ? [opts.dir, ...p].join('/') : dataPath('sentiment', ...p));
  const gen = new Generator(seed);
  if (name === 'sst2') {
    const [train, validation] = stratifiedSplit(sentenceLabelTsv(path('sst2', 'train.tsv')), [0.95, 0.05], gen) as [LabeledText[], LabeledText[]];
    return {
      name,
      language: 'en',
      labels: SENTIMENT_LABELS[name],
      train,
      validation,
      test: sentenceLabelTsv(path('sst2', 'dev.tsv')),
      split: `GLUE train: a stratified 95 / 5 % train / validation split (seed ${seed}); test: the GLUE dev set (SST-2's test labels are not public)`,
    };
  }
  const file = name === 'chnsenticorp' ? path('chnsenticorp', 'ChnSentiCorp_htl_all.csv') : path('waimai_10k', 'waimai_10k.csv');
  const [train, validation, test] = stratifiedSplit(labelReviewCsv(file), [0.8, 0.1, 0.1], gen) as [LabeledText[], LabeledText[], LabeledText[]];
  return {
    name,
    language: 'zh',
    labels: SENTIMENT_LABELS[name],
    train,
    validation,
    test,
    split: `no split upstream: a stratified 80 / 10 / 10 % train / validation / test split (seed ${seed})`,
  };
}

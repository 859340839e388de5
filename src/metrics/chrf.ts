// chrF (Popović 2015) and chrF++ (Popović 2017) exactly as sacreBLEU 2.6.0's CHRF
// (sacrebleu/metrics/chrf.py): character n-grams of each order up to charOrder (whitespace
// removed unless `whitespace`) and, for chrF++, word n-grams up to wordOrder; per segment the
// [hypothesis, reference, match] counts of the reference with the best F-score; the counts are
// summed over the corpus, and the score is F-beta of the precision and recall averaged over the
// orders both sides have n-grams of (sacreBLEU's "effective order"; `epsSmoothing` instead
// averages per-order F-scores with 1e-16 for empty orders, as chrF++.py, Moses and NLTK).
import { checkBoolean, checkNumber, checkOptions, NON_NEGATIVE, NON_NEGATIVE_INTEGER, optionKeys } from '../util/options.js';
import { pySplit } from './bleu-tokenizers.js';
import { type Corpus, corpusInput, sentenceInput } from './corpus-input.js';
import { MetricScore, SIGNATURE_VERSION } from './score.js';

export interface ChrfOptions {
  /** Character n-gram order (6). */
  charOrder?: number;
  /** Word n-gram order: 0 is chrF (default), 2 is chrF++. */
  wordOrder?: number;
  /** Weight of recall against precision (2). */
  beta?: number;
  /** Keep whitespace in character n-grams (false). */
  whitespace?: boolean;
  /** Lowercase first (false). */
  lowercase?: boolean;
  /** chrF++.py's epsilon smoothing instead of sacreBLEU's effective order (false). */
  epsSmoothing?: boolean;
}
const KEYS = optionKeys<ChrfOptions>({ charOrder: true, wordOrder: true, beta: true, whitespace: true, lowercase: true, epsSmoothing: true });
/** Python's string.punctuation, which chrF++ splits off the ends of words. */
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

export class ChrfScore extends MetricScore {
  constructor(
    score: number,
    readonly charOrder: number,
    readonly wordOrder: number,
    readonly beta: number,
    signature: string,
  ) {
    super(`chrF${beta}${'+'.repeat(wordOrder)}`, score, signature);
  }
}

function count(grams: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const g of grams) counts.set(g, (counts.get(g) ?? 0) + 1);
  return counts;
}

/** sacreBLEU's _remove_punctuation: one punctuation mark split off the end of a word, else off its start (ASCII only, so UTF-16 indices give Python's answer). */
function words(sentence: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(sentence)) {
    const single = Array.from(w).length === 1;
    if (!single && PUNCTUATION.has(w[w.length - 1]!)) out.push(w.slice(0, -1), w[w.length - 1]!);
    else if (!single && PUNCTUATION.has(w[0]!)) out.push(w[0]!, w.slice(1));
    else out.push(w);
  }
  return out;
}

/** The n-gram counts of every order: characters 1..charOrder (by code point), then words 1..wordOrder. */
function allNgrams(line: string, o: Required<ChrfOptions>): Map<string, number>[] {
  const chars = Array.from(o.whitespace ? line : pySplit(line).join(''));
  const ws = o.wordOrder > 0 ? words(line) : [];
  const grams = (units: string[], n: number, sep: string) => units.slice(0, Math.max(0, units.length - n + 1)).map((_, i) => units.slice(i, i + n).join(sep));
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= o.charOrder; n++) out.push(count(grams(chars, n, '')));
  for (let n = 1; n <= o.wordOrder; n++) out.push(count(grams(ws, n, ' ')));
  return out;
}

/** sacreBLEU's _compute_f_score over flattened [hyp, ref, match] triples. */
function fScore(stats: number[], o: Required<ChrfOptions>): number {
  const eps = 1e-16,
    factor = o.beta ** 2,
    order = stats.length / 3;
  let score = 0,
    avgPrec = 0,
    avgRec = 0,
    effectiveOrder = 0;
  for (let i = 0; i < order; i++) {
    const [nHyp, nRef, nMatch] = stats.slice(3 * i, 3 * i + 3) as [number, number, number];
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effectiveOrder++;
    }
  }
  if (o.epsSmoothing) return (100 * score) / order;
  if (effectiveOrder === 0) return 0;
  avgPrec /= effectiveOrder;
  avgRec /= effectiveOrder;
  return avgPrec + avgRec ? 100 * (((1 + factor) * avgPrec * avgRec) / (factor * avgPrec + avgRec)) : 0;
}

function chrf(where: string, corpus: Corpus, opts: ChrfOptions | undefined): ChrfScore {
  checkOptions(where, opts, KEYS);
  const o: Required<ChrfOptions> = { charOrder: 6, wordOrder: 0, beta: 2, whitespace: false, lowercase: false, epsSmoothing: false, ...opts };
  checkNumber(where, 'charOrder', o.charOrder, NON_NEGATIVE_INTEGER);
  checkNumber(where, 'wordOrder', o.wordOrder, NON_NEGATIVE_INTEGER);
  if (o.charOrder + o.wordOrder === 0) throw new RangeError(`${where}: charOrder + wordOrder must be at least 1, got 0`);
  checkNumber(where, 'beta', o.beta, NON_NEGATIVE);
  for (const k of ['whitespace', 'lowercase', 'epsSmoothing'] as const) checkBoolean(where, k, o[k]);

  const prep = (s: string) => allNgrams(o.lowercase ? s.toLowerCase() : s, o);
  const total = new Array<number>(3 * (o.charOrder + o.wordOrder)).fill(0);
  corpus.hypotheses.forEach((hypothesis, i) => {
    const hyp = prep(hypothesis);
    let best: number[] = [],
      bestF = -1;
    for (const ref of corpus.segments[i]!.map(prep)) {
      const stats = hyp.flatMap((h, n) => {
        const r = ref[n]!;
        let nHyp = 0,
          nRef = 0,
          nMatch = 0;
        for (const [g, c] of h) {
          nHyp += c;
          nMatch += Math.min(c, r.get(g) ?? 0);
        }
        for (const c of r.values()) nRef += c;
        return [r.size ? nHyp : 0, nRef, nMatch]; // no hits counted where the reference has no n-grams
      });
      const f = fScore(stats, o);
      if (f > bestF) [best, bestF] = [stats, f];
    }
    best.forEach((v, j) => {
      total[j] += v;
    });
  });
  const signature = `nrefs:${corpus.nrefs}|case:${o.lowercase ? 'lc' : 'mixed'}|eff:${o.epsSmoothing ? 'no' : 'yes'}|nc:${o.charOrder}|nw:${o.wordOrder}|space:${o.whitespace ? 'yes' : 'no'}|version:${SIGNATURE_VERSION}`;
  return new ChrfScore(fScore(total, o), o.charOrder, o.wordOrder, o.beta, signature);
}

/** Corpus chrF (wordOrder 0) or chrF++ (wordOrder 2), 0–100, as sacreBLEU's `corpus_chrf`; references as in corpusBleu. */
export function corpusChrf(hypotheses: readonly string[], references: readonly string[] | readonly (readonly string[])[], opts?: ChrfOptions): ChrfScore {
  return chrf('corpusChrf', corpusInput('corpusChrf', hypotheses, references), opts);
}

/** chrF of one hypothesis against one or more references, as sacreBLEU's `sentence_chrf`. */
export function sentenceChrf(hypothesis: string, references: string | readonly string[], opts?: ChrfOptions): ChrfScore {
  return chrf('sentenceChrf', sentenceInput('sentenceChrf', hypothesis, references), opts);
}

// Corpus and sentence BLEU exactly as sacreBLEU 2.6.0 computes them (sacrebleu/metrics/bleu.py):
// per segment, clipped n-gram matches against the union (max count) of its references and the
// reference length closest to the hypothesis length (ties to the shorter); the statistics are
// summed over the corpus, then smoothed precisions, their geometric mean and the brevity penalty.
import { checkBoolean, checkNumber, checkOneOf, checkOptions, NON_NEGATIVE, optionKeys, POSITIVE_INTEGER } from '../util/options.js';
import { BLEU_TOKENIZER_NAMES, BLEU_TOKENIZERS, type BleuTokenizer, pyRstrip, pySplit } from './bleu-tokenizers.js';
import { type Corpus, corpusInput, sentenceInput } from './corpus-input.js';
import { MetricScore, pyFixed, SIGNATURE_VERSION } from './score.js';

export type BleuSmoothing = 'exp' | 'none' | 'floor' | 'add-k';

export interface BleuOptions {
  /** '13a' (default; mteval-v13a), 'zh' (Chinese), 'char', 'none' (split on whitespace only). */
  tokenize?: BleuTokenizer;
  /** Lowercase hypotheses and references first (false). */
  lowercase?: boolean;
  /** sacreBLEU's smooth_method (Chen & Cherry 2014): 'exp' (default; NIST's 1/2^k), 'floor', 'add-k', 'none'. */
  smoothMethod?: BleuSmoothing;
  /** smooth_value: the floor (0.1) or k (1). */
  smoothValue?: number;
  /** Highest n-gram order (4). */
  maxNgramOrder?: number;
  /** Average only the orders the hypotheses have n-grams of (corpusBleu: false, sentenceBleu: true, as sacreBLEU). */
  effectiveOrder?: boolean;
}
const KEYS = optionKeys<BleuOptions>({ tokenize: true, lowercase: true, smoothMethod: true, smoothValue: true, maxNgramOrder: true, effectiveOrder: true });
const SMOOTHINGS: readonly BleuSmoothing[] = ['exp', 'none', 'floor', 'add-k'];
const SMOOTH_DEFAULTS: Record<BleuSmoothing, number | undefined> = { exp: undefined, none: undefined, floor: 0.1, 'add-k': 1 };
/** sacreBLEU's my_log(0). */
const LOG_ZERO = -9999999999;

export class BleuScore extends MetricScore {
  /** sysLen / refLen (0 without references). */
  readonly ratio: number;
  constructor(
    score: number,
    /** Clipped n-gram matches per order (with k added for add-k, as sacreBLEU). */
    readonly counts: number[],
    /** Hypothesis n-grams per order. */
    readonly totals: number[],
    /** 100 · smoothed precision per order. */
    readonly precisions: number[],
    /** Brevity penalty. */
    readonly bp: number,
    readonly sysLen: number,
    readonly refLen: number,
    signature: string,
  ) {
    super('BLEU', score, signature);
    this.ratio = refLen ? sysLen / refLen : 0;
  }

  protected override verbose(): string {
    const precisions = this.precisions.map((p) => pyFixed(p, 1)).join('/');
    return `${precisions} (BP = ${pyFixed(this.bp, 3)} ratio = ${pyFixed(this.ratio, 3)} hyp_len = ${this.sysLen} ref_len = ${this.refLen})`;
  }
}

/** n-gram counts of each order 1..maxOrder (tokens hold no whitespace, so ' ' joins a key uniquely). */
function ngrams(tokens: string[], maxOrder: number): Map<string, number>[] {
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= tokens.length; i++) {
      const g = tokens.slice(i, i + n).join(' ');
      counts.set(g, (counts.get(g) ?? 0) + 1);
    }
    out.push(counts);
  }
  return out;
}

/** sacreBLEU's _get_closest_ref_len: the reference length nearest hypLen, the shorter on a tie. */
function closestRefLen(hypLen: number, refLens: number[]): number {
  let best = -1;
  for (const len of refLens) {
    const d = Math.abs(hypLen - len),
      bestD = Math.abs(hypLen - best);
    if (best === -1 || d < bestD || (d === bestD && len < best)) best = len;
  }
  return best;
}

/** sacreBLEU's compute_bleu, from the summed statistics. */
function computeBleu(stats: Stats, method: BleuSmoothing, value: number, effectiveOrder: boolean, signature: string): BleuScore {
  const { correct, total, sysLen, refLen } = stats;
  const maxOrder = correct.length;
  const bp = sysLen >= refLen ? 1 : sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0;
  const precisions = new Array<number>(maxOrder).fill(0);
  if (correct.every((c) => c === 0)) return new BleuScore(0, correct, total, precisions, bp, sysLen, refLen, signature);
  let smoothMteval = 1,
    effOrder = maxOrder;
  for (let n = 0; n < maxOrder; n++) {
    if (method === 'add-k' && n > 0) {
      correct[n] += value;
      total[n] += value;
    }
    if (total[n] === 0) break; // the hypotheses have no n-grams this long
    if (effectiveOrder) effOrder = n + 1;
    if (correct[n] !== 0) precisions[n] = (100 * correct[n]!) / total[n]!;
    else if (method === 'exp') precisions[n] = 100 / ((smoothMteval *= 2) * total[n]!);
    else if (method === 'floor') precisions[n] = (100 * value) / total[n]!;
  }
  let logSum = 0;
  for (const p of precisions.slice(0, effOrder)) logSum += p === 0 ? LOG_ZERO : Math.log(p);
  return new BleuScore(bp * Math.exp(logSum / effOrder), correct, total, precisions, bp, sysLen, refLen, signature);
}

interface Stats {
  sysLen: number;
  refLen: number;
  correct: number[];
  total: number[];
}

function bleu(where: string, corpus: Corpus, opts: BleuOptions | undefined, effectiveDefault: boolean): BleuScore {
  checkOptions(where, opts, KEYS);
  const { tokenize = '13a', lowercase = false, smoothMethod = 'exp', maxNgramOrder = 4, effectiveOrder = effectiveDefault } = opts ?? {};
  checkOneOf(where, 'tokenize', tokenize, BLEU_TOKENIZER_NAMES);
  checkBoolean(where, 'lowercase', lowercase);
  checkOneOf(where, 'smoothMethod', smoothMethod, SMOOTHINGS);
  checkNumber(where, 'maxNgramOrder', maxNgramOrder, POSITIVE_INTEGER);
  checkBoolean(where, 'effectiveOrder', effectiveOrder);
  const smoothValue = opts?.smoothValue ?? SMOOTH_DEFAULTS[smoothMethod] ?? 0;
  if (opts?.smoothValue !== undefined) checkNumber(where, 'smoothValue', smoothValue, NON_NEGATIVE);

  const tokenizer = BLEU_TOKENIZERS[tokenize];
  const tokens = (s: string) => pySplit(tokenizer(pyRstrip(lowercase ? s.toLowerCase() : s)));
  const stats: Stats = { sysLen: 0, refLen: 0, correct: new Array(maxNgramOrder).fill(0), total: new Array(maxNgramOrder).fill(0) };
  corpus.hypotheses.forEach((hypothesis, i) => {
    const refLens: number[] = [];
    const refCounts = ngrams([], maxNgramOrder);
    for (const ref of corpus.segments[i]!) {
      const refTokens = tokens(ref);
      refLens.push(refTokens.length);
      ngrams(refTokens, maxNgramOrder).forEach((counts, n) => {
        for (const [g, c] of counts) refCounts[n]!.set(g, Math.max(refCounts[n]!.get(g) ?? 0, c));
      });
    }
    const hypTokens = tokens(hypothesis);
    stats.sysLen += hypTokens.length;
    stats.refLen += closestRefLen(hypTokens.length, refLens);
    ngrams(hypTokens, maxNgramOrder).forEach((counts, n) => {
      for (const [g, c] of counts) {
        stats.total[n] += c;
        stats.correct[n] += Math.min(c, refCounts[n]!.get(g) ?? 0);
      }
    });
  });

  const smooth = SMOOTH_DEFAULTS[smoothMethod] === undefined ? smoothMethod : `${smoothMethod}[${pyFixed(smoothValue, 2)}]`;
  const signature = `nrefs:${corpus.nrefs}|case:${lowercase ? 'lc' : 'mixed'}|eff:${effectiveOrder ? 'yes' : 'no'}|tok:${tokenize}|smooth:${smooth}|version:${SIGNATURE_VERSION}`;
  return computeBleu(stats, smoothMethod, smoothValue, effectiveOrder, signature);
}

/**
 * Corpus BLEU (0–100) as sacreBLEU's `corpus_bleu(hypotheses, references)`: `references` is one
 * reference stream (a reference per hypothesis) or several (`references[k][i]`).
 */
export function corpusBleu(hypotheses: readonly string[], references: readonly string[] | readonly (readonly string[])[], opts?: BleuOptions): BleuScore {
  return bleu('corpusBleu', corpusInput('corpusBleu', hypotheses, references), opts, false);
}

/** BLEU of one hypothesis against one or more references, as sacreBLEU's `sentence_bleu` (effective order on by default). */
export function sentenceBleu(hypothesis: string, references: string | readonly string[], opts?: BleuOptions): BleuScore {
  return bleu('sentenceBleu', sentenceInput('sentenceBleu', hypothesis, references), opts, true);
}

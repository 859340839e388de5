// The checked inputs of a corpus metric. References come in sacreBLEU's layout: one stream
// (string[], a reference per hypothesis) or several (string[][]: references[k][i] is the k-th
// reference of hypothesis i), so `corpus_bleu(hyps, [refs])` ports as `corpusBleu(hyps, [refs])`.
import { describe } from '../util/options.js';

export interface Corpus {
  hypotheses: readonly string[];
  /** The references of each hypothesis (segments[i][k] = references[k][i]). */
  segments: string[][];
  nrefs: number;
}

function checkStrings(where: string, name: string, value: unknown, length?: number): asserts value is string[] {
  if (!Array.isArray(value)) throw new TypeError(`${where}: ${name} must be an array of strings, got ${describe(value)}`);
  value.forEach((s, i) => {
    if (typeof s !== 'string') throw new TypeError(`${where}: ${name}[${i}] must be a string, got ${describe(s)}`);
  });
  if (length !== undefined && value.length !== length) {
    throw new RangeError(
      `${where}: ${name} has ${value.length} segments but hypotheses has ${length} (a reference stream holds one reference per hypothesis, as in sacreBLEU)`,
    );
  }
}

export function corpusInput(where: string, hypotheses: unknown, references: unknown): Corpus {
  checkStrings(where, 'hypotheses', hypotheses);
  if (hypotheses.length === 0) throw new RangeError(`${where}: empty corpus (no hypotheses)`);
  if (!Array.isArray(references) || references.length === 0) {
    throw new TypeError(`${where}: references must be a reference stream (string[]) or a non-empty array of streams (string[][]), got ${describe(references)}`);
  }
  const streams = (typeof references[0] === 'string' ? [references] : references) as unknown[];
  streams.forEach((s, k) => checkStrings(where, streams === references ? `references[${k}]` : 'references', s, hypotheses.length));
  const refs = streams as string[][];
  return { hypotheses, segments: hypotheses.map((_, i) => refs.map((r) => r[i]!)), nrefs: refs.length };
}

/** One hypothesis and its references (a string or string[]), as a one-segment corpus. */
export function sentenceInput(where: string, hypothesis: unknown, references: unknown): Corpus {
  if (typeof hypothesis !== 'string') throw new TypeError(`${where}: hypothesis must be a string, got ${describe(hypothesis)}`);
  const refs = typeof references === 'string' ? [references] : references;
  checkStrings(where, 'references', refs);
  if (refs.length === 0) throw new RangeError(`${where}: no references`);
  return { hypotheses: [hypothesis], segments: [refs], nrefs: refs.length };
}

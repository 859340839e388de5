// Decoding for encoder–decoder (translation) models: batched greedy decoding and batched beam
// search over the step interface `Seq2SeqModel` — encode the source once, then one decoder step
// at a time from the previous tokens. The GRU models of models/seq2seq.ts implement it; a
// Transformer implements the same three methods (its state holding the KV caches) and reuses
// these decoders unchanged.
//
// Rows: the decoder state holds one row per hypothesis being extended. Greedy starts with one row
// per sentence; beam search keeps up to beamWidth rows per sentence (rows = sentences × beam),
// and `selectRows` builds the next step's state from the rows the chosen candidates extend
// (repeats expand a sentence into its beam, and a finished sentence's rows are dropped, so the
// batch shrinks as sentences finish).
//
// Beam search, per sentence and step: the 2·beamWidth best extensions of its live hypotheses by
// total log-probability; an <eos> among the best beamWidth leaves the beam as a finished
// hypothesis (ranked by logProb / lp(|Y|), GNMT's length penalty lp(n) = ((5 + n) / 6)^α, |Y|
// counting the <eos>; α = 0 ranks by log-probability), the best beamWidth others stay live. The
// sentence stops when its best finished hypothesis scores at least what any live one still can:
// log-probabilities only fall, so a live one can at best reach logProb / lp(maxLength). At
// maxLength the live hypotheses end unfinished (complete: false) and compete with the rest. With
// beamWidth 1 and α = 0 this is exactly greedy decoding.
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { logSoftmax } from '../ops/index.js';
import { checkNumber, checkOptions, describe, optionKeys } from '../util/options.js';

import { BOS_ID, EOS_ID } from '../tokenizers/vocab-tokenizer.js';
/** The longest default translation: maxLength defaults to min(2·source length + 10, this). */
export const MAX_DECODE_LENGTH = 200;

/** What one decoder step returns: next-token logits (N, V), the new state, attention (N, S) or null. */
export type Seq2SeqStep<S> = { logits: Tensor; state: S; attention: Tensor | null };

/** What the decoders need of an encoder–decoder model (the GRU Seq2Seq, or a Transformer later). */
export interface Seq2SeqModel<S = unknown> {
  readonly tgtVocabSize: number;
  readonly training: boolean;
  train(on?: boolean): unknown;
  /** Runs the encoder over src (B, S) int32 (0 = padding on the right); returns the decoder's first state, one row per sentence. */
  encode(src: Tensor, srcLengths?: readonly number[] | null): S;
  /** One step for every row: prevTokens (N,) int32 → logits (N, V), the next state, attention (N, S). */
  decodeStep(state: S, prevTokens: Tensor): Seq2SeqStep<S>;
  /** The state made of rows `rows` (N',) int32 of `state`, repeats allowed (beam expansion, reordering, dropping finished rows). */
  selectRows(state: S, rows: Tensor): S;
}

/** One decoded sentence. */
export type Seq2SeqHypothesis = {
  /** The output ids, without <bos> and <eos>. */
  tokens: number[];
  /** Total log-probability of the tokens (and of the <eos> when complete). */
  logProb: number;
  /** What the hypothesis was ranked by: logProb / lp(|Y|) in beam search, logProb in greedy decoding. */
  score: number;
  /** Ended with <eos> (false: stopped at maxLength). */
  complete: boolean;
  /** One row per token: its attention over the sentence's real source positions (tokens.length × source length); null without attention. */
  attention: number[][] | null;
};

export type Seq2SeqDecodeOptions = {
  /** Source lengths (default: each row up to its last non-zero id). */
  srcLengths?: readonly number[] | Tensor | null;
  /** The most decoding steps (tokens, <eos> included) for every sentence (default min(2·length + 10, 200) per sentence). */
  maxLength?: number | null;
  bosId?: number;
  eosId?: number;
};
export type BeamSearchOptions = Seq2SeqDecodeOptions & {
  /** Hypotheses kept per sentence (default 5). */
  beamWidth?: number;
  /** α of GNMT's length penalty ((5 + |Y|) / 6)^α (default 0.6; 0 ranks by total log-probability). */
  lengthPenalty?: number;
};

const DECODE_KEYS = optionKeys<Seq2SeqDecodeOptions>({ srcLengths: true, maxLength: true, bosId: true, eosId: true });
const BEAM_KEYS = optionKeys<BeamSearchOptions>({ srcLengths: true, maxLength: true, bosId: true, eosId: true, beamWidth: true, lengthPenalty: true });

/** GNMT's length penalty (Wu et al. 2016): lp(n) = ((5 + n) / 6)^α. */
export function gnmtLengthPenalty(length: number, alpha: number): number {
  return ((5 + length) / 6) ** alpha;
}

type Setup = { B: number; lengths: number[]; maxLengths: number[]; bos: number; eos: number };

/** Checks the model, src and the shared options; the lengths and each sentence's step budget. */
function setup(op: string, model: Seq2SeqModel<unknown>, src: Tensor, opts: Seq2SeqDecodeOptions): Setup {
  if (!model || typeof model.encode !== 'function' || typeof model.decodeStep !== 'function' || typeof model.selectRows !== 'function')
    throw new TypeError(`${op}: model must implement Seq2SeqModel (encode, decodeStep, selectRows), got ${describe(model)}`);
  if (!(src instanceof Tensor) || src.ndim !== 2 || src.dtype !== 'int32')
    throw new TypeError(
      `${op}: src must be int32 token ids (B, S) padded with 0, got ${src instanceof Tensor ? `${src.dtype} ${shapeStr(src.shape)}` : describe(src)}`,
    );
  const [B, S] = src.shape as [number, number];
  const V = model.tgtVocabSize;
  const bos = opts.bosId ?? BOS_ID,
    eos = opts.eosId ?? EOS_ID;
  for (const [name, id] of [
    ['bosId', bos],
    ['eosId', eos],
  ] as const) {
    checkNumber(op, name, id);
    if (!Number.isInteger(id) || id < 0 || id >= V)
      throw new RangeError(`${op}: ${name} must be an id of the target vocabulary (an integer in [0, ${V - 1}]), got ${id}`);
  }
  if (opts.maxLength !== undefined && opts.maxLength !== null) checkNumber(op, 'maxLength', opts.maxLength, { integer: true, min: 1 });
  if (B === 0 || S === 0) throw new RangeError(`${op}: src ${shapeStr(src.shape)} holds no sentence`);
  const lengths = sourceLengths(op, src, opts.srcLengths);
  const maxLengths = lengths.map((n) => opts.maxLength ?? Math.min(2 * n + 10, MAX_DECODE_LENGTH));
  return { B, lengths, maxLengths, bos, eos };
}

/** Each row's length: srcLengths when given (checked), else its tokens up to the last non-zero id. */
function sourceLengths(op: string, src: Tensor, given: readonly number[] | Tensor | null | undefined): number[] {
  const [B, S] = src.shape as [number, number];
  if (given !== undefined && given !== null) {
    const list = given instanceof Tensor ? Array.from(given.toTypedArray(), Number) : Array.isArray(given) ? [...given] : null;
    if (!list || list.length !== B) throw new RangeError(`${op}: srcLengths must hold one length per sentence (${B}), got ${describe(given)}`);
    list.forEach((n, i) => {
      if (!Number.isInteger(n) || n < 1 || n > S)
        throw new RangeError(`${op}: srcLengths[${i}] is ${n}, expected an integer in [1, ${S}] (the source's width)`);
    });
    return list;
  }
  const v = src.contiguous().toTypedArray();
  return Array.from({ length: B }, (_, b) => {
    let n = 0;
    for (let t = 0; t < S; t++) if (v[b * S + t] !== 0) n = t + 1;
    if (n === 0) throw new RangeError(`${op}: source row ${b} is all padding (an empty sentence)`);
    return n;
  });
}

const ids = (values: readonly number[]) => new Tensor(Int32Array.from(values), 'int32', [values.length]);

/** Runs fn under noGrad in eval mode, restoring the model's mode after. */
function inference<T>(model: Seq2SeqModel<unknown>, fn: () => T): T {
  const training = model.training;
  model.train(false);
  try {
    return noGrad(fn);
  } finally {
    model.train(training);
  }
}

/** A row of attention, cut to the sentence's real source positions. */
function attentionRow(att: ArrayLike<number> | null, row: number, S: number, length: number): number[] | null {
  if (!att) return null;
  const out = new Array<number>(length);
  for (let j = 0; j < length; j++) out[j] = att[row * S + j]!;
  return out;
}

/**
 * Greedy decoding of every sentence of src (B, S) at once: each step feeds each unfinished row its
 * most likely token; a row leaves the batch at <eos> or at its maxLength.
 */
export function greedyDecode<S>(model: Seq2SeqModel<S>, src: Tensor, opts: Seq2SeqDecodeOptions = {}): Seq2SeqHypothesis[] {
  checkOptions('greedyDecode', opts, DECODE_KEYS);
  const { B, lengths, maxLengths, bos, eos } = setup('greedyDecode', model as Seq2SeqModel<unknown>, src, opts);
  const S = src.shape[1]!;
  const out: Seq2SeqHypothesis[] = Array.from({ length: B }, () => ({ tokens: [], logProb: 0, score: 0, complete: false, attention: [] }));
  return inference(model as Seq2SeqModel<unknown>, () => {
    let state = model.encode(src, lengths);
    let rows = Array.from({ length: B }, (_, b) => b); // the sentence of each state row
    let prev = new Array<number>(B).fill(bos);
    let withAttention = true;
    while (rows.length) {
      const step = model.decodeStep(state, ids(prev));
      const V = step.logits.shape[1]!;
      const lp = logSoftmax(step.logits, -1).toTypedArray(); // (N, V)
      const att = step.attention ? step.attention.toTypedArray() : null; // (N, S)
      withAttention &&= att !== null;
      const keep: number[] = [],
        next: number[] = [];
      rows.forEach((b, r) => {
        let best = 0;
        for (let v = 1; v < V; v++) if (lp[r * V + v]! > lp[r * V + best]!) best = v;
        const h = out[b]!;
        h.logProb += lp[r * V + best]!;
        if (best === eos) h.complete = true;
        else {
          h.tokens.push(best);
          h.attention!.push(attentionRow(att, r, S, lengths[b]!) ?? []);
          if (h.tokens.length < maxLengths[b]!) {
            keep.push(r);
            next.push(best);
          }
        }
      });
      if (keep.length < rows.length && keep.length) state = model.selectRows(step.state, ids(keep));
      else state = step.state;
      rows = keep.map((r) => rows[r]!);
      prev = next;
    }
    for (const h of out) {
      h.score = h.logProb;
      if (!withAttention) h.attention = null;
    }
    return out;
  });
}

type Hyp = { tokens: number[]; logProb: number; attention: number[][] };
type Finished = Seq2SeqHypothesis;

/**
 * Beam search over every sentence of src (B, S) at once (rows = sentences × beam); returns the
 * best hypothesis of each sentence (see the head of this file for the rules).
 */
export function beamSearch<S>(model: Seq2SeqModel<S>, src: Tensor, opts: BeamSearchOptions = {}): Seq2SeqHypothesis[] {
  checkOptions('beamSearch', opts, BEAM_KEYS);
  const K = opts.beamWidth ?? 5;
  const alpha = opts.lengthPenalty ?? 0.6;
  checkNumber('beamSearch', 'beamWidth', K, { integer: true, min: 1 });
  checkNumber('beamSearch', 'lengthPenalty', alpha, { min: 0 });
  if (!Number.isFinite(alpha)) throw new RangeError(`beamSearch: lengthPenalty must be a finite number >= 0, got ${alpha}`);
  const { B, lengths, maxLengths, bos, eos } = setup('beamSearch', model as Seq2SeqModel<unknown>, src, opts);
  const S = src.shape[1]!;
  const finished: Finished[][] = Array.from({ length: B }, () => []);
  const finish = (b: number, h: Hyp, logProb: number, steps: number, complete: boolean, withAttention: boolean) =>
    finished[b]!.push({ tokens: h.tokens, logProb, score: logProb / gnmtLengthPenalty(steps, alpha), complete, attention: withAttention ? h.attention : null });
  return inference(model as Seq2SeqModel<unknown>, () => {
    let state = model.encode(src, lengths);
    // live hypotheses, grouped by sentence in row order: rows[i] is the sentence of state row i
    let rows = Array.from({ length: B }, (_, b) => b);
    let live: Hyp[] = rows.map(() => ({ tokens: [], logProb: 0, attention: [] }));
    let prev = new Array<number>(B).fill(bos);
    for (let steps = 1; rows.length; steps++) {
      const step = model.decodeStep(state, ids(prev));
      const V = step.logits.shape[1]!;
      const lp = logSoftmax(step.logits, -1).toTypedArray(); // (N, V)
      const att = step.attention ? step.attention.toTypedArray() : null; // (N, S)
      const parents: number[] = [],
        nextRows: number[] = [],
        nextLive: Hyp[] = [],
        nextPrev: number[] = [];
      for (let r0 = 0; r0 < rows.length; ) {
        const b = rows[r0]!;
        let r1 = r0;
        while (r1 < rows.length && rows[r1] === b) r1++;
        // the 2K best (row, token) extensions of this sentence's live rows r0..r1−1, best first
        const best = topExtensions(lp, V, live, r0, r1, 2 * K);
        const kept: { r: number; v: number; logProb: number }[] = [];
        for (let i = 0; i < best.length && kept.length < K; i++) {
          const c = best[i]!;
          if (c.v !== eos) kept.push(c);
          else if (i < K) finish(b, live[c.r]!, c.logProb, steps, true, att !== null);
        }
        const done = steps >= maxLengths[b]! || kept.length === 0 || beaten(finished[b]!, kept[0]!.logProb / gnmtLengthPenalty(maxLengths[b]!, alpha));
        for (const c of kept) {
          const h = extend(live[c.r]!, c.v, attentionRow(att, c.r, S, lengths[b]!));
          h.logProb = c.logProb;
          if (steps >= maxLengths[b]!) finish(b, h, c.logProb, steps, false, att !== null);
          else if (!done) {
            parents.push(c.r);
            nextRows.push(b);
            nextLive.push(h);
            nextPrev.push(c.v);
          }
        }
        r0 = r1;
      }
      if (nextRows.length) state = model.selectRows(step.state, ids(parents));
      rows = nextRows;
      live = nextLive;
      prev = nextPrev;
    }
    return finished.map((list) => list.reduce((a, h) => (h.score > a.score ? h : a)));
  });
}

/** The hypothesis h extended by token v and its attention row (copies: beams share their parents). */
function extend(h: Hyp, v: number, row: number[] | null): Hyp {
  return { tokens: [...h.tokens, v], logProb: h.logProb, attention: row ? [...h.attention, row] : h.attention };
}

/** A finished hypothesis scores at least `bound`, the best a live one can still reach. */
function beaten(finished: readonly Finished[], bound: number): boolean {
  return finished.some((h) => h.score >= bound);
}

/** The n best extensions (row r, token v, total logProb) of rows r0..r1−1, best first; ties keep the earlier row and token. */
function topExtensions(lp: ArrayLike<number>, V: number, live: readonly Hyp[], r0: number, r1: number, n: number): { r: number; v: number; logProb: number }[] {
  const top: { r: number; v: number; logProb: number }[] = [];
  for (let r = r0; r < r1; r++) {
    const base = live[r]!.logProb;
    for (let v = 0; v < V; v++) {
      const s = base + lp[r * V + v]!;
      if (top.length === n && !(s > top[n - 1]!.logProb)) continue;
      let i = top.length < n ? top.length : n - 1;
      while (i > 0 && s > top[i - 1]!.logProb) i--;
      if (top.length === n) top.pop();
      top.splice(i, 0, { r, v, logProb: s });
    }
  }
  return top;
}

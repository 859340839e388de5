// Trains a byte-level BPE tokenizer (GPT-2 style) from text: special tokens are cut out, the rest
// is pre-split with the GPT-2 regex, and pieces are counted once each. Then, until the vocabulary
// is full, the most frequent adjacent pair is merged. Pair counts are updated incrementally: a
// merge revisits only the words that contain the pair, not the whole corpus. Ties go to the
// smaller (left id, right id), so training is deterministic.
import type { ByteLevelBpe } from './byte-level-bpe.js';
import { GPT2_SPLIT_PATTERN, compileSplitPattern } from './gpt2-pattern.js';
import { buildTrainedBpe } from './trained-bpe-file.js';
import { splitOnSpecials } from './tokenizer.js';
import { utf8Encode } from './utf8.js';
import { checkOptions, optionKeys } from '../util/options.js';

export type BpeTrainerOptions = {
  /** Final vocabulary size: 256 byte tokens + merged tokens + special tokens. */
  vocabSize: number;
  /** Special tokens, removed from the training text and given the last ids. Default ['<|endoftext|>']. */
  specialTokens?: readonly string[];
  /** Pre-tokenization regex. Default GPT-2's. */
  pattern?: string;
  /** Stop early when the most frequent pair occurs fewer times than this. Default 2. */
  minFrequency?: number;
  name?: string;
  /** Called every `progressEvery` merges (default 500) with (merges done, merges wanted). */
  onProgress?: (done: number, wanted: number) => void;
  progressEvery?: number;
};

export type BpeTrainingResult = {
  tokenizer: ByteLevelBpe;
  /** Merges in rank order as [left id, right id]. */
  merges: Array<[number, number]>;
  stats: { pieces: number; uniquePieces: number; merges: number; seconds: number; stoppedEarly: boolean };
};

const PAIR_KEY = 1 << 21; // pair key = left * 2^21 + right: exact in a double for ids < 2^21

const TRAINER_KEYS = optionKeys<BpeTrainerOptions>({
  vocabSize: true,
  specialTokens: true,
  pattern: true,
  minFrequency: true,
  name: true,
  onProgress: true,
  progressEvery: true,
});

export function trainByteLevelBpe(text: string | readonly string[], options: BpeTrainerOptions): BpeTrainingResult {
  if (options === undefined) throw new TypeError(`BPE trainer: expected options {${TRAINER_KEYS.join(', ')}} (vocabSize is required)`);
  checkOptions('BPE trainer', options, TRAINER_KEYS);
  const t0 = performance.now();
  const specials = options.specialTokens ?? ['<|endoftext|>'];
  const pattern = options.pattern ?? GPT2_SPLIT_PATTERN;
  const minFrequency = options.minFrequency ?? 2;
  const vocabSize = options.vocabSize;
  if (!Number.isInteger(vocabSize) || vocabSize < 256 + specials.length || vocabSize >= PAIR_KEY) {
    throw new Error(
      `BPE trainer: vocabSize must be an integer in ${256 + specials.length}..${PAIR_KEY - 1} (256 bytes + ${specials.length} special tokens at least), got ${vocabSize}`,
    );
  }
  if (new Set(specials).size !== specials.length || specials.some((s) => s === ''))
    throw new Error('BPE trainer: special tokens must be distinct and non-empty');

  // 1. Count pre-tokenized pieces.
  const re = compileSplitPattern(pattern);
  const specialMap = new Map(specials.map((s, i) => [s, i]));
  const pieceCounts = new Map<string, number>();
  let pieces = 0;
  for (const doc of typeof text === 'string' ? [text] : text) {
    for (const part of splitOnSpecials(doc, specialMap, new Set(specials))) {
      if (typeof part === 'number') continue;
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(part)) !== null) {
        pieceCounts.set(m[0], (pieceCounts.get(m[0]) ?? 0) + 1);
        pieces++;
      }
    }
  }

  // 2. Words as byte-id sequences with counts; pair counts and the words each pair occurs in.
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [piece, count] of pieceCounts) {
    const bytes = utf8Encode(piece);
    if (bytes.length < 2) continue; // a single byte never takes part in a merge
    words.push(Array.from(bytes));
    counts.push(count);
  }
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (w: number, sign: number) => {
    const s = words[w]!;
    const c = counts[w]! * sign;
    for (let i = 0; i + 1 < s.length; i++) {
      const key = s[i]! * PAIR_KEY + s[i + 1]!;
      const v = (pairCount.get(key) ?? 0) + c;
      if (v === 0) pairCount.delete(key);
      else pairCount.set(key, v);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
      changed.add(key);
    }
  };
  const changed = new Set<number>();
  for (let w = 0; w < words.length; w++) addPairs(w, +1);

  // 3. A max-heap of (count, pair key) with lazy deletion: stale entries are skipped on pop.
  const heap = new PairHeap();
  for (const [key, c] of pairCount) heap.push(c, key);
  changed.clear();

  const tokenBytes: Uint8Array[] = [];
  for (let b = 0; b < 256; b++) tokenBytes.push(Uint8Array.of(b));
  const idOfBytes = new Map<string, number>(tokenBytes.map((b, i) => [String.fromCharCode(...b), i]));
  const merges: Array<[number, number]> = [];
  const wantedTokens = vocabSize - specials.length;
  const wantedMerges = wantedTokens - 256;
  let stoppedEarly = false;

  while (tokenBytes.length < wantedTokens) {
    // Pop the most frequent live pair.
    let best = -1;
    let bestCount = 0;
    while (heap.size > 0) {
      const { count, key } = heap.pop();
      if (pairCount.get(key) === count) {
        best = key;
        bestCount = count;
        break;
      }
    }
    if (best < 0 || bestCount < minFrequency) {
      stoppedEarly = true;
      break;
    }
    const left = Math.floor(best / PAIR_KEY);
    const right = best - left * PAIR_KEY;
    const bytes = concat(tokenBytes[left]!, tokenBytes[right]!);
    const bytesKey = String.fromCharCode(...bytes);
    // Two merges can spell the same bytes ('a'+'bc', 'ab'+'c'): they share one token, as in HF tokenizers.
    let id = idOfBytes.get(bytesKey);
    if (id === undefined) {
      id = tokenBytes.length;
      tokenBytes.push(bytes);
      idOfBytes.set(bytesKey, id);
    }
    merges.push([left, right]);

    // Rewrite every word that holds the pair: retract its pairs, merge left to right, re-add.
    const holders = pairWords.get(best)!;
    pairWords.delete(best);
    for (const w of holders) {
      const s = words[w]!;
      let found = false;
      for (let i = 0; i + 1 < s.length; i++)
        if (s[i] === left && s[i + 1] === right) {
          found = true;
          break;
        }
      if (!found) continue; // the set is allowed to be stale
      addPairs(w, -1);
      const merged: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === left && s[i + 1] === right) {
          merged.push(id);
          i++;
        } else merged.push(s[i]!);
      }
      words[w] = merged;
      addPairs(w, +1);
    }
    for (const key of changed) {
      const c = pairCount.get(key);
      if (c !== undefined) heap.push(c, key);
      else pairWords.delete(key);
    }
    changed.clear();
    if (options.onProgress && merges.length % (options.progressEvery ?? 500) === 0) options.onProgress(merges.length, wantedMerges);
  }

  const specialTokens = new Map<string, number>();
  specials.forEach((s, i) => specialTokens.set(s, tokenBytes.length + i));
  const tokenizer = buildTrainedBpe({ name: options.name ?? 'trained-bpe', pattern, merges, specialTokens });
  return {
    tokenizer,
    merges,
    stats: { pieces, uniquePieces: pieceCounts.size, merges: merges.length, seconds: (performance.now() - t0) / 1000, stoppedEarly },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Max-heap on count; among equal counts the smaller pair key (left id, then right id) first. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  private above(i: number, j: number): boolean {
    const ci = this.counts[i]!;
    const cj = this.counts[j]!;
    return ci > cj || (ci === cj && this.keys[i]! < this.keys[j]!);
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i]!;
    this.counts[i] = this.counts[j]!;
    this.counts[j] = c;
    const k = this.keys[i]!;
    this.keys[i] = this.keys[j]!;
    this.keys[j] = k;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): { count: number; key: number } {
    const top = { count: this.counts[0]!, key: this.keys[0]! };
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.counts.length) break;
      const r = l + 1;
      const c = r < this.counts.length && this.above(r, l) ? r : l;
      if (!this.above(c, i)) break;
      this.swap(c, i);
      i = c;
    }
    return top;
  }
}

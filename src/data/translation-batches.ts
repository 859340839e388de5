// Batches of translation pairs for a sequence-to-sequence model trained with teacher forcing, grouped
// by length as BucketBatches groups them (the same pools and generator draws; sorted by source, then
// target length). A batch is [source (B, S), decoderInput (B, T), labels (B, T)], int32, right-padded
// with 0 (<pad>):
//   source        x1 … xn          the source sentence (no <bos> / <eos>)
//   decoderInput  <bos> y1 … ym    what the decoder reads at each step
//   labels        y1 … ym <eos>    what it should predict there; padding 0, so crossEntropy(…, { ignoreIndex: 0 })
// i.e. decoderInput = target[:, :-1] and labels = target[:, 1:] of target = <bos> y <eos>.
// fit() hands batch[0] to model.forward and batch[1] to the loss (a classifier's [x, y]), so a model
// that reads source and decoder input trains with trainLoop and a loss of its own,
// `loss: ({ batch: [src, dec, labels] }) => …`. An epoch's order is drawn from the generator when the
// epoch begins: a run that checkpoints the generator (trainLoop / fit `generators`) resumes on the same batches.
import { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { UNK_ID, type VocabTokenizer } from '../tokenizers/vocab-tokenizer.js';
import { bucketOrder, paddedFill } from './bucket-batches.js';
import { BOS_ID, EOS_ID, TRANSLATION_SPECIALS, type TranslationPair } from './translation.js';
import { checkBoolean, checkNumber, checkOptions, optionKeys } from '../util/options.js';

export type TranslationBatchOptions = {
  batchSize: number;
  /** Shuffle each epoch (default true); false keeps the order, for evaluation. */
  shuffle?: boolean;
  /** Batches per sorting pool (default 50): larger pools pad less and mix less. */
  poolBatches?: number;
  generator?: Generator;
  /** Keep at most this many tokens of a sentence (its start; <bos> / <eos> not counted, <eos> still added); default: no limit. `truncated` counts the cut ones. */
  maxLength?: number;
};
const KEYS = optionKeys<TranslationBatchOptions>({ batchSize: true, shuffle: true, poolBatches: true, generator: true, maxLength: true });

/** [source (B, S), decoderInput (B, T), labels (B, T)], int32, padded with 0. */
export type TranslationBatch = [Tensor, Tensor, Tensor];

export class TranslationBatches implements Iterable<TranslationBatch> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly poolBatches: number;
  readonly generator: Generator;
  readonly maxLength: number;
  /** The sentences' ids as batched (after truncation; targets without <bos> / <eos>). */
  readonly sources: readonly (readonly number[])[];
  readonly targets: readonly (readonly number[])[];
  /** How many sources and targets maxLength cut (the caller decides whether to warn). */
  readonly truncated: { source: number; target: number };

  /** sources[i] → targets[i]: non-empty id lists of the sentences, without <bos> / <eos> (added here as ids 2 and 3). */
  constructor(sources: readonly (readonly number[])[], targets: readonly (readonly number[])[], opts: TranslationBatchOptions) {
    checkOptions('TranslationBatches', opts, KEYS);
    checkNumber('TranslationBatches', 'batchSize', opts.batchSize, { integer: true, min: 1 });
    if (opts.shuffle !== undefined) checkBoolean('TranslationBatches', 'shuffle', opts.shuffle);
    if (opts.poolBatches !== undefined) checkNumber('TranslationBatches', 'poolBatches', opts.poolBatches, { integer: true, min: 1 });
    if (opts.maxLength !== undefined) checkNumber('TranslationBatches', 'maxLength', opts.maxLength, { integer: true, min: 1 });
    if (sources.length !== targets.length) throw new RangeError(`TranslationBatches: ${sources.length} sources but ${targets.length} targets`);
    for (const [side, list] of [
      ['source', sources],
      ['target', targets],
    ] as const) {
      const empty = list.findIndex((s) => s.length === 0);
      if (empty >= 0) throw new RangeError(`TranslationBatches: ${side} ${empty} is empty; every sentence needs at least one token`);
    }
    this.batchSize = opts.batchSize;
    this.shuffle = opts.shuffle ?? true;
    this.poolBatches = opts.poolBatches ?? 50;
    this.generator = opts.generator ?? defaultGenerator;
    this.maxLength = opts.maxLength ?? Infinity;
    const cut = (list: readonly (readonly number[])[]) => list.map((s) => (s.length > this.maxLength ? s.slice(0, this.maxLength) : s));
    this.sources = cut(sources);
    this.targets = cut(targets);
    const count = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]) => a.filter((s, i) => s !== b[i]).length;
    this.truncated = { source: count(this.sources, sources), target: count(this.targets, targets) };
  }

  /** The pairs encoded by the two vocabularies (which must have <bos> 2 and <eos> 3, as translationVocab's do); an empty encoding is one <unk>. */
  static fromPairs(
    pairs: readonly TranslationPair[],
    vocabs: { source: VocabTokenizer; target: VocabTokenizer },
    opts: TranslationBatchOptions,
  ): TranslationBatches {
    checkOptions('TranslationBatches.fromPairs', vocabs, ['source', 'target']);
    const [bos, eos] = TRANSLATION_SPECIALS;
    if (vocabs.target.tokenToId(bos) !== BOS_ID || vocabs.target.tokenToId(eos) !== EOS_ID)
      throw new Error(`TranslationBatches.fromPairs: the target vocabulary needs ${bos} = ${BOS_ID} and ${eos} = ${EOS_ID} (build it with translationVocab)`);
    const encode = (vocab: VocabTokenizer, text: string) => {
      const ids = vocab.encode(text);
      return ids.length ? ids : [UNK_ID]; // only whitespace or marks the vocabulary lacks: one <unk>
    };
    return new TranslationBatches(
      pairs.map((p) => encode(vocabs.source, p.source)),
      pairs.map((p) => encode(vocabs.target, p.target)),
      opts,
    );
  }

  get length(): number {
    return Math.ceil(this.sources.length / this.batchSize);
  }

  /** Fraction of the positions of an epoch's source and decoder batches that hold real tokens (the generator is left as it was). */
  fill(): number {
    const state = this.generator.getState();
    const batches = this.order();
    this.generator.setState(state);
    return paddedFill(batches, [(i) => this.sources[i]!.length, (i) => this.targets[i]!.length + 1]); // decoder input: <bos> + target
  }

  /** The example indices of each batch of one epoch (draws from the generator when shuffling). */
  private order(): number[][] {
    const len = (i: number) => this.sources[i]!.length;
    return bucketOrder(this.sources.length, (a, b) => len(a) - len(b) || this.targets[a]!.length - this.targets[b]!.length, this);
  }

  /** The padded batch of the given examples. */
  batchOf(indices: readonly number[]): TranslationBatch {
    const B = indices.length;
    const S = Math.max(...indices.map((i) => this.sources[i]!.length));
    const T = Math.max(...indices.map((i) => this.targets[i]!.length)) + 1;
    const src = new Int32Array(B * S),
      dec = new Int32Array(B * T),
      lab = new Int32Array(B * T);
    indices.forEach((i, r) => {
      const y = this.targets[i]!;
      src.set(this.sources[i]!, r * S);
      dec[r * T] = BOS_ID;
      dec.set(y, r * T + 1);
      lab.set(y, r * T);
      lab[r * T + y.length] = EOS_ID;
    });
    return [new Tensor(src, 'int32', [B, S]), new Tensor(dec, 'int32', [B, T]), new Tensor(lab, 'int32', [B, T])];
  }

  *[Symbol.iterator](): Iterator<TranslationBatch> {
    for (const b of this.order()) yield this.batchOf(b);
  }
}

// Text classifiers over token ids (B, T) padded with 0 on the right (data/bucket-batches.ts):
// - TextRNN: embedding → (bidirectional) LSTM / GRU over the packed batch (padding never enters a
//   state) → the states pooled over time (max or mean of the outputs at real steps, or the final
//   states) → dropout → linear. The lecture's many-to-one RNN: 很棒的旅行! → 正面.
// - TextCNN (Kim 2014; the lecture's Severyn & Moschitti slide): embedding → parallel 1-D
//   convolutions of widths 3, 4, 5 → ReLU → max over time → dropout → linear.
// Both return logits (B, numClasses).
import { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { PAD_ID, UNK_ID } from '../tokenizers/vocab-tokenizer.js';
import { cat, lt, relu, sum, where } from '../ops/index.js';
import { arange } from '../tensor/creation.js';
import { Module } from '../nn/module.js';
import { ModuleList } from '../nn/containers.js';
import { Embedding } from '../nn/embedding.js';
import { Linear } from '../nn/linear.js';
import { Dropout } from '../nn/dropout.js';
import { Conv1d } from '../nn/conv.js';
import { zeros_ } from '../nn/init.js';
import { GRU, LSTM } from '../nn/rnn.js';
import { packPaddedSequence, padPackedSequence, type PackedSequence } from '../nn/utils/rnn.js';
import { shapeStr } from '../tensor/shape.js';
import { checkBoolean, checkNumber, checkOneOf, checkOptions, optionKeys } from '../util/options.js';

export const TEXT_RNN_CELLS = ['lstm', 'gru'] as const;
export const TEXT_RNN_POOLING = ['max', 'mean', 'maxmean', 'last'] as const;

export type TextRNNConfig = {
  vocabSize: number;
  numClasses: number;
  embeddingDim?: number;
  hiddenSize?: number;
  numLayers?: number;
  cell?: (typeof TEXT_RNN_CELLS)[number];
  bidirectional?: boolean;
  pooling?: (typeof TEXT_RNN_POOLING)[number];
  dropout?: number;
  /** Hashed character-bigram embeddings added to the token embeddings: this many buckets (default 0: none). */
  bigramBuckets?: number;
  /** While training, each token becomes <unk> with this probability (word dropout; default 0). */
  tokenDropout?: number;
  generator?: Generator;
};
const RNN_KEYS = optionKeys<TextRNNConfig>({
  vocabSize: true,
  numClasses: true,
  embeddingDim: true,
  hiddenSize: true,
  numLayers: true,
  cell: true,
  bidirectional: true,
  pooling: true,
  dropout: true,
  bigramBuckets: true,
  tokenDropout: true,
  generator: true,
});

/** Checks ids (B, T) int32 and returns each row's length: its tokens before the padding (≥ 1). */
function lengthsOf(where_: string, ids: Tensor): number[] {
  if (!(ids instanceof Tensor) || ids.ndim !== 2 || ids.dtype !== 'int32')
    throw new TypeError(
      `${where_}: expected token ids (B, T) int32 padded with 0, got ${ids instanceof Tensor ? `${shapeStr(ids.shape)} ${ids.dtype}` : typeof ids}`,
    );
  const [B, T] = ids.shape as [number, number];
  const v = ids.contiguous().toTypedArray();
  return Array.from({ length: B }, (_, b) => {
    let n = 0;
    for (let t = 0; t < T; t++) if (v[b * T + t] !== 0) n = t + 1;
    if (n === 0) throw new RangeError(`${where_}: row ${b} of the ids is all padding (an empty text)`);
    return n;
  });
}

/**
 * Hashed bigram ids (B, T): position t gets a bucket in [1, buckets) for the pair (ids[t], ids[t+1])
 * while both are tokens, 0 (padding) otherwise. Character bigrams carry much of a Chinese word's
 * meaning; a hashed table learns them without a segmenter or a second vocabulary.
 */
export function bigramIds(ids: Tensor, buckets: number): Tensor {
  const [B, T] = ids.shape as [number, number];
  const v = ids.contiguous().toTypedArray();
  const out = new Int32Array(B * T);
  for (let b = 0; b < B; b++)
    for (let t = 0; t + 1 < T; t++) {
      const a = v[b * T + t]!,
        c = v[b * T + t + 1]!;
      if (a !== 0 && c !== 0) out[b * T + t] = 1 + (((Math.imul(a, 1000003) + c) >>> 0) % (buckets - 1));
    }
  return new Tensor(out, 'int32', [B, T]);
}

/**
 * The hashed bigram table, starting at zero: a bucket no training text reaches adds nothing to a
 * token's embedding (random vectors there would be noise only test texts see), and a bucket that is
 * reached learns from its gradient, which does not depend on the table's values.
 */
function bigramTable(buckets: number, dim: number, generator: Generator | undefined): Embedding {
  const table = new Embedding(buckets, dim, { paddingIdx: 0, generator });
  zeros_(table.weight);
  return table;
}

/**
 * Word dropout (Iyyer et al. 2015): each real token becomes <unk> with probability p, so the model
 * cannot lean on a few frequent characters and learns what <unk> means before test text brings it.
 */
export function dropTokens(ids: Tensor, p: number, generator: Generator = defaultGenerator): Tensor {
  const v = ids.contiguous().toTypedArray();
  const out = Int32Array.from(v);
  for (let i = 0; i < out.length; i++) if (out[i] !== PAD_ID && generator.nextUint32() < p * 4294967296) out[i] = UNK_ID;
  return new Tensor(out, 'int32', [...ids.shape]);
}

/** The token embeddings, plus the hashed bigram embeddings when the model has them: (B, T, E). */
function embed(model: TextRNN | TextCNN, ids_: Tensor): Tensor {
  const { embedding: tokens, bigrams } = model;
  const p = model.config.tokenDropout;
  const ids = model.training && p > 0 ? dropTokens(ids_, p, model.generator) : ids_;
  const x = tokens.forward(ids);
  return bigrams ? x.add(bigrams.forward(bigramIds(ids, bigrams.numEmbeddings))) : x;
}

/** (B, T) true at the real steps of rows of `lengths`. */
function stepMask(lengths: readonly number[], T: number): Tensor {
  const len = new Tensor(Int32Array.from(lengths), 'int32', [lengths.length, 1]);
  return lt(arange(0, T, 1, { dtype: 'int32' }).view(1, T), len);
}

export class TextRNN extends Module {
  readonly config: Required<Omit<TextRNNConfig, 'generator'>>;
  embedding: Embedding;
  bigrams: Embedding | null;
  readonly generator: Generator | undefined;
  rnn: LSTM | GRU;
  drop: Dropout;
  classifier: Linear;

  constructor(config: TextRNNConfig) {
    super();
    checkOptions('TextRNN', config, RNN_KEYS);
    checkNumber('TextRNN', 'vocabSize', config.vocabSize, { integer: true, min: 2 });
    checkNumber('TextRNN', 'numClasses', config.numClasses, { integer: true, min: 2 });
    if (config.cell !== undefined) checkOneOf('TextRNN', 'cell', config.cell, TEXT_RNN_CELLS);
    if (config.pooling !== undefined) checkOneOf('TextRNN', 'pooling', config.pooling, TEXT_RNN_POOLING);
    if (config.bidirectional !== undefined) checkBoolean('TextRNN', 'bidirectional', config.bidirectional);
    const c = {
      vocabSize: config.vocabSize,
      numClasses: config.numClasses,
      embeddingDim: config.embeddingDim ?? 128,
      hiddenSize: config.hiddenSize ?? 128,
      numLayers: config.numLayers ?? 1,
      cell: config.cell ?? 'lstm',
      bidirectional: config.bidirectional ?? true,
      pooling: config.pooling ?? 'max',
      dropout: config.dropout ?? 0.3,
      bigramBuckets: config.bigramBuckets ?? 0,
      tokenDropout: config.tokenDropout ?? 0,
    };
    if (c.bigramBuckets !== 0) checkNumber('TextRNN', 'bigramBuckets', c.bigramBuckets, { integer: true, min: 2 });
    checkNumber('TextRNN', 'tokenDropout', c.tokenDropout, { min: 0, max: 0.9 });
    this.config = c;
    const gen = config.generator;
    this.generator = gen;
    this.embedding = new Embedding(c.vocabSize, c.embeddingDim, { paddingIdx: 0, generator: gen });
    this.bigrams = c.bigramBuckets ? bigramTable(c.bigramBuckets, c.embeddingDim, gen) : null;
    const Rnn = c.cell === 'lstm' ? LSTM : GRU;
    this.rnn = new Rnn(c.embeddingDim, c.hiddenSize, {
      numLayers: c.numLayers,
      bidirectional: c.bidirectional,
      batchFirst: true,
      dropout: c.numLayers > 1 ? c.dropout : 0,
      generator: gen,
    });
    this.drop = new Dropout(c.dropout, { generator: gen });
    const features = (c.bidirectional ? 2 : 1) * c.hiddenSize * (c.pooling === 'maxmean' ? 2 : 1);
    this.classifier = new Linear(features, c.numClasses, { generator: gen });
  }

  /** ids (B, T) int32, 0 = padding on the right → logits (B, numClasses). */
  forward(ids: Tensor): Tensor {
    const lengths = lengthsOf('TextRNN', ids);
    const x = this.drop.forward(embed(this, ids)); // (B, T, E)
    const packed = packPaddedSequence(x, lengths, { batchFirst: true, enforceSorted: false });
    const [out, state] = this.rnn.forward(packed) as [PackedSequence, Tensor | [Tensor, Tensor]];
    let pooled: Tensor;
    if (this.config.pooling === 'last') {
      const hN = Array.isArray(state) ? state[0] : state; // (D·layers, B, H)
      const D = this.config.bidirectional ? 2 : 1;
      const top = hN.narrow(0, hN.shape[0]! - D, D); // the last layer's directions
      pooled = cat(
        Array.from({ length: D }, (_, d) => top.select(0, d)),
        1,
      ); // (B, D·H)
    } else {
      const [padded] = padPackedSequence(out, { batchFirst: true }); // (B, T', D·H)
      const mask = stepMask(lengths, padded.shape[1]!).unsqueeze(2); // (B, T', 1)
      const max = () => where(mask, padded, -Infinity).max(1);
      const mean = () => sum(where(mask, padded, 0), 1).div(new Tensor(Float32Array.from(lengths), 'float32', [lengths.length, 1]).to(padded.dtype));
      const p = this.config.pooling;
      pooled = p === 'max' ? max() : p === 'mean' ? mean() : cat([max(), mean()], 1); // maxmean: (B, 2·D·H)
    }
    return this.classifier.forward(this.drop.forward(pooled));
  }
}

export type TextCNNConfig = {
  vocabSize: number;
  numClasses: number;
  embeddingDim?: number;
  /** Filters per width (default 100). */
  numFilters?: number;
  /** Convolution widths (default [3, 4, 5]). */
  widths?: readonly number[];
  dropout?: number;
  /** Hashed character-bigram embeddings added to the token embeddings: this many buckets (default 0: none). */
  bigramBuckets?: number;
  /** While training, each token becomes <unk> with this probability (word dropout; default 0). */
  tokenDropout?: number;
  generator?: Generator;
};
const CNN_KEYS = optionKeys<TextCNNConfig>({
  vocabSize: true,
  numClasses: true,
  embeddingDim: true,
  numFilters: true,
  widths: true,
  dropout: true,
  bigramBuckets: true,
  tokenDropout: true,
  generator: true,
});

export class TextCNN extends Module {
  readonly config: Required<Omit<TextCNNConfig, 'generator'>>;
  embedding: Embedding;
  bigrams: Embedding | null;
  readonly generator: Generator | undefined;
  convs: ModuleList;
  drop: Dropout;
  classifier: Linear;

  constructor(config: TextCNNConfig) {
    super();
    checkOptions('TextCNN', config, CNN_KEYS);
    checkNumber('TextCNN', 'vocabSize', config.vocabSize, { integer: true, min: 2 });
    checkNumber('TextCNN', 'numClasses', config.numClasses, { integer: true, min: 2 });
    const widths = config.widths ?? [3, 4, 5];
    if (!Array.isArray(widths) || widths.length === 0 || widths.some((w) => !Number.isInteger(w) || w < 1))
      throw new RangeError(`TextCNN: widths must be a non-empty list of positive integers, got ${JSON.stringify(widths)}`);
    const c = {
      vocabSize: config.vocabSize,
      numClasses: config.numClasses,
      embeddingDim: config.embeddingDim ?? 128,
      numFilters: config.numFilters ?? 100,
      widths: [...widths],
      dropout: config.dropout ?? 0.5,
      bigramBuckets: config.bigramBuckets ?? 0,
      tokenDropout: config.tokenDropout ?? 0,
    };
    if (c.bigramBuckets !== 0) checkNumber('TextCNN', 'bigramBuckets', c.bigramBuckets, { integer: true, min: 2 });
    checkNumber('TextCNN', 'tokenDropout', c.tokenDropout, { min: 0, max: 0.9 });
    this.config = c;
    const gen = config.generator;
    this.generator = gen;
    this.embedding = new Embedding(c.vocabSize, c.embeddingDim, { paddingIdx: 0, generator: gen });
    this.bigrams = c.bigramBuckets ? bigramTable(c.bigramBuckets, c.embeddingDim, gen) : null;
    this.convs = new ModuleList(c.widths.map((w) => new Conv1d(c.embeddingDim, c.numFilters, w, { generator: gen })));
    this.drop = new Dropout(c.dropout, { generator: gen });
    this.classifier = new Linear(c.widths.length * c.numFilters, c.numClasses, { generator: gen });
  }

  /** ids (B, T) int32, 0 = padding on the right → logits (B, numClasses). */
  forward(ids: Tensor): Tensor {
    const lengths = lengthsOf('TextCNN', ids);
    const widest = Math.max(...this.config.widths);
    const [B, T] = ids.shape as [number, number];
    // at least one window of the widest filter: pad short batches with more padding
    const padded = T >= widest ? ids : cat([ids, new Tensor(new Int32Array(B * (widest - T)), 'int32', [B, widest - T])], 1);
    const x = embed(this, padded).transpose(1, 2); // (B, E, T)
    const pooled = [...this.convs].map((conv, k) => {
      const w = this.config.widths[k]!;
      const y = relu((conv as Conv1d).forward(x)); // (B, F, T − w + 1)
      // windows that start past a row's last real token see only padding: leave them out of the max
      const valid = stepMask(
        lengths.map((n) => Math.max(1, n - w + 1)),
        y.shape[2]!,
      ).unsqueeze(1); // (B, 1, T − w + 1)
      return where(valid, y, -Infinity).max(2); // (B, F)
    });
    return this.classifier.forward(this.drop.forward(cat(pooled, 1)));
  }
}

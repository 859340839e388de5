// The Transformer encoder–decoder for translation (Vaswani et al. 2017, "Attention Is All You
// Need"), the lecture's model that drops the RNN: token embeddings scaled by √d plus sinusoidal
// positions, nn.Transformer (PyTorch's layout: post-norm by default, normFirst for pre-norm), and a
// linear layer to the target vocabulary, tied to the target embedding (and, with shareEmbeddings,
// one embedding for both languages). Source padding is masked out of every attention over the
// source; the decoder is causal. For decoding it implements the Seq2SeqModel interface: encode()
// runs the encoder once, decodeStep() one position per call through the decoder's self-attention
// KV caches and the memory's cached cross-attention keys/values, selectRows() reorders them all;
// crossAttention() gives every layer's and head's weights over the source, for attention maps.
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import type { Generator } from '../tensor/generator.js';
import { eq, indexSelect, linear, mean, stack } from '../ops/index.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Module } from '../nn/module.js';
import { Embedding } from '../nn/embedding.js';
import { Dropout } from '../nn/dropout.js';
import { SinusoidalPositionalEncoding } from '../nn/positional.js';
import { Transformer } from '../nn/transformer-model.js';
import type { LayerKVCache, MemoryKVCache } from '../nn/attention.js';
import { normal_ } from '../nn/init.js';
import { PAD_ID } from '../tokenizers/vocab-tokenizer.js';
import { MAX_DECODE_LENGTH, type Seq2SeqModel, type Seq2SeqStep } from '../generate/seq2seq-decode.js';
import { checkBoolean, checkNumber, checkOptions, describe, optionKeys } from '../util/options.js';

export type TransformerTranslatorConfig = {
  srcVocabSize: number;
  tgtVocabSize: number;
  /** Model width (default 256). */
  dModel?: number;
  /** Attention heads (default 4). */
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  /** Feed-forward width (default 4·dModel). */
  dimFeedforward?: number;
  dropout?: number;
  /** Pre-norm layers (default false: the paper's post-norm). */
  normFirst?: boolean;
  /** One embedding table for both languages (a joint vocabulary: srcVocabSize = tgtVocabSize); default false. */
  shareEmbeddings?: boolean;
  /** The longest sentence, in tokens, either side (default 256). */
  maxLength?: number;
};
const CONFIG_KEYS = optionKeys<TransformerTranslatorConfig>({
  srcVocabSize: true,
  tgtVocabSize: true,
  dModel: true,
  nhead: true,
  numEncoderLayers: true,
  numDecoderLayers: true,
  dimFeedforward: true,
  dropout: true,
  normFirst: true,
  shareEmbeddings: true,
  maxLength: true,
});

/** Between decoding steps (N rows: sentences, or sentences × beam). */
export type TransformerDecodeState = {
  /** The encoder's output (N, S, d) and the source padding (N, S), true at padding. */
  memory: Tensor;
  padding: Tensor;
  /** Positions decoded so far. */
  position: number;
  caches: LayerKVCache[];
  memoryCaches: MemoryKVCache[];
};

export class TransformerTranslator extends Module implements Seq2SeqModel<TransformerDecodeState> {
  readonly config: Required<TransformerTranslatorConfig>;
  readonly tgtVocabSize: number;
  srcEmbed: Embedding;
  tgtEmbed: Embedding;
  positions: SinusoidalPositionalEncoding;
  drop: Dropout;
  transformer: Transformer;

  constructor(config: TransformerTranslatorConfig, opts: { generator?: Generator } = {}) {
    super();
    if (config === undefined) throw new TypeError(`TransformerTranslator: expected a config {${CONFIG_KEYS.join(', ')}}`);
    checkOptions('TransformerTranslator: config', config, CONFIG_KEYS);
    checkOptions('TransformerTranslator', opts, ['generator']);
    const dModel = config.dModel ?? 256;
    const c: Required<TransformerTranslatorConfig> = {
      srcVocabSize: config.srcVocabSize,
      tgtVocabSize: config.tgtVocabSize,
      dModel,
      nhead: config.nhead ?? 4,
      numEncoderLayers: config.numEncoderLayers ?? 3,
      numDecoderLayers: config.numDecoderLayers ?? 3,
      dimFeedforward: config.dimFeedforward ?? 4 * dModel,
      dropout: config.dropout ?? 0.1,
      normFirst: config.normFirst ?? false,
      shareEmbeddings: config.shareEmbeddings ?? false,
      maxLength: config.maxLength ?? 256,
    };
    for (const k of ['srcVocabSize', 'tgtVocabSize', 'dModel', 'nhead', 'numEncoderLayers', 'numDecoderLayers', 'dimFeedforward', 'maxLength'] as const)
      checkNumber('TransformerTranslator', k, c[k], { integer: true, min: 1 });
    checkNumber('TransformerTranslator', 'dropout', c.dropout, { min: 0, max: 0.99 });
    checkBoolean('TransformerTranslator', 'normFirst', c.normFirst);
    checkBoolean('TransformerTranslator', 'shareEmbeddings', c.shareEmbeddings);
    if (c.dModel % c.nhead !== 0) throw new RangeError(`TransformerTranslator: dModel (${c.dModel}) must be a multiple of nhead (${c.nhead})`);
    if (c.shareEmbeddings && c.srcVocabSize !== c.tgtVocabSize)
      throw new RangeError(
        `TransformerTranslator: shareEmbeddings needs one joint vocabulary, got srcVocabSize ${c.srcVocabSize} and tgtVocabSize ${c.tgtVocabSize}`,
      );
    this.config = c;
    this.tgtVocabSize = c.tgtVocabSize;
    const gen = opts.generator;
    // N(0, d^-1/2), as fairseq: with the √d scale the embeddings enter at unit size, and the tied
    // output layer starts with logits of unit size
    const embedding = (n: number) => {
      const e = new Embedding(n, c.dModel, { paddingIdx: PAD_ID, generator: gen });
      normal_(e.weight, 0, c.dModel ** -0.5, { generator: gen });
      e.weight.storage.fill(0, e.weight.offset, e.weight.offset + c.dModel); // the padding row stays 0
      return e;
    };
    this.tgtEmbed = embedding(c.tgtVocabSize);
    this.srcEmbed = c.shareEmbeddings ? this.tgtEmbed : embedding(c.srcVocabSize);
    this.positions = new SinusoidalPositionalEncoding(c.dModel, Math.max(c.maxLength, MAX_DECODE_LENGTH) + 1); // inputs, or a decoded output
    this.drop = new Dropout(c.dropout, { generator: gen });
    this.transformer = new Transformer({
      dModel: c.dModel,
      nhead: c.nhead,
      numEncoderLayers: c.numEncoderLayers,
      numDecoderLayers: c.numDecoderLayers,
      dimFeedforward: c.dimFeedforward,
      dropout: c.dropout,
      normFirst: c.normFirst,
      generator: gen,
    });
  }

  /** ids (B, L) → embeddings scaled by √d plus positions from `offset`, with dropout: (B, L, d). */
  #embed(table: Embedding, ids: Tensor, offset: number): Tensor {
    return this.drop.forward(this.positions.forward(table.forward(ids).mul(Math.sqrt(this.config.dModel)), offset));
  }

  /** The decoder's output (B, T, d) → logits (B, T, V) through the target embedding, transposed (tied). */
  #logits(h: Tensor): Tensor {
    return linear(h, this.tgtEmbed.weight);
  }

  #checkIds(what: 'src' | 'tgtIn', ids: unknown, vocab: number): asserts ids is Tensor {
    if (!(ids instanceof Tensor) || ids.ndim !== 2 || ids.dtype !== 'int32')
      throw new TypeError(
        `TransformerTranslator: ${what} must be int32 token ids (B, L) padded with 0, got ${ids instanceof Tensor ? `${ids.dtype} ${shapeStr(ids.shape)}` : describe(ids)}`,
      );
    if (ids.shape[1]! > this.config.maxLength)
      throw new RangeError(`TransformerTranslator: ${what} has ${ids.shape[1]} positions, more than maxLength ${this.config.maxLength}`);
    const v = ids.contiguous().toTypedArray();
    for (let i = 0; i < v.length; i++)
      if (v[i]! < 0 || v[i]! >= vocab)
        throw new RangeError(`TransformerTranslator: ${what} id ${v[i]} is out of range for a vocabulary of ${vocab} (ids 0..${vocab - 1})`);
  }

  /** src (B, S) → the memory (B, S, d) and the source padding (B, S), true at padding. */
  #encode(src: Tensor): { memory: Tensor; padding: Tensor } {
    this.#checkIds('src', src, this.config.srcVocabSize);
    const padding = eq(src, PAD_ID); // (B, S)
    const memory = this.transformer.encode(this.#embed(this.srcEmbed, src, 0), { srcKeyPaddingMask: padding });
    return { memory, padding };
  }

  /**
   * Teacher-forced: src (B, S), tgtIn (B, T) = <bos> y… (0-padded) → logits (B, T, V). `srcLengths`
   * is accepted for the Seq2Seq call shape; padding is read from the ids (0).
   */
  forward(src: Tensor, _srcLengths: readonly number[] | null | undefined, tgtIn: Tensor): { logits: Tensor; attention: null } {
    this.#checkIds('tgtIn', tgtIn, this.config.tgtVocabSize);
    const { memory, padding } = this.#encode(src);
    const h = this.transformer.decode(this.#embed(this.tgtEmbed, tgtIn, 0), memory, { memoryKeyPaddingMask: padding }); // (B, T, d)
    return { logits: this.#logits(h), attention: null };
  }

  encode(src: Tensor): TransformerDecodeState {
    const { memory, padding } = this.#encode(src);
    // room for the decoders' default limit, min(2·S + 10, MAX_DECODE_LENGTH) steps
    const capacity = Math.min(2 * src.shape[1]! + 10, MAX_DECODE_LENGTH) + 1;
    const { caches, memoryCaches } = this.transformer.makeDecoderCaches(capacity);
    return { memory, padding, position: 0, caches, memoryCaches };
  }

  /** One position for every row; its attention is the last decoder layer's cross-attention, averaged over the heads (N, S). */
  decodeStep(state: TransformerDecodeState, prevTokens: Tensor): Seq2SeqStep<TransformerDecodeState> {
    const x = this.#embed(this.tgtEmbed, prevTokens.view(-1, 1), state.position); // (N, 1, d)
    const weights: Tensor[] = [];
    const h = this.transformer.decode(x, state.memory, {
      memoryKeyPaddingMask: state.padding,
      caches: state.caches,
      memoryCaches: state.memoryCaches,
      crossAttentionWeights: weights,
    }); // (N, 1, d)
    const logits = this.#logits(h).view(-1, this.tgtVocabSize); // (N, V)
    const attention = mean(weights[weights.length - 1]!, 1).view(-1, state.memory.shape[1]!); // (N, H, 1, S) → (N, S)
    return { logits, state: { ...state, position: state.position + 1 }, attention };
  }

  /**
   * Every decoder layer's cross-attention over the source, per head, when the decoder reads tgtIn
   * (B, T) = <bos> y… (teacher-forced: for a decoded output it is what decoding attended to):
   * (B, numDecoderLayers, nhead, T, S). Without gradients, in eval mode.
   */
  crossAttention(src: Tensor, tgtIn: Tensor): Tensor {
    this.#checkIds('tgtIn', tgtIn, this.config.tgtVocabSize);
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => {
        const { memory, padding } = this.#encode(src);
        const weights: Tensor[] = [];
        this.transformer.decode(this.#embed(this.tgtEmbed, tgtIn, 0), memory, { memoryKeyPaddingMask: padding, crossAttentionWeights: weights });
        return stack(weights, 1); // L × (B, H, T, S) → (B, L, H, T, S)
      });
    } finally {
      this.train(wasTraining);
    }
  }

  selectRows(state: TransformerDecodeState, rows: Tensor): TransformerDecodeState {
    const memory = indexSelect(state.memory, 0, rows);
    return {
      memory,
      padding: indexSelect(state.padding, 0, rows),
      position: state.position,
      caches: state.caches.map((c) => c.selectRows(rows)),
      memoryCaches: state.memoryCaches.map((c) => c.selectRows(rows, memory, memory)),
    };
  }
}

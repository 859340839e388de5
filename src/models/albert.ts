// ALBERT, "A Lite BERT" (Lan et al. 2019): BERT with two parameter cuts that let it grow wider.
// 1. Factorized embeddings: tokens are embedded in a small E (128) and projected to the hidden
//    size H, so the vocabulary costs V·E + E·H instead of V·H.
// 2. Cross-layer sharing: ONE encoder layer's parameters are applied numHiddenLayers times.
// Fewer parameters, the same compute per token. Names as Hugging Face's AlbertModel, camelCase.
import { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../tensor/generator.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/linear.js';
import type { TransformerEncoderLayer } from '../nn/transformer.js';
import {
  BERT_CONFIG_KEYS,
  BertEmbeddings,
  MlmHead,
  Pooler,
  bertLayer,
  checkBertConfig,
  initBert,
  mlmLoss,
  paddingMaskFrom,
  type BertConfig,
  type MlmOutput,
} from './bert.js';
import { checkOptions, describe } from '../util/options.js';

export type AlbertConfig = BertConfig & { embeddingSize: number };

export const ALBERT_BASE: AlbertConfig = {
  vocabSize: 30000,
  embeddingSize: 128,
  hiddenSize: 768,
  numHiddenLayers: 12,
  numAttentionHeads: 12,
  intermediateSize: 3072,
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  dropout: 0,
  layerNormEps: 1e-12,
};

const ALBERT_CONFIG_KEYS = [...BERT_CONFIG_KEYS, 'embeddingSize'];

export class AlbertModel extends Module {
  readonly config: AlbertConfig;
  embeddings: BertEmbeddings; // width E
  embeddingHiddenMappingIn: Linear; // E -> H
  sharedLayer: TransformerEncoderLayer; // one set of weights, used numHiddenLayers times
  pooler: Pooler | null;

  constructor(config: AlbertConfig, opts: { addPoolingLayer?: boolean; generator?: Generator } = {}) {
    super();
    checkOptions('AlbertModel', opts, ['addPoolingLayer', 'generator']);
    checkBertConfig('AlbertModel', config, ALBERT_CONFIG_KEYS);
    if (!Number.isInteger(config.embeddingSize) || config.embeddingSize < 1)
      throw new RangeError(`AlbertModel: config.embeddingSize must be a positive integer, got ${config.embeddingSize}`);
    this.config = { ...config };
    const gen = opts.generator;
    this.embeddings = new BertEmbeddings(config, config.embeddingSize, gen);
    this.embeddingHiddenMappingIn = new Linear(config.embeddingSize, config.hiddenSize, { generator: gen });
    this.sharedLayer = bertLayer(config, gen);
    this.pooler = (opts.addPoolingLayer ?? true) ? new Pooler(config.hiddenSize, gen) : null;
    initBert(this, gen);
  }

  /** ids (B, T) -> hidden states (B, T, H) */
  forward(ids: Tensor, opts: { tokenTypeIds?: Tensor | null; attentionMask?: Tensor | null } = {}): Tensor {
    checkOptions('AlbertModel.forward', opts, ['tokenTypeIds', 'attentionMask']);
    let h = this.embeddingHiddenMappingIn.forward(this.embeddings.forward(ids, opts.tokenTypeIds)); // (B, T, H)
    const srcKeyPaddingMask = paddingMaskFrom(opts.attentionMask);
    for (let i = 0; i < this.config.numHiddenLayers; i++) h = this.sharedLayer.forward(h, { srcKeyPaddingMask });
    return h;
  }
}

export class AlbertForMaskedLM extends Module {
  albert: AlbertModel;
  predictions: MlmHead; // H -> E, then the tied E-wide word embeddings

  constructor(config: AlbertConfig, opts: { generator?: Generator } = {}) {
    super();
    checkOptions('AlbertForMaskedLM', opts, ['generator']);
    checkBertConfig('AlbertForMaskedLM', config, ALBERT_CONFIG_KEYS);
    this.albert = new AlbertModel(config, { addPoolingLayer: false, generator: opts.generator });
    this.predictions = new MlmHead(config.hiddenSize, config.embeddingSize, config.vocabSize, config.layerNormEps, opts.generator);
    initBert(this.predictions, opts.generator);
  }

  get config(): AlbertConfig {
    return this.albert.config;
  }

  forward(ids: Tensor, labels?: Tensor | null, opts: { tokenTypeIds?: Tensor | null; attentionMask?: Tensor | null } = {}): MlmOutput {
    if (labels !== undefined && labels !== null && !(labels instanceof Tensor))
      throw new TypeError(`AlbertForMaskedLM.forward: labels must be a Tensor or null, got ${describe(labels)}`);
    const h = this.albert.forward(ids, opts);
    const logits = this.predictions.forward(h, this.albert.embeddings.wordEmbeddings.weight);
    return { logits, loss: labels ? mlmLoss(logits, labels) : null };
  }
}

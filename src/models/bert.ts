// BERT (Devlin et al. 2018): a bidirectional Transformer encoder, pre-trained by masked language
// modelling (MLM): hide 15% of the tokens and predict them from both sides. Layout and names as
// Hugging Face's BertModel, in camelCase:
//   embeddings: word + position + token type → LayerNorm → dropout
//   encoder: numHiddenLayers × post-norm TransformerEncoderLayer (GELU, LayerNorm eps 1e-12)
//   pooler: tanh(Linear(first token))        (for sentence tasks)
//   MLM head: Linear → GELU → LayerNorm → decoder tied to the word embeddings, + bias
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { arange } from '../tensor/creation.js';
import type { Generator } from '../tensor/generator.js';
import { add, crossEntropy, eq, gelu, linear, tanh } from '../ops/index.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/linear.js';
import { Embedding } from '../nn/embedding.js';
import { LayerNorm } from '../nn/layernorm.js';
import { Dropout } from '../nn/dropout.js';
import { emptyParameter, type Parameter } from '../nn/parameter.js';
import { TransformerEncoder, TransformerEncoderLayer } from '../nn/transformer.js';
import { normal_, zeros_ } from '../nn/init.js';
import { checkOptions, describe, optionKeys } from '../util/options.js';

export type BertConfig = {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  /** Dropout on embeddings, attention weights and sublayer outputs (BERT: 0.1). */
  dropout: number;
  layerNormEps: number;
};

export const BERT_BASE: BertConfig = {
  vocabSize: 30522,
  hiddenSize: 768,
  numHiddenLayers: 12,
  numAttentionHeads: 12,
  intermediateSize: 3072,
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  dropout: 0.1,
  layerNormEps: 1e-12,
};

export const BERT_CONFIG_KEYS = optionKeys<BertConfig>({
  vocabSize: true,
  hiddenSize: true,
  numHiddenLayers: true,
  numAttentionHeads: true,
  intermediateSize: true,
  maxPositionEmbeddings: true,
  typeVocabSize: true,
  dropout: true,
  layerNormEps: true,
});
const CALL_KEYS = ['tokenTypeIds', 'attentionMask'];

export function checkBertConfig(op: string, c: BertConfig, allowed: readonly string[] = BERT_CONFIG_KEYS): void {
  if (c === undefined) throw new TypeError(`${op}: expected a config {${allowed.join(', ')}}`);
  checkOptions(`${op}: config`, c, allowed);
  for (const k of ['vocabSize', 'hiddenSize', 'numHiddenLayers', 'numAttentionHeads', 'intermediateSize', 'maxPositionEmbeddings', 'typeVocabSize'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new RangeError(`${op}: config.${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.hiddenSize % c.numAttentionHeads !== 0)
    throw new RangeError(`${op}: hiddenSize ${c.hiddenSize} must be divisible by numAttentionHeads ${c.numAttentionHeads}`);
}

/** Word + position + token-type embeddings of width `width`, LayerNorm, dropout (BERT: width = hidden; ALBERT: the small E). */
export class BertEmbeddings extends Module {
  wordEmbeddings: Embedding;
  positionEmbeddings: Embedding;
  tokenTypeEmbeddings: Embedding;
  layerNorm: LayerNorm;
  dropout: Dropout;

  constructor(c: BertConfig, width: number, gen?: Generator) {
    super();
    this.wordEmbeddings = new Embedding(c.vocabSize, width, { generator: gen });
    this.positionEmbeddings = new Embedding(c.maxPositionEmbeddings, width, { generator: gen });
    this.tokenTypeEmbeddings = new Embedding(c.typeVocabSize, width, { generator: gen });
    this.layerNorm = new LayerNorm(width, { eps: c.layerNormEps });
    this.dropout = new Dropout(c.dropout, { generator: gen });
  }

  /** ids (B, T) int32, tokenTypeIds (B, T) or zeros -> (B, T, width) */
  forward(ids: Tensor, tokenTypeIds?: Tensor | null): Tensor {
    if (ids.ndim !== 2 || ids.dtype !== 'int32') throw new RangeError(`BERT embeddings: ids must be int32 (B, T), got ${ids.dtype} ${shapeStr(ids.shape)}`);
    const T = ids.shape[1]!;
    const maxT = this.positionEmbeddings.numEmbeddings;
    if (T > maxT) throw new RangeError(`BERT embeddings: sequence length ${T} exceeds maxPositionEmbeddings ${maxT}`);
    const types = tokenTypeIds ?? Tensor.empty(ids.shape, 'int32');
    const x = add(add(this.wordEmbeddings.forward(ids), this.positionEmbeddings.forward(arange(T))), this.tokenTypeEmbeddings.forward(types));
    return this.dropout.forward(this.layerNorm.forward(x)); // (B, T, width)
  }
}

/** BERT's encoder layer: post-norm, GELU, eps 1e-12, dropout everywhere. */
export function bertLayer(c: BertConfig, gen?: Generator): TransformerEncoderLayer {
  return new TransformerEncoderLayer(c.hiddenSize, c.numAttentionHeads, {
    dimFeedforward: c.intermediateSize,
    dropout: c.dropout,
    activation: 'gelu',
    layerNormEps: c.layerNormEps,
    normFirst: false,
    generator: gen,
  });
}

/** tanh(Linear(h[:, 0])): the [CLS] vector for sentence-level tasks. */
export class Pooler extends Module {
  dense: Linear;
  constructor(hidden: number, gen?: Generator) {
    super();
    this.dense = new Linear(hidden, hidden, { generator: gen });
  }
  forward(h: Tensor): Tensor {
    return tanh(this.dense.forward(h.select(1, 0))); // (B, H)
  }
}

/** The key-padding mask from an attention mask (B, T) of 1 = token, 0 = padding. */
export function paddingMaskFrom(attentionMask?: Tensor | null): Tensor | null {
  return attentionMask ? eq(attentionMask, 0) : null;
}

/** BERT's init: N(0, 0.02) for every Linear and Embedding, zero biases (LayerNorms stay 1, 0). */
export function initBert(root: Module, gen?: Generator): void {
  for (const m of root.modules()) {
    if (m instanceof Linear) {
      normal_(m.weight, 0, 0.02, { generator: gen });
      if (m.bias) zeros_(m.bias);
    } else if (m instanceof Embedding) normal_(m.weight, 0, 0.02, { generator: gen });
  }
}

export class BertModel extends Module {
  readonly config: BertConfig;
  embeddings: BertEmbeddings;
  encoder: TransformerEncoder;
  pooler: Pooler | null;

  constructor(config: BertConfig, opts: { addPoolingLayer?: boolean; generator?: Generator } = {}) {
    super();
    checkOptions('BertModel', opts, ['addPoolingLayer', 'generator']);
    checkBertConfig('BertModel', config);
    this.config = { ...config };
    const gen = opts.generator;
    this.embeddings = new BertEmbeddings(config, config.hiddenSize, gen);
    this.encoder = new TransformerEncoder(() => bertLayer(config, gen), config.numHiddenLayers);
    this.pooler = (opts.addPoolingLayer ?? true) ? new Pooler(config.hiddenSize, gen) : null;
    initBert(this, gen);
  }

  /** ids (B, T) -> hidden states (B, T, H); attentionMask (B, T) is 1 for tokens, 0 for padding. */
  forward(ids: Tensor, opts: { tokenTypeIds?: Tensor | null; attentionMask?: Tensor | null } = {}): Tensor {
    checkOptions('BertModel.forward', opts, CALL_KEYS);
    const x = this.embeddings.forward(ids, opts.tokenTypeIds);
    return this.encoder.forward(x, { srcKeyPaddingMask: paddingMaskFrom(opts.attentionMask) });
  }
}

/** Linear(H → width) → GELU → LayerNorm → logits over the vocabulary with the (tied) word embeddings plus a bias. */
export class MlmHead extends Module {
  dense: Linear;
  layerNorm: LayerNorm;
  bias: Parameter;
  constructor(hidden: number, width: number, vocabSize: number, eps: number, gen?: Generator) {
    super();
    this.dense = new Linear(hidden, width, { generator: gen });
    this.layerNorm = new LayerNorm(width, { eps });
    this.bias = emptyParameter([vocabSize]);
  }
  forward(h: Tensor, wordEmbeddings: Tensor): Tensor {
    const [B, T, H] = h.shape as [number, number, number];
    const x = this.layerNorm.forward(gelu(this.dense.forward(h.reshape(B * T, H)))); // (B·T, width)
    return linear(x, wordEmbeddings, this.bias).view(B, T, -1); // (B, T, V)
  }
}

export type MlmOutput = { logits: Tensor; loss: Tensor | null };

/** MLM loss over the positions whose label is not −100 (the unmasked ones), as Hugging Face. */
export function mlmLoss(logits: Tensor, labels: Tensor): Tensor {
  if (labels.dtype !== 'int32' || labels.shape.join() !== logits.shape.slice(0, 2).join()) {
    throw new RangeError(`MLM: labels must be int32 (B, T) = ${shapeStr(logits.shape.slice(0, 2))}, got ${labels.dtype} ${shapeStr(labels.shape)}`);
  }
  return crossEntropy(logits.reshape(-1, logits.shape[2]!), labels.reshape(-1), { ignoreIndex: -100 });
}

export class BertForMaskedLM extends Module {
  bert: BertModel;
  cls: MlmHead;

  constructor(config: BertConfig, opts: { generator?: Generator } = {}) {
    super();
    checkOptions('BertForMaskedLM', opts, ['generator']);
    checkBertConfig('BertForMaskedLM', config);
    this.bert = new BertModel(config, { addPoolingLayer: false, generator: opts.generator });
    this.cls = new MlmHead(config.hiddenSize, config.hiddenSize, config.vocabSize, config.layerNormEps, opts.generator);
    initBert(this.cls, opts.generator);
  }

  get config(): BertConfig {
    return this.bert.config;
  }

  /** ids (B, T), labels (B, T) with −100 where nothing is predicted -> logits (B, T, V) and the MLM loss. */
  forward(ids: Tensor, labels?: Tensor | null, opts: { tokenTypeIds?: Tensor | null; attentionMask?: Tensor | null } = {}): MlmOutput {
    if (labels !== undefined && labels !== null && !(labels instanceof Tensor))
      throw new TypeError(`BertForMaskedLM.forward: labels must be a Tensor or null, got ${describe(labels)}`);
    const h = this.bert.forward(ids, opts);
    const logits = this.cls.forward(h, this.bert.embeddings.wordEmbeddings.weight);
    return { logits, loss: labels ? mlmLoss(logits, labels) : null };
  }
}

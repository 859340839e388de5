// Transformer layers (Vaswani et al.), as torch.nn.TransformerEncoderLayer / DecoderLayer with
// batchFirst: (B, T, d) in and out. Post-norm (the paper, BERT) by default; normFirst: true gives
// the pre-norm of GPT-2 and later models:
//   post-norm: x = norm1(x + drop(selfAttn(x)));   x = norm2(x + ff(x))
//   pre-norm:  x = x + drop(selfAttn(norm1(x)));   x = x + ff(norm2(x))
// The decoder layer adds cross-attention over the encoder's output (memory) between the two.
// The feed-forward block is Linear → activation → Linear → dropout (Hugging Face's BERT layout);
// activationDropout adds the dropout after the activation that PyTorch's layers have (nn.Transformer
// sets it to dropout). Step-by-step decoding keeps a LayerKVCache for the self-attention and a
// MemoryKVCache for the cross-attention (the memory's keys/values, projected once).
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { add } from '../ops/index.js';
import { Module } from './module.js';
import { ModuleList } from './containers.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layernorm.js';
import { MultiheadAttention, type LayerKVCache, type MemoryKVCache } from './attention.js';
import { FeedForward, type FeedForwardActivation } from './mlp-blocks.js';
import { checkNumber, checkOptions, optionKeys } from '../util/options.js';

export type TransformerLayerOptions = {
  dimFeedforward?: number;
  dropout?: number;
  /** Dropout after the feed-forward activation (default 0; PyTorch's layers use `dropout` here). */
  activationDropout?: number;
  activation?: FeedForwardActivation;
  layerNormEps?: number;
  normFirst?: boolean;
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
};

export type EncoderCallOptions = { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean };
export type DecoderCallOptions = {
  tgtMask?: Tensor | null;
  /** The cross-attention's attnMask, (T, S) or (B·H, T, S). */
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  /** Default true: a decoder attends to the past only. */
  tgtIsCausal?: boolean;
  cache?: LayerKVCache | null;
  /** The memory's cross-attention keys/values, projected on the first step and reused (inference). */
  memoryCache?: MemoryKVCache | null;
  /** When given, the cross-attention weights (B, nhead, T, S) are pushed onto it (one a layer, in order). */
  crossAttentionWeights?: Tensor[] | null;
};
export type DecoderStackCallOptions = Omit<DecoderCallOptions, 'cache' | 'memoryCache'> & {
  caches?: readonly LayerKVCache[];
  memoryCaches?: readonly MemoryKVCache[];
};

const LAYER_KEYS = optionKeys<TransformerLayerOptions>({
  dimFeedforward: true,
  dropout: true,
  activationDropout: true,
  activation: true,
  layerNormEps: true,
  normFirst: true,
  bias: true,
  dtype: true,
  generator: true,
});
const ENCODER_CALL_KEYS = optionKeys<EncoderCallOptions>({ srcMask: true, srcKeyPaddingMask: true, isCausal: true });
const DECODER_CALL_KEYS = optionKeys<DecoderCallOptions>({
  tgtMask: true,
  memoryMask: true,
  tgtKeyPaddingMask: true,
  memoryKeyPaddingMask: true,
  tgtIsCausal: true,
  cache: true,
  memoryCache: true,
  crossAttentionWeights: true,
});
const DECODER_STACK_CALL_KEYS = [...DECODER_CALL_KEYS.filter((k) => k !== 'cache' && k !== 'memoryCache'), 'caches', 'memoryCaches'];

function parts(dModel: number, nhead: number, opts: TransformerLayerOptions, op = 'TransformerEncoderLayer') {
  checkNumber(op, 'dModel', dModel);
  checkNumber(op, 'nhead', nhead);
  checkOptions(op, opts, LAYER_KEYS);
  const dropout = opts.dropout ?? 0.1;
  const common = { dtype: opts.dtype, generator: opts.generator };
  return {
    attn: () => new MultiheadAttention(dModel, nhead, { dropout, bias: opts.bias, ...common }),
    ff: new FeedForward(dModel, opts.dimFeedforward ?? 2048, {
      activation: opts.activation ?? 'relu',
      dropout,
      activationDropout: opts.activationDropout ?? 0,
      bias: opts.bias,
      ...common,
    }),
    norm: () => new LayerNorm(dModel, { eps: opts.layerNormEps ?? 1e-5, bias: opts.bias, dtype: opts.dtype }),
    drop: () => new Dropout(dropout, { generator: opts.generator }),
  };
}

export class TransformerEncoderLayer extends Module {
  readonly normFirst: boolean;
  selfAttn: MultiheadAttention;
  dropout1: Dropout;
  norm1: LayerNorm;
  ff: FeedForward;
  norm2: LayerNorm;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super();
    const p = parts(dModel, nhead, opts, 'TransformerEncoderLayer');
    this.normFirst = opts.normFirst ?? false;
    this.selfAttn = p.attn();
    this.dropout1 = p.drop();
    this.norm1 = p.norm();
    this.ff = p.ff;
    this.norm2 = p.norm();
  }

  /** (B, T, d) -> (B, T, d) */
  forward(x: Tensor, opts: EncoderCallOptions = {}): Tensor {
    checkOptions('TransformerEncoderLayer.forward', opts, ENCODER_CALL_KEYS);
    const sa = (h: Tensor): Tensor =>
      this.dropout1.forward(this.selfAttn.forward(h, h, h, { attnMask: opts.srcMask, keyPaddingMask: opts.srcKeyPaddingMask, isCausal: opts.isCausal }));
    if (this.normFirst) {
      x = add(x, sa(this.norm1.forward(x)));
      return add(x, this.ff.forward(this.norm2.forward(x)));
    }
    x = this.norm1.forward(add(x, sa(x)));
    return this.norm2.forward(add(x, this.ff.forward(x)));
  }
}

export class TransformerDecoderLayer extends Module {
  readonly normFirst: boolean;
  selfAttn: MultiheadAttention;
  dropout1: Dropout;
  norm1: LayerNorm;
  crossAttn: MultiheadAttention;
  dropout2: Dropout;
  norm2: LayerNorm;
  ff: FeedForward;
  norm3: LayerNorm;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super();
    const p = parts(dModel, nhead, opts, 'TransformerDecoderLayer');
    this.normFirst = opts.normFirst ?? false;
    this.selfAttn = p.attn();
    this.dropout1 = p.drop();
    this.norm1 = p.norm();
    this.crossAttn = p.attn();
    this.dropout2 = p.drop();
    this.norm2 = p.norm();
    this.ff = p.ff;
    this.norm3 = p.norm();
  }

  /** x (B, T, d), memory (B, S, d) -> (B, T, d) */
  forward(x: Tensor, memory: Tensor, opts: DecoderCallOptions = {}): Tensor {
    checkOptions('TransformerDecoderLayer.forward', opts, DECODER_CALL_KEYS);
    const sa = (h: Tensor): Tensor =>
      this.dropout1.forward(
        this.selfAttn.forward(h, h, h, {
          attnMask: opts.tgtMask,
          keyPaddingMask: opts.tgtKeyPaddingMask,
          isCausal: opts.tgtIsCausal ?? true,
          cache: opts.cache,
        }),
      );
    const ca = (h: Tensor): Tensor =>
      this.dropout2.forward(
        this.crossAttn.forward(h, memory, memory, {
          attnMask: opts.memoryMask,
          keyPaddingMask: opts.memoryKeyPaddingMask,
          memoryCache: opts.memoryCache,
          weights: opts.crossAttentionWeights,
        }),
      );
    if (this.normFirst) {
      x = add(x, sa(this.norm1.forward(x)));
      x = add(x, ca(this.norm2.forward(x)));
      return add(x, this.ff.forward(this.norm3.forward(x)));
    }
    x = this.norm1.forward(add(x, sa(x)));
    x = this.norm2.forward(add(x, ca(x)));
    return this.norm3.forward(add(x, this.ff.forward(x)));
  }
}

/** numLayers encoder layers made by `makeLayer`, then an optional final norm (for pre-norm stacks). */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  norm: LayerNorm | null;
  constructor(makeLayer: (i: number) => TransformerEncoderLayer, numLayers: number, opts: { norm?: LayerNorm | null } = {}) {
    super();
    if (typeof makeLayer !== 'function') throw new TypeError('TransformerEncoder: makeLayer must be a function (i) => TransformerEncoderLayer');
    checkNumber('TransformerEncoder', 'numLayers', numLayers);
    checkOptions('TransformerEncoder', opts, ['norm']);
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new RangeError(`TransformerEncoder: numLayers must be a positive integer, got ${numLayers}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, (_, i) => makeLayer(i)));
    this.norm = opts.norm ?? null;
  }
  forward(x: Tensor, opts: EncoderCallOptions = {}): Tensor {
    checkOptions('TransformerEncoder.forward', opts, ENCODER_CALL_KEYS);
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, opts);
    return this.norm ? this.norm.forward(x) : x;
  }
}

/** numLayers decoder layers made by `makeLayer`, then an optional final norm. */
export class TransformerDecoder extends Module {
  layers: ModuleList;
  norm: LayerNorm | null;
  constructor(makeLayer: (i: number) => TransformerDecoderLayer, numLayers: number, opts: { norm?: LayerNorm | null } = {}) {
    super();
    if (typeof makeLayer !== 'function') throw new TypeError('TransformerDecoder: makeLayer must be a function (i) => TransformerDecoderLayer');
    checkNumber('TransformerDecoder', 'numLayers', numLayers);
    checkOptions('TransformerDecoder', opts, ['norm']);
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new RangeError(`TransformerDecoder: numLayers must be a positive integer, got ${numLayers}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, (_, i) => makeLayer(i)));
    this.norm = opts.norm ?? null;
  }
  forward(x: Tensor, memory: Tensor, opts: DecoderStackCallOptions = {}): Tensor {
    checkOptions('TransformerDecoder.forward', opts, DECODER_STACK_CALL_KEYS);
    const { caches, memoryCaches, ...layerOpts } = opts;
    let i = 0;
    for (const layer of this.layers) {
      x = (layer as TransformerDecoderLayer).forward(x, memory, { ...layerOpts, cache: caches?.[i] ?? null, memoryCache: memoryCaches?.[i] ?? null });
      i++;
    }
    return this.norm ? this.norm.forward(x) : x;
  }
}

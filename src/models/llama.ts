// A LLaMA-style decoder (Touvron et al. 2023), as Meta's model.py: the GPT recipe with RMSNorm
// before each sublayer, rotary positions on q and k instead of a position table, a SwiGLU MLP,
// no biases, and an output layer not tied to the embedding.
//   tokens → n × Block(x + attention(attentionNorm(x)); x + feedForward(ffnNorm(x))) → norm → output
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import type { Generator } from '../tensor/generator.js';
import { add, crossEntropy, scaledDotProductAttention } from '../ops/index.js';
import { Module } from '../nn/module.js';
import { ModuleList } from '../nn/containers.js';
import { Linear } from '../nn/linear.js';
import { Embedding } from '../nn/embedding.js';
import { RMSNorm } from '../nn/rmsnorm.js';
import { RotaryEmbedding } from '../nn/positional.js';
import { SwiGLU, swigluHidden } from '../nn/mlp-blocks.js';
import { LayerKVCache } from '../nn/attention.js';
import { normal_ } from '../nn/init.js';
import { checkOptions, describe, optionKeys } from '../util/options.js';

export type LlamaConfig = {
  dim: number;
  nLayers: number;
  nHeads: number;
  vocabSize: number;
  /** The SwiGLU hidden size is rounded up to a multiple of this (256). */
  multipleOf: number;
  ffnDimMultiplier?: number;
  normEps: number;
  /** Context length (LLaMA 1: 2048). */
  blockSize: number;
  ropeTheta: number;
};

export const LLAMA_DEFAULTS = { multipleOf: 256, normEps: 1e-6, blockSize: 2048, ropeTheta: 10000 };

const LLAMA_CONFIG_KEYS = optionKeys<LlamaConfig>({
  dim: true,
  nLayers: true,
  nHeads: true,
  vocabSize: true,
  multipleOf: true,
  ffnDimMultiplier: true,
  normEps: true,
  blockSize: true,
  ropeTheta: true,
});
const FORWARD_KEYS = ['caches', 'allLogits'];

export function checkLlamaConfig(c: LlamaConfig): LlamaConfig {
  if (c === undefined) throw new TypeError(`Llama: expected a config {${LLAMA_CONFIG_KEYS.join(', ')}}`);
  checkOptions('Llama: config', c, LLAMA_CONFIG_KEYS);
  for (const k of ['dim', 'nLayers', 'nHeads', 'vocabSize', 'multipleOf', 'blockSize'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new RangeError(`Llama: config.${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.dim % c.nHeads !== 0 || (c.dim / c.nHeads) % 2 !== 0)
    throw new RangeError(`Llama: dim ${c.dim} must split into ${c.nHeads} heads of an even size (rotary pairs)`);
  return c;
}

export class Attention extends Module {
  wq: Linear;
  wk: Linear;
  wv: Linear;
  wo: Linear;
  readonly nHeads: number;
  readonly headDim: number;

  constructor(c: LlamaConfig, gen?: Generator) {
    super();
    const lin = { bias: false, generator: gen };
    this.wq = new Linear(c.dim, c.dim, lin);
    this.wk = new Linear(c.dim, c.dim, lin);
    this.wv = new Linear(c.dim, c.dim, lin);
    this.wo = new Linear(c.dim, c.dim, lin);
    this.nHeads = c.nHeads;
    this.headDim = c.dim / c.nHeads;
  }

  forward(x: Tensor, rotary: RotaryEmbedding, cache?: LayerKVCache | null): Tensor {
    const [B, T, C] = x.shape as [number, number, number];
    const heads = (t: Tensor): Tensor => t.view(B, T, this.nHeads, this.headDim).transpose(1, 2); // (B, nh, T, hd)
    const past = cache?.length ?? 0;
    const q = rotary.forward(heads(this.wq.forward(x)), past);
    let k = rotary.forward(heads(this.wk.forward(x)), past);
    let v = heads(this.wv.forward(x));
    if (cache) [k, v] = cache.append(k, v);
    const y = scaledDotProductAttention(q, k, v, { isCausal: true }); // (B, nh, T, hd)
    return this.wo.forward(y.transpose(1, 2).reshape(B, T, C)); // (B, T, C)
  }
}

export class TransformerBlock extends Module {
  attentionNorm: RMSNorm;
  attention: Attention;
  ffnNorm: RMSNorm;
  feedForward: SwiGLU;

  constructor(c: LlamaConfig, gen?: Generator) {
    super();
    this.attentionNorm = new RMSNorm(c.dim, { eps: c.normEps });
    this.attention = new Attention(c, gen);
    this.ffnNorm = new RMSNorm(c.dim, { eps: c.normEps });
    this.feedForward = new SwiGLU(c.dim, swigluHidden(c.dim, c.multipleOf, c.ffnDimMultiplier), { generator: gen });
  }

  forward(x: Tensor, rotary: RotaryEmbedding, cache?: LayerKVCache | null): Tensor {
    const h = add(x, this.attention.forward(this.attentionNorm.forward(x), rotary, cache));
    return add(h, this.feedForward.forward(this.ffnNorm.forward(h)));
  }
}

export class Llama extends Module {
  readonly config: LlamaConfig;
  tokEmbeddings: Embedding;
  layers: ModuleList;
  norm: RMSNorm;
  output: Linear;
  rotary: RotaryEmbedding;

  constructor(config: LlamaConfig, opts: { generator?: Generator } = {}) {
    super();
    checkOptions('Llama', opts, ['generator']);
    this.config = checkLlamaConfig(config && { ...config });
    const gen = opts.generator;
    this.tokEmbeddings = new Embedding(config.vocabSize, config.dim, { generator: gen });
    this.layers = new ModuleList(Array.from({ length: config.nLayers }, () => new TransformerBlock(this.config, gen)));
    this.norm = new RMSNorm(config.dim, { eps: config.normEps });
    this.output = new Linear(config.dim, config.vocabSize, { bias: false, generator: gen });
    this.rotary = new RotaryEmbedding(config.dim / config.nHeads, { base: config.ropeTheta, maxSeqLen: config.blockSize });
    for (const m of this.modules()) {
      if (m instanceof Linear || m instanceof Embedding) normal_(m.weight, 0, 0.02, { generator: gen });
    }
  }

  /** Same contract as GPT.forward: targets give every position's logits and the loss, else the last position's logits. */
  forward(idx: Tensor, targets?: Tensor | null, opts: { caches?: readonly LayerKVCache[]; allLogits?: boolean } = {}): { logits: Tensor; loss: Tensor | null } {
    checkOptions('Llama.forward', opts, FORWARD_KEYS);
    if (targets !== undefined && targets !== null && !(targets instanceof Tensor))
      throw new TypeError(`Llama.forward: targets must be a Tensor or null, got ${describe(targets)}`);
    if (idx.ndim !== 2 || idx.dtype !== 'int32')
      throw new RangeError(`Llama: idx must be int32 token ids of shape (B, T), got ${idx.dtype} ${shapeStr(idx.shape)}`);
    const T = idx.shape[1]!;
    const past = opts.caches?.[0]?.length ?? 0;
    if (past + T > this.config.blockSize)
      throw new RangeError(`Llama: cannot forward a sequence of length ${past + T}, the context is only ${this.config.blockSize}`);
    let h = this.tokEmbeddings.forward(idx); // (B, T, dim)
    let i = 0;
    for (const layer of this.layers) h = (layer as TransformerBlock).forward(h, this.rotary, opts.caches?.[i++] ?? null);
    h = this.norm.forward(h);
    if (targets) {
      const logits = this.output.forward(h); // (B, T, V)
      return { logits, loss: crossEntropy(logits.reshape(-1, this.config.vocabSize), targets.reshape(-1), { ignoreIndex: -1 }) };
    }
    return { logits: this.output.forward(opts.allLogits ? h : h.narrow(1, T - 1, 1)), loss: null };
  }

  makeCaches(capacity = this.config.blockSize): LayerKVCache[] {
    return Array.from({ length: this.config.nLayers }, () => new LayerKVCache(Math.min(capacity, this.config.blockSize)));
  }
}

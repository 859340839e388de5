// GPT, as Karpathy's nanoGPT model.py: a decoder-only transformer (GPT-2 layout, pre-norm) that
// reads token ids (B, T) and predicts the next token at every position.
//   tokens + learned positions → n × Block(x + attn(ln1(x)); x + mlp(ln2(x))) → lnF → lmHead
// The lm head shares its weight with the token embedding (weight tying). Initialization as
// nanoGPT: N(0, 0.02) everywhere, biases 0, the residual projections N(0, 0.02/√(2·nLayer)).
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { arange } from '../tensor/creation.js';
import type { Generator } from '../tensor/generator.js';
import { add, crossEntropy, feedForward, gelu, scaledDotProductAttention, selfAttention } from '../ops/index.js';
import { Module } from '../nn/module.js';
import { ModuleList } from '../nn/containers.js';
import { Linear } from '../nn/linear.js';
import { Embedding } from '../nn/embedding.js';
import { LayerNorm } from '../nn/layernorm.js';
import { Dropout } from '../nn/dropout.js';
import { LayerKVCache } from '../nn/attention.js';
import { plainLinears } from '../nn/mlp-blocks.js';
import { normal_, zeros_ } from '../nn/init.js';
import { AdamW } from '../optim/adamw.js';
import { checkOptions, describe, optionKeys } from '../util/options.js';

export type GPTConfig = {
  blockSize: number;
  vocabSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  dropout: number;
  /** Biases in the Linears and LayerNorms (GPT-2: true; nanoGPT's default: false, a bit better and faster). */
  bias: boolean;
  /** 'none' = exact GELU (nanoGPT), 'tanh' = GPT-2's approximation (Hugging Face gelu_new). */
  geluApproximate?: 'none' | 'tanh';
};

/** GPT-2 small (124M) as nanoGPT defines it. */
export const GPT2_CONFIG: GPTConfig = { blockSize: 1024, vocabSize: 50257, nLayer: 12, nHead: 12, nEmbd: 768, dropout: 0, bias: true, geluApproximate: 'tanh' };

const GPT_CONFIG_KEYS = optionKeys<GPTConfig>({
  blockSize: true,
  vocabSize: true,
  nLayer: true,
  nHead: true,
  nEmbd: true,
  dropout: true,
  bias: true,
  geluApproximate: true,
});
const FORWARD_KEYS = ['caches', 'allLogits'];

export function checkGPTConfig(c: GPTConfig): GPTConfig {
  if (c === undefined) throw new TypeError(`GPT: expected a config {${GPT_CONFIG_KEYS.join(', ')}}`);
  checkOptions('GPT: config', c, GPT_CONFIG_KEYS);
  for (const k of ['blockSize', 'vocabSize', 'nLayer', 'nHead', 'nEmbd'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new RangeError(`GPT: config.${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.nEmbd % c.nHead !== 0) throw new RangeError(`GPT: nEmbd ${c.nEmbd} must be divisible by nHead ${c.nHead}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new RangeError(`GPT: dropout must be in [0, 1), got ${c.dropout}`);
  return c;
}

export class CausalSelfAttention extends Module {
  cAttn: Linear; // q, k, v projections for all heads, in one matrix
  cProj: Linear;
  residDropout: Dropout;
  readonly nHead: number;
  readonly nEmbd: number;
  readonly dropout: number;

  constructor(c: GPTConfig, gen?: Generator) {
    super();
    this.cAttn = new Linear(c.nEmbd, 3 * c.nEmbd, { bias: c.bias, generator: gen });
    this.cProj = new Linear(c.nEmbd, c.nEmbd, { bias: c.bias, generator: gen });
    this.residDropout = new Dropout(c.dropout, { generator: gen });
    this.nHead = c.nHead;
    this.nEmbd = c.nEmbd;
    this.dropout = c.dropout;
  }

  forward(x: Tensor, cache?: LayerKVCache | null): Tensor {
    const { cAttn, cProj } = this;
    const dropout = this.training ? this.dropout : 0;
    // one op (ops/self-attention.ts) unless a cache, attention dropout or a wrapped layer needs the steps
    if (!cache && dropout === 0 && plainLinears(cAttn, cProj))
      return this.residDropout.forward(selfAttention(x, cAttn.weight, cAttn.bias, cProj.weight, cProj.bias, this.nHead, { isCausal: true })); // (B, T, C)
    const [B, T, C] = x.shape as [number, number, number];
    const hs = C / this.nHead;
    // (B, T, 3C) -> three (B, nh, T, hs) views of it: heads are strides, not copies
    const qkv = this.cAttn.forward(x).view(B, T, 3, this.nHead, hs).permute(2, 0, 3, 1, 4); // (3, B, nh, T, hs)
    const q = qkv.select(0, 0);
    let k = qkv.select(0, 1),
      v = qkv.select(0, 2);
    if (cache) [k, v] = cache.append(k, v); // (B, nh, Tpast + T, hs)
    // causal self-attention: each position sees itself and the past
    const y = scaledDotProductAttention(q, k, v, { isCausal: true, dropoutP: dropout }); // (B, nh, T, hs)
    return this.residDropout.forward(this.cProj.forward(y.transpose(1, 2).reshape(B, T, C))); // (B, T, C)
  }
}

export class MLP extends Module {
  cFc: Linear;
  cProj: Linear;
  dropout: Dropout;
  readonly approximate: 'none' | 'tanh';

  constructor(c: GPTConfig, gen?: Generator) {
    super();
    this.cFc = new Linear(c.nEmbd, 4 * c.nEmbd, { bias: c.bias, generator: gen });
    this.cProj = new Linear(4 * c.nEmbd, c.nEmbd, { bias: c.bias, generator: gen });
    this.dropout = new Dropout(c.dropout, { generator: gen });
    this.approximate = c.geluApproximate ?? 'none';
  }

  forward(x: Tensor): Tensor {
    const { cFc, cProj } = this;
    const y = plainLinears(cFc, cProj) // one op (ops/feed-forward.ts) unless a layer was wrapped
      ? feedForward(x, cFc.weight, cFc.bias, cProj.weight, cProj.bias, this.approximate === 'tanh' ? 'geluTanh' : 'gelu')
      : cProj.forward(gelu(cFc.forward(x), this.approximate));
    return this.dropout.forward(y); // (B, T, C)
  }
}

export class Block extends Module {
  ln1: LayerNorm;
  attn: CausalSelfAttention;
  ln2: LayerNorm;
  mlp: MLP;

  constructor(c: GPTConfig, gen?: Generator) {
    super();
    this.ln1 = new LayerNorm(c.nEmbd, { bias: c.bias });
    this.attn = new CausalSelfAttention(c, gen);
    this.ln2 = new LayerNorm(c.nEmbd, { bias: c.bias });
    this.mlp = new MLP(c, gen);
  }

  forward(x: Tensor, cache?: LayerKVCache | null): Tensor {
    x = add(x, this.attn.forward(this.ln1.forward(x), cache));
    return add(x, this.mlp.forward(this.ln2.forward(x)));
  }
}

/** nanoGPT's `transformer` ModuleDict: the embeddings, the blocks and the final norm. */
export class GPTTransformer extends Module {
  wte: Embedding;
  wpe: Embedding;
  drop: Dropout;
  h: ModuleList;
  lnF: LayerNorm;

  constructor(c: GPTConfig, gen?: Generator) {
    super();
    this.wte = new Embedding(c.vocabSize, c.nEmbd, { generator: gen });
    this.wpe = new Embedding(c.blockSize, c.nEmbd, { generator: gen });
    this.drop = new Dropout(c.dropout, { generator: gen });
    this.h = new ModuleList(Array.from({ length: c.nLayer }, () => new Block(c, gen)));
    this.lnF = new LayerNorm(c.nEmbd, { bias: c.bias });
  }

  forward(): never {
    throw new Error('GPTTransformer: call GPT.forward, which runs these modules in order');
  }
}

export type GPTOutput = { logits: Tensor; loss: Tensor | null };

export class GPT extends Module {
  readonly config: GPTConfig;
  transformer: GPTTransformer;
  lmHead: Linear;

  constructor(config: GPTConfig, opts: { generator?: Generator } = {}) {
    super();
    checkOptions('GPT', opts, ['generator']);
    this.config = checkGPTConfig(config && { ...config });
    const gen = opts.generator;
    this.transformer = new GPTTransformer(this.config, gen);
    this.lmHead = new Linear(config.nEmbd, config.vocabSize, { bias: false, generator: gen });
    // weight tying: the token embedding and the output layer are one (vocab, C) matrix
    this.transformer.wte.weight = this.lmHead.weight;
    // nanoGPT's init, then the scaled residual projections (GPT-2 paper)
    for (const m of this.modules()) {
      if (m instanceof Linear) {
        normal_(m.weight, 0, 0.02, { generator: gen });
        if (m.bias) zeros_(m.bias);
      } else if (m instanceof Embedding) normal_(m.weight, 0, 0.02, { generator: gen });
    }
    for (const [name, p] of this.namedParameters()) {
      if (name.endsWith('cProj.weight')) normal_(p, 0, 0.02 / Math.sqrt(2 * config.nLayer), { generator: gen });
    }
  }

  /** Casts as Module.to, then re-ties the lm head and the token embedding (the cast makes new parameters). */
  override to(dtype: Parameters<Module['to']>[0]): this {
    super.to(dtype);
    this.transformer.wte.weight = this.lmHead.weight;
    return this;
  }

  /** Parameters, without the position embeddings when nonEmbedding (nanoGPT's get_num_params; the tied token embedding counts once). */
  getNumParams(nonEmbedding = true): number {
    let n = this.numParameters();
    if (nonEmbedding) n -= this.transformer.wpe.weight.numel();
    return n;
  }

  /**
   * idx (B, T) int32 token ids; with targets (B, T) the logits of every position and the mean
   * cross-entropy (targets −1 are ignored); without, only the last position's logits (B, 1, V).
   * With caches (one per layer) the ids continue the cached sequence.
   */
  forward(idx: Tensor, targets?: Tensor | null, opts: { caches?: readonly LayerKVCache[]; allLogits?: boolean } = {}): GPTOutput {
    checkOptions('GPT.forward', opts, FORWARD_KEYS);
    if (targets !== undefined && targets !== null && !(targets instanceof Tensor))
      throw new TypeError(`GPT.forward: targets must be a Tensor or null, got ${describe(targets)}`);
    if (idx.ndim !== 2 || idx.dtype !== 'int32')
      throw new RangeError(`GPT: idx must be int32 token ids of shape (B, T), got ${idx.dtype} ${shapeStr(idx.shape)}`);
    const [, T] = idx.shape as [number, number];
    const past = opts.caches?.[0]?.length ?? 0;
    if (past + T > this.config.blockSize)
      throw new RangeError(`GPT: cannot forward a sequence of length ${past + T}, the block size is only ${this.config.blockSize}`);
    if (opts.caches && opts.caches.length !== this.config.nLayer)
      throw new RangeError(`GPT: expected ${this.config.nLayer} layer caches, got ${opts.caches.length}`);
    const tr = this.transformer;
    const pos = arange(past, past + T); // (T,)
    const tokEmb = tr.wte.forward(idx); // (B, T, C)
    const posEmb = tr.wpe.forward(pos); // (T, C)
    let x = tr.drop.forward(add(tokEmb, posEmb)); // (B, T, C)
    let i = 0;
    for (const block of tr.h) x = (block as Block).forward(x, opts.caches?.[i++] ?? null);
    x = tr.lnF.forward(x);
    if (targets) {
      if (targets.dtype !== 'int32' || targets.shape.join() !== idx.shape.join()) {
        throw new RangeError(`GPT: targets must be int32 of the ids' shape ${shapeStr(idx.shape)}, got ${targets.dtype} ${shapeStr(targets.shape)}`);
      }
      const logits = this.lmHead.forward(x); // (B, T, V)
      const loss = crossEntropy(logits.view(-1, this.config.vocabSize), targets.reshape(-1), { ignoreIndex: -1 });
      return { logits, loss };
    }
    // inference: only the last position is needed (unless asked for all)
    const last = opts.allLogits ? x : x.narrow(1, T - 1, 1); // (B, 1, C)
    return { logits: this.lmHead.forward(last), loss: null };
  }

  /** One empty KV cache per layer, for generation of up to blockSize positions. */
  makeCaches(capacity = this.config.blockSize): LayerKVCache[] {
    return Array.from({ length: this.config.nLayer }, () => new LayerKVCache(Math.min(capacity, this.config.blockSize)));
  }

  /**
   * AdamW as nanoGPT's configure_optimizers: weight decay on every parameter of ≥ 2 dimensions
   * (matmul weights and embeddings), none on biases and LayerNorm gains.
   */
  configureOptimizers(opts: { weightDecay: number; lr: number; betas: [number, number] }): AdamW {
    checkOptions('GPT.configureOptimizers', opts, ['weightDecay', 'lr', 'betas']);
    const decay: Tensor[] = [],
      noDecay: Tensor[] = [];
    for (const p of this.parameters()) (p.ndim >= 2 ? decay : noDecay).push(p);
    const groups = [{ params: decay, weightDecay: opts.weightDecay }];
    if (noDecay.length) groups.push({ params: noDecay, weightDecay: 0 });
    return new AdamW(groups, { lr: opts.lr, betas: opts.betas });
  }

  override extraRepr(): string {
    const c = this.config;
    return `nLayer=${c.nLayer}, nHead=${c.nHead}, nEmbd=${c.nEmbd}, blockSize=${c.blockSize}, vocabSize=${c.vocabSize}`;
  }
}

// Multi-head attention, as torch.nn.MultiheadAttention with batchFirst (inputs are (B, T, E)):
// project to queries, keys and values, split into numHeads heads of E/numHeads, attend with
// scaled dot products in each head, concatenate the heads and project back. Masks follow
// nn.MultiheadAttention: keyPaddingMask (B, Tk) and a bool attnMask are true where attention is
// NOT allowed (a float attnMask is added to the scores). A LayerKVCache keeps past keys/values
// for generation, a MemoryKVCache the projected keys/values of a fixed memory (cross-attention
// while decoding); a RotaryEmbedding rotates q and k (LLaMA-style).
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { shapeStr } from '../tensor/shape.js';
import { attentionWeights, copy_, indexSelect, logicalNot, scaledDotProductAttention, where } from '../ops/index.js';
import { Module } from './module.js';
import { Linear } from './linear.js';
import type { RotaryEmbedding } from './positional.js';
import { checkBoolean, checkNumber, checkOptions, describe, optionKeys } from '../util/options.js';

/**
 * One attention layer's key/value cache for generation: (B, H, capacity, D) buffers and how many
 * positions are filled. append() writes the new keys/values and returns views of all of them, so
 * attending over the past costs no copy.
 */
export class LayerKVCache {
  k: Tensor | null = null;
  v: Tensor | null = null;
  length = 0;

  constructor(readonly capacity: number) {
    checkNumber('LayerKVCache', 'capacity', capacity);
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LayerKVCache: capacity must be a positive integer, got ${capacity}`);
  }

  /** Appends k (B, H, T, D) and v (B, H, T, Dv); returns (B, H, length, D) views of everything cached. */
  append(k: Tensor, v: Tensor): [Tensor, Tensor] {
    const t = k.shape[2]!;
    if (this.length + t > this.capacity)
      throw new RangeError(
        `LayerKVCache: appending ${t} positions to ${this.length} exceeds the capacity ${this.capacity}; reset() the cache or crop the context`,
      );
    if (!this.k || !this.v || this.k.shape[0] !== k.shape[0] || this.k.dtype !== k.dtype) {
      if (this.length > 0) throw new RangeError(`LayerKVCache: keys ${shapeStr(k.shape)} do not match the cache ${shapeStr(this.k!.shape)}`);
      this.k = Tensor.empty([k.shape[0]!, k.shape[1]!, this.capacity, k.shape[3]!], k.dtype);
      this.v = Tensor.empty([v.shape[0]!, v.shape[1]!, this.capacity, v.shape[3]!], v.dtype);
    }
    copy_(this.k.narrow(2, this.length, t), k);
    copy_(this.v.narrow(2, this.length, t), v);
    this.length += t;
    return [this.k.narrow(2, 0, this.length), this.v.narrow(2, 0, this.length)];
  }

  reset(): void {
    this.length = 0;
  }

  /** A cache of batch rows `rows` (N',) int32 of this one (repeats allowed: beam search), the filled positions copied. */
  selectRows(rows: Tensor): LayerKVCache {
    const c = new LayerKVCache(this.capacity);
    if (!this.k || !this.v || this.length === 0) return c;
    const n = rows.shape[0]!;
    c.k = Tensor.empty([n, this.k.shape[1]!, this.capacity, this.k.shape[3]!], this.k.dtype);
    c.v = Tensor.empty([n, this.v.shape[1]!, this.capacity, this.v.shape[3]!], this.v.dtype);
    copy_(c.k.narrow(2, 0, this.length), indexSelect(this.k.narrow(2, 0, this.length), 0, rows));
    copy_(c.v.narrow(2, 0, this.length), indexSelect(this.v.narrow(2, 0, this.length), 0, rows));
    c.length = this.length;
    return c;
  }
}

/** Whether a and b are the same view: storage, offset, shape and strides (a transpose made twice is the same view). */
function sameView(a: Tensor, b: Tensor): boolean {
  return (
    a.storage === b.storage &&
    a.offset === b.offset &&
    a.shape.length === b.shape.length &&
    a.shape.every((n, i) => n === b.shape[i] && a.strides[i] === b.strides[i])
  );
}

/**
 * The projected keys and values of a fixed key/value input, for cross-attention over an
 * encoder's output while decoding step by step: the first call projects the memory and later
 * calls with the same memory (the same view of the same storage) reuse the result, so each layer
 * projects a sentence's memory once, not once per step. A different memory is projected afresh.
 * For inference: the cached keys keep the graph of the first call.
 */
export class MemoryKVCache {
  /** (B, H, S, hs) views, once filled. */
  k: Tensor | null = null;
  v: Tensor | null = null;
  #key: Tensor | null = null;
  #value: Tensor | null = null;

  /** The cached [k, v] if they were projected from these key and value inputs, else null. */
  lookup(key: Tensor, value: Tensor): [Tensor, Tensor] | null {
    if (!this.k || !this.v || !this.#key || !this.#value) return null;
    return sameView(this.#key, key) && sameView(this.#value, value) ? [this.k, this.v] : null;
  }

  store(key: Tensor, value: Tensor, k: Tensor, v: Tensor): void {
    [this.#key, this.#value, this.k, this.v] = [key, value, k, v];
  }

  reset(): void {
    this.k = this.v = this.#key = this.#value = null;
  }

  /**
   * The cache of batch rows `rows` (N',) int32, for `key`/`value` made of those rows of the cached
   * inputs (beam search reorders its hypotheses): the projections are selected, not recomputed.
   */
  selectRows(rows: Tensor, key: Tensor, value: Tensor): MemoryKVCache {
    const c = new MemoryKVCache();
    if (this.k && this.v) c.store(key, value, indexSelect(this.k, 0, rows), indexSelect(this.v, 0, rows));
    return c;
  }
}

export type MultiheadAttentionOptions = {
  dropout?: number;
  bias?: boolean;
  /** Feature sizes of the key and value inputs (default embedDim), for cross-attention. */
  kdim?: number;
  vdim?: number;
  dtype?: DType;
  generator?: Generator;
};

export type AttentionCallOptions = {
  /** (B, Tk) bool, true at padding keys that must be ignored. */
  keyPaddingMask?: Tensor | null;
  /** (Tq, Tk), (B·H, Tq, Tk) as PyTorch, or broadcastable to (B, H, Tq, Tk): bool true = not allowed, or float added. */
  attnMask?: Tensor | null;
  isCausal?: boolean;
  cache?: LayerKVCache | null;
  /** Keys/values of a fixed key/value input, projected once (cross-attention); not with cache or rotary. */
  memoryCache?: MemoryKVCache | null;
  rotary?: RotaryEmbedding | null;
  /** When given, the attention weights (B, H, Tq, Tk) (before dropout) are pushed onto it: for looking at what the layer attends to. */
  weights?: Tensor[] | null;
};

const MHA_KEYS = optionKeys<MultiheadAttentionOptions>({ dropout: true, bias: true, kdim: true, vdim: true, dtype: true, generator: true });
const MHA_CALL_KEYS = optionKeys<AttentionCallOptions>({
  keyPaddingMask: true,
  attnMask: true,
  isCausal: true,
  cache: true,
  memoryCache: true,
  rotary: true,
  weights: true,
});

function checkMask(name: string, t: unknown): void {
  if (t !== undefined && t !== null && !(t instanceof Tensor))
    throw new TypeError(`MultiheadAttention.forward: ${name} must be a Tensor or null, got ${describe(t)}`);
}

export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly generator: Generator | undefined;
  qProj: Linear;
  kProj: Linear;
  vProj: Linear;
  outProj: Linear;

  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    checkNumber('MultiheadAttention', 'embedDim', embedDim);
    checkNumber('MultiheadAttention', 'numHeads', numHeads);
    checkOptions('MultiheadAttention', opts, MHA_KEYS);
    if (opts.dropout !== undefined) checkNumber('MultiheadAttention', 'dropout', opts.dropout);
    if (opts.bias !== undefined) checkBoolean('MultiheadAttention', 'bias', opts.bias);
    if (!Number.isInteger(embedDim) || embedDim < 1) throw new RangeError(`MultiheadAttention: embedDim must be a positive integer, got ${embedDim}`);
    if (!Number.isInteger(numHeads) || numHeads < 1 || embedDim % numHeads !== 0) {
      throw new RangeError(`MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    }
    const dropout = opts.dropout ?? 0;
    if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`MultiheadAttention: dropout must be in [0, 1), got ${dropout}`);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.dropout = dropout;
    this.generator = opts.generator;
    const lin = { bias: opts.bias ?? true, dtype: opts.dtype, generator: opts.generator };
    this.qProj = new Linear(embedDim, embedDim, lin);
    this.kProj = new Linear(opts.kdim ?? embedDim, embedDim, lin);
    this.vProj = new Linear(opts.vdim ?? embedDim, embedDim, lin);
    this.outProj = new Linear(embedDim, embedDim, lin);
  }

  /** (B, T, E) -> (B, H, T, hs): a view, no copy. */
  private heads(x: Tensor): Tensor {
    const [b, t] = x.shape as [number, number];
    return x.view(b, t, this.numHeads, this.headDim).transpose(1, 2);
  }

  /** query (B, Tq, E), key (B, Tk, kdim), value (B, Tk, vdim) -> (B, Tq, E). key and value default to query (self-attention). */
  forward(query: Tensor, key: Tensor = query, value: Tensor = key, opts: AttentionCallOptions = {}): Tensor {
    checkOptions('MultiheadAttention.forward', opts, MHA_CALL_KEYS);
    if (opts.isCausal !== undefined) checkBoolean('MultiheadAttention.forward', 'isCausal', opts.isCausal);
    checkMask('attnMask', opts.attnMask);
    checkMask('keyPaddingMask', opts.keyPaddingMask);
    for (const [n, t] of [
      ['query', query],
      ['key', key],
      ['value', value],
    ] as const) {
      if (t.ndim !== 3) throw new RangeError(`MultiheadAttention: ${n} must be (B, T, E), got ${shapeStr(t.shape)}`);
    }
    const [B, Tq] = query.shape as [number, number];
    if (query.shape[2] !== this.embedDim)
      throw new RangeError(`MultiheadAttention: query ${shapeStr(query.shape)} has ${query.shape[2]} features, expected embedDim ${this.embedDim}`);
    if (key.shape[0] !== B || value.shape[0] !== B || key.shape[1] !== value.shape[1]) {
      throw new RangeError(
        `MultiheadAttention: query ${shapeStr(query.shape)}, key ${shapeStr(key.shape)} and value ${shapeStr(value.shape)} must share B, and key/value their length`,
      );
    }
    if (opts.memoryCache && (opts.cache || opts.rotary))
      throw new TypeError('MultiheadAttention.forward: memoryCache (keys/values of a fixed memory) cannot be combined with cache or rotary');
    const offset = opts.cache?.length ?? 0;
    let q = this.heads(this.qProj.forward(query)); // (B, H, Tq, hs)
    if (opts.rotary) q = opts.rotary.forward(q, offset);
    let [k, v] = opts.memoryCache?.lookup(key, value) ?? [null, null];
    if (!k || !v) {
      k = this.heads(this.kProj.forward(key)); // (B, H, Tk, hs)
      v = this.heads(this.vProj.forward(value)); // (B, H, Tk, hs)
      if (opts.rotary) k = opts.rotary.forward(k, offset);
      if (opts.cache) [k, v] = opts.cache.append(k, v);
      opts.memoryCache?.store(key, value, k, v);
    }
    const Tk = k.shape[2]!;
    let mask: Tensor | null = null; // additive or bool-allowed, broadcast to (B, H, Tq, Tk)
    if (opts.attnMask) {
      let m = opts.attnMask;
      const H = this.numHeads;
      if (m.ndim === 2 && (m.shape[0] !== Tq || m.shape[1] !== Tk))
        throw new RangeError(`MultiheadAttention: a 2-D attnMask must be (Tq, Tk) = ${shapeStr([Tq, Tk])}, got ${shapeStr(m.shape)}`);
      if (m.ndim === 3) {
        // PyTorch's per-(batch, head) mask
        if ((m.shape[0] !== B * H && m.shape[0] !== 1) || m.shape[1] !== Tq || m.shape[2] !== Tk)
          throw new RangeError(`MultiheadAttention: a 3-D attnMask must be (B·H, Tq, Tk) = ${shapeStr([B * H, Tq, Tk])}, got ${shapeStr(m.shape)}`);
        m = m.shape[0] === 1 ? m : m.reshape(B, H, Tq, Tk);
      }
      mask = m.dtype === 'bool' ? logicalNot(m) : m;
    }
    if (opts.keyPaddingMask) {
      const kp = opts.keyPaddingMask;
      if (kp.dtype !== 'bool' || kp.ndim !== 2 || kp.shape[0] !== B || kp.shape[1] !== Tk) {
        throw new RangeError(`MultiheadAttention: keyPaddingMask must be a bool (B, Tk) = ${shapeStr([B, Tk])} tensor, got ${kp.dtype} ${shapeStr(kp.shape)}`);
      }
      const allowed = logicalNot(kp).view(B, 1, 1, Tk);
      if (!mask) mask = allowed;
      else if (mask.dtype === 'bool') mask = mask.logicalAnd(allowed);
      else mask = where(allowed, mask, -Infinity);
    }
    if (opts.weights !== undefined && opts.weights !== null && !Array.isArray(opts.weights))
      throw new TypeError(`MultiheadAttention.forward: weights must be an array to collect the attention weights into, or null, got ${describe(opts.weights)}`);
    opts.weights?.push(attentionWeights(q, k, { attnMask: mask, isCausal: opts.isCausal ?? false }));
    const y = scaledDotProductAttention(q, k, v, {
      attnMask: mask,
      isCausal: opts.isCausal ?? false,
      dropoutP: this.training ? this.dropout : 0,
      generator: this.generator,
    }); // (B, H, Tq, hs)
    return this.outProj.forward(y.transpose(1, 2).reshape(B, Tq, this.embedDim)); // (B, Tq, E)
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}${this.dropout ? `, dropout=${this.dropout}` : ''}`;
  }
}

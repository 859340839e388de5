// Position information for transformers, which otherwise see a set, not a sequence:
// - learned absolute positions (GPT, BERT): a table of maxLen vectors added to the tokens;
// - sinusoidal (Attention Is All You Need): PE[p, 2i] = sin(p/10000^(2i/d)), PE[p, 2i+1] = cos(·);
// - rotary (RoFormer, LLaMA): q and k rotated pairwise by angle p·θ_i, so q·k depends on the
//   relative position only. The rotate-half pairing (i, i + D/2) of GPT-NeoX and Hugging Face.
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { shapeStr } from '../tensor/shape.js';
import { arange } from '../tensor/creation.js';
import { add, cat, mul, sub } from '../ops/index.js';
import { Module } from './module.js';
import { Embedding } from './embedding.js';
import { checkDtype, checkNumber, checkOptions, NON_NEGATIVE_INTEGER } from '../util/options.js';

function checkRange(op: string, offset: number, t: number, maxLen: number): void {
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`${op}: offset must be a non-negative integer, got ${offset}`);
  if (offset + t > maxLen) throw new RangeError(`${op}: positions ${offset}..${offset + t - 1} exceed the maximum length ${maxLen}`);
}

/** Learned absolute positions: forward(x (B, T, C), offset) = x + table[offset .. offset+T). */
export class LearnedPositionalEmbedding extends Module {
  wpe: Embedding;
  constructor(
    readonly maxLen: number,
    readonly dim: number,
    opts: { dtype?: DType; generator?: Generator } = {},
  ) {
    super();
    checkOptions('LearnedPositionalEmbedding', opts, ['dtype', 'generator']);
    this.wpe = new Embedding(maxLen, dim, opts);
  }
  forward(x: Tensor, offset = 0): Tensor {
    const t = x.shape[x.ndim - 2]!;
    checkRange('LearnedPositionalEmbedding', offset, t, this.maxLen);
    return add(x, this.wpe.forward(arange(offset, offset + t))); // (B, T, C) + (T, C)
  }
}

/** The (maxLen, dModel) sinusoid table of Vaswani et al. */
export function sinusoidalTable(maxLen: number, dModel: number, dtype: DType = 'float32'): Tensor {
  checkNumber('sinusoidalTable', 'maxLen', maxLen, NON_NEGATIVE_INTEGER);
  checkNumber('sinusoidalTable', 'dModel', dModel, NON_NEGATIVE_INTEGER);
  checkDtype('sinusoidalTable', dtype);
  const pe = Tensor.empty([maxLen, dModel], dtype);
  for (let p = 0; p < maxLen; p++) {
    for (let i = 0; i < dModel; i += 2) {
      const angle = p / Math.pow(10000, i / dModel);
      pe.storage[p * dModel + i] = Math.sin(angle);
      if (i + 1 < dModel) pe.storage[p * dModel + i + 1] = Math.cos(angle);
    }
  }
  return pe;
}

/** Fixed sinusoidal positions: forward(x (B, T, C), offset) = x + PE[offset .. offset+T). */
export class SinusoidalPositionalEncoding extends Module {
  declare pe: Tensor;
  constructor(
    readonly dModel: number,
    readonly maxLen = 5000,
    opts: { dtype?: DType } = {},
  ) {
    super();
    checkNumber('SinusoidalPositionalEncoding', 'dModel', dModel, NON_NEGATIVE_INTEGER);
    checkNumber('SinusoidalPositionalEncoding', 'maxLen', maxLen, NON_NEGATIVE_INTEGER);
    checkOptions('SinusoidalPositionalEncoding', opts, ['dtype']);
    this.registerBuffer('pe', sinusoidalTable(maxLen, dModel, opts.dtype), false);
  }
  forward(x: Tensor, offset = 0): Tensor {
    const t = x.shape[x.ndim - 2]!;
    checkRange('SinusoidalPositionalEncoding', offset, t, this.maxLen);
    if (x.shape[x.ndim - 1] !== this.dModel)
      throw new RangeError(`SinusoidalPositionalEncoding: input ${shapeStr(x.shape)} has ${x.shape[x.ndim - 1]} features, expected ${this.dModel}`);
    return add(x, this.pe.narrow(0, offset, t).to(x.dtype));
  }
}

/** Rotates the pairs (x_i, x_{i+D/2}) of x (..., T, D) by the angles whose cos/sin (T, D/2) are given. */
export function applyRotary(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const half = x.shape[x.ndim - 1]! / 2;
  const x1 = x.narrow(-1, 0, half),
    x2 = x.narrow(-1, half, half);
  return cat([sub(mul(x1, cos), mul(x2, sin)), add(mul(x2, cos), mul(x1, sin))], -1);
}

/** Rotary position embedding for heads of size headDim: forward(q or k (B, H, T, D), offset). */
export class RotaryEmbedding extends Module {
  declare cos: Tensor;
  declare sin: Tensor;
  constructor(
    readonly headDim: number,
    opts: { base?: number; maxSeqLen?: number; dtype?: DType } = {},
  ) {
    super();
    checkNumber('RotaryEmbedding', 'headDim', headDim);
    checkOptions('RotaryEmbedding', opts, ['base', 'maxSeqLen', 'dtype']);
    if (opts.base !== undefined) checkNumber('RotaryEmbedding', 'base', opts.base, { min: Number.MIN_VALUE });
    if (opts.maxSeqLen !== undefined) checkNumber('RotaryEmbedding', 'maxSeqLen', opts.maxSeqLen, NON_NEGATIVE_INTEGER);
    if (!Number.isInteger(headDim) || headDim < 2 || headDim % 2)
      throw new RangeError(`RotaryEmbedding: headDim must be a positive even integer, got ${headDim}`);
    const base = opts.base ?? 10000,
      maxSeqLen = opts.maxSeqLen ?? 2048,
      half = headDim / 2;
    const cos = Tensor.empty([maxSeqLen, half], opts.dtype ?? 'float32'),
      sin = Tensor.empty([maxSeqLen, half], opts.dtype ?? 'float32');
    for (let p = 0; p < maxSeqLen; p++) {
      for (let i = 0; i < half; i++) {
        const angle = p * Math.pow(base, (-2 * i) / headDim);
        cos.storage[p * half + i] = Math.cos(angle);
        sin.storage[p * half + i] = Math.sin(angle);
      }
    }
    this.registerBuffer('cos', cos, false);
    this.registerBuffer('sin', sin, false);
  }
  get maxSeqLen(): number {
    return this.cos.shape[0]!;
  }
  forward(x: Tensor, offset = 0): Tensor {
    const t = x.shape[x.ndim - 2]!;
    checkRange('RotaryEmbedding', offset, t, this.maxSeqLen);
    if (x.shape[x.ndim - 1] !== this.headDim)
      throw new RangeError(`RotaryEmbedding: input ${shapeStr(x.shape)} has head size ${x.shape[x.ndim - 1]}, expected ${this.headDim}`);
    return applyRotary(x, this.cos.narrow(0, offset, t).to(x.dtype), this.sin.narrow(0, offset, t).to(x.dtype));
  }
}

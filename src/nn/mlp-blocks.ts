// The position-wise feed-forward blocks of transformers:
// - FeedForward: Linear(d, hidden) → activation (GELU, GELU-tanh or ReLU) → Linear(hidden, d) → dropout
//   (GPT's and BERT's MLP, hidden = 4d); activationDropout adds a dropout after the activation
//   (PyTorch's nn.TransformerEncoderLayer has one);
// - SwiGLU: w2(silu(w1 x) ⊙ w3 x), LLaMA's gated MLP (no biases, hidden ≈ 8d/3 rounded up).
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { feedForward, gelu, mul, relu, silu, type FeedForwardActivation } from '../ops/index.js';
import { Module } from './module.js';
import { Linear } from './linear.js';
import { Dropout } from './dropout.js';
import { checkNumber, checkOptions } from '../util/options.js';

export type { FeedForwardActivation };
export type FeedForwardOptions = {
  activation?: FeedForwardActivation;
  dropout?: number;
  /** Dropout on the hidden activations (default 0: none). */
  activationDropout?: number;
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
};

export function activate(x: Tensor, activation: FeedForwardActivation): Tensor {
  switch (activation) {
    case 'gelu':
      return gelu(x);
    case 'geluTanh':
      return gelu(x, 'tanh');
    case 'relu':
      return relu(x);
    default:
      throw new RangeError(`FeedForward: activation must be 'gelu', 'geluTanh' or 'relu', got '${activation}'`);
  }
}

/** Whether the layers are nn.Linear itself, whose forward feedForward() reproduces. */
export function plainLinears(a: Module, b: Module): boolean {
  return a.constructor === Linear && b.constructor === Linear;
}

export class FeedForward extends Module {
  readonly activation: FeedForwardActivation;
  fc1: Linear;
  fc2: Linear;
  drop: Dropout;
  /** Only when activationDropout > 0 (so models without one keep their module tree). */
  activationDropout: Dropout | null = null;

  constructor(dModel: number, hidden = 4 * dModel, opts: FeedForwardOptions = {}) {
    super();
    checkOptions('FeedForward', opts, ['activation', 'dropout', 'activationDropout', 'bias', 'dtype', 'generator']);
    this.activation = opts.activation ?? 'gelu';
    activate(Tensor.empty([0]), this.activation); // validates the name
    const lin = { bias: opts.bias ?? true, dtype: opts.dtype, generator: opts.generator };
    this.fc1 = new Linear(dModel, hidden, lin);
    this.fc2 = new Linear(hidden, dModel, lin);
    this.drop = new Dropout(opts.dropout ?? 0, { generator: opts.generator });
    if (opts.activationDropout) this.activationDropout = new Dropout(opts.activationDropout, { generator: opts.generator });
  }

  /** (..., d) -> (..., d) */
  forward(x: Tensor): Tensor {
    const { fc1, fc2, activationDropout: ad } = this;
    let y: Tensor;
    // one op while the layers are plain Linears (a wrapped or subclassed layer runs its own forward)
    // and no hidden dropout is due
    if (plainLinears(fc1, fc2) && !(ad?.training && ad.p > 0)) y = feedForward(x, fc1.weight, fc1.bias, fc2.weight, fc2.bias, this.activation);
    else {
      const h = activate(fc1.forward(x), this.activation);
      y = fc2.forward(ad ? ad.forward(h) : h);
    }
    return this.drop.forward(y);
  }

  override extraRepr(): string {
    return `activation=${this.activation}`;
  }
}

/** LLaMA's hidden size: 2/3 of 4·dim, times ffnDimMultiplier if given, rounded up to a multiple of multipleOf (256). */
export function swigluHidden(dim: number, multipleOf = 256, ffnDimMultiplier?: number): number {
  checkNumber('swigluHidden', 'dim', dim);
  checkNumber('swigluHidden', 'multipleOf', multipleOf, { integer: true, min: 1 });
  if (ffnDimMultiplier !== undefined) checkNumber('swigluHidden', 'ffnDimMultiplier', ffnDimMultiplier);
  let hidden = Math.floor((2 * 4 * dim) / 3);
  if (ffnDimMultiplier !== undefined) hidden = Math.floor(ffnDimMultiplier * hidden);
  return multipleOf * Math.ceil(hidden / multipleOf);
}

export class SwiGLU extends Module {
  w1: Linear;
  w2: Linear;
  w3: Linear;

  constructor(dim: number, hidden = swigluHidden(dim), opts: { bias?: boolean; dtype?: DType; generator?: Generator } = {}) {
    super();
    checkOptions('SwiGLU', opts, ['bias', 'dtype', 'generator']);
    const lin = { bias: opts.bias ?? false, dtype: opts.dtype, generator: opts.generator };
    this.w1 = new Linear(dim, hidden, lin);
    this.w2 = new Linear(hidden, dim, lin);
    this.w3 = new Linear(dim, hidden, lin);
  }

  /** (..., dim) -> (..., dim) */
  forward(x: Tensor): Tensor {
    return this.w2.forward(mul(silu(this.w1.forward(x)), this.w3.forward(x)));
  }
}

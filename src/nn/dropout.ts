// Dropout (inverted): while training, zero each element with probability p and scale the rest by
// 1/(1−p), so the expected activation is unchanged and evaluation needs no rescaling.
import type { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { rand } from '../tensor/creation.js';
import { lt, mul } from '../ops/index.js';
import { Module } from './module.js';

function checkP(op: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability p must be in [0, 1], got ${p}`);
}

/** Functional dropout; the identity when not training or p = 0. The mask comes from the seeded generator. */
export function dropout(x: Tensor, p = 0.5, training = true, opts: { generator?: Generator } = {}): Tensor {
  checkP('dropout', p);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const u = rand(x.shape, { dtype: x.dtype, generator: opts.generator ?? defaultGenerator });
  const mask = mul(lt(u, 1 - p).to(x.dtype), 1 / (1 - p)); // 0 or 1/(1−p), no grad
  return mul(x, mask);
}

export class Dropout extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    checkP('Dropout', p);
    this.p = p;
    this.generator = opts.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, { generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

// Dropout2d: while training, zero whole channels of (N, C, H, W) (or unbatched (C, H, W)) input
// with probability p and scale the rest by 1/(1 − p). Neighbouring pixels of a feature map are
// strongly correlated, so dropping single pixels barely regularizes a conv layer; dropping maps does.
import type { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { rand } from '../tensor/creation.js';
import { lt, mul } from '../ops/index.js';
import { Module } from './module.js';

function checkP(op: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability p must be in [0, 1], got ${p}`);
}

/** Functional channel dropout; the identity when not training or p = 0. */
export function dropout2d(x: Tensor, p = 0.5, training = true, opts: { generator?: Generator } = {}): Tensor {
  checkP('dropout2d', p);
  if (x.ndim !== 3 && x.ndim !== 4) throw new RangeError(`dropout2d: expected (N, C, H, W) or (C, H, W) input, got ${shapeStr(x.shape)}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const maskShape = x.ndim === 4 ? [x.shape[0]!, x.shape[1]!, 1, 1] : [x.shape[0]!, 1, 1];
  const u = rand(maskShape, { dtype: x.dtype, generator: opts.generator ?? defaultGenerator });
  const mask = mul(lt(u, 1 - p).to(x.dtype), 1 / (1 - p)); // one 0 or 1/(1−p) per channel
  return mul(x, mask);
}

export class Dropout2d extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    checkP('Dropout2d', p);
    this.p = p;
    this.generator = opts.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training, { generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

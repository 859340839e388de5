// Dropout2d: while training, zero whole channels of (N, C, H, W) (or unbatched (C, H, W)) input
// with probability p and scale the rest by 1/(1 − p). Neighbouring pixels of a feature map are
// strongly correlated, so dropping single pixels barely regularizes a conv layer; dropping maps does.
import type { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { dropoutMask } from '../tensor/creation.js';
import { mul } from '../ops/index.js';
import { Module } from './module.js';
import { dropoutArgs, dropoutModuleArgs } from './dropout.js';

/** Functional channel dropout; the identity when not training or p = 0. */
export function dropout2d(
  x: Tensor,
  pOrOptions: number | { p?: number; training?: boolean; generator?: Generator } = 0.5,
  trainingArg = true,
  optsArg: { generator?: Generator } = {},
): Tensor {
  const { p, training, generator } = dropoutArgs('dropout2d', arguments.length, pOrOptions, trainingArg, optsArg);
  if (x.ndim !== 3 && x.ndim !== 4) throw new RangeError(`dropout2d: expected (N, C, H, W) or (C, H, W) input, got ${shapeStr(x.shape)}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const maskShape = x.ndim === 4 ? [x.shape[0]!, x.shape[1]!, 1, 1] : [x.shape[0]!, 1, 1];
  const mask = dropoutMask(maskShape, 1 - p, x.dtype, generator ?? defaultGenerator); // one 0 or 1/(1−p) per channel
  return mul(x, mask);
}

export class Dropout2d extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  /** new Dropout2d(0.1), or new Dropout2d({p: 0.1, generator}). */
  constructor(p: number | { p?: number; generator?: Generator } = 0.5, opts: { generator?: Generator } = {}) {
    super();
    ({ p: this.p, generator: this.generator } = dropoutModuleArgs('Dropout2d', arguments.length, p, opts));
  }

  forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training, { generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

// Dropout2d: while training, zero whole channels of (N, C, H, W) (or unbatched (C, H, W)) input
// with probability p and scale the rest by 1/(1 − p). Neighbouring pixels of a feature map are
// strongly correlated, so dropping single pixels barely regularizes a conv layer; dropping maps does.
import type { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { rand } from '../tensor/creation.js';
import { lt, mul } from '../ops/index.js';
import { Module } from './module.js';
import { checkBoolean, checkOptions, isPlainObject } from '../util/options.js';

const GENERATOR_KEYS = ['generator'];
const FUNCTIONAL_KEYS = ['p', 'training', 'generator'];

function checkP(op: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability p must be in [0, 1], got ${p}`);
}

/** Functional channel dropout; the identity when not training or p = 0. */
export function dropout2d(
  x: Tensor,
  p: number | { p?: number; training?: boolean; generator?: Generator } = 0.5,
  training = true,
  opts: { generator?: Generator } = {},
): Tensor {
  if (isPlainObject(p)) {
    // PyTorch's keyword form dropout2d(x, {p, training})
    if (arguments.length > 2) throw new TypeError('dropout2d: pass p, training and generator positionally or in one options object, not both');
    checkOptions('dropout2d', p, FUNCTIONAL_KEYS);
    [p, training, opts] = [p.p ?? 0.5, p.training ?? true, { generator: p.generator }];
  }
  checkP('dropout2d', p);
  checkBoolean('dropout2d', 'training', training);
  checkOptions('dropout2d', opts, GENERATOR_KEYS);
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

  /** new Dropout2d(0.1), or new Dropout2d({p: 0.1, generator}). */
  constructor(p: number | { p?: number; generator?: Generator } = 0.5, opts: { generator?: Generator } = {}) {
    super();
    if (isPlainObject(p)) {
      if (arguments.length > 1) throw new TypeError('Dropout2d: pass p and generator positionally or in one options object, not both');
      checkOptions('Dropout2d', p, ['p', 'generator']);
      [p, opts] = [p.p ?? 0.5, { generator: p.generator }];
    }
    checkOptions('Dropout2d', opts, GENERATOR_KEYS);
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

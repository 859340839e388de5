// Dropout (inverted): while training, zero each element with probability p and scale the rest by
// 1/(1−p), so the expected activation is unchanged and evaluation needs no rescaling.
import type { Tensor } from '../tensor/tensor.js';
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

/** Functional dropout; the identity when not training or p = 0. The mask comes from the seeded generator. */
export function dropout(
  x: Tensor,
  p: number | { p?: number; training?: boolean; generator?: Generator } = 0.5,
  training = true,
  opts: { generator?: Generator } = {},
): Tensor {
  if (isPlainObject(p)) {
    // PyTorch's keyword form dropout(x, {p, training})
    if (arguments.length > 2) throw new TypeError('dropout: pass p, training and generator positionally or in one options object, not both');
    checkOptions('dropout', p, FUNCTIONAL_KEYS);
    [p, training, opts] = [p.p ?? 0.5, p.training ?? true, { generator: p.generator }];
  }
  checkP('dropout', p);
  checkBoolean('dropout', 'training', training);
  checkOptions('dropout', opts, GENERATOR_KEYS);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const u = rand(x.shape, { dtype: x.dtype, generator: opts.generator ?? defaultGenerator });
  const mask = mul(lt(u, 1 - p).to(x.dtype), 1 / (1 - p)); // 0 or 1/(1−p), no grad
  return mul(x, mask);
}

export class Dropout extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  /** new Dropout(0.1), or new Dropout({p: 0.1, generator}). */
  constructor(p: number | { p?: number; generator?: Generator } = 0.5, opts: { generator?: Generator } = {}) {
    super();
    if (isPlainObject(p)) {
      if (arguments.length > 1) throw new TypeError('Dropout: pass p and generator positionally or in one options object, not both');
      checkOptions('Dropout', p, ['p', 'generator']);
      [p, opts] = [p.p ?? 0.5, { generator: p.generator }];
    }
    checkOptions('Dropout', opts, GENERATOR_KEYS);
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

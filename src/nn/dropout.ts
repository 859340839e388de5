// Dropout (inverted): while training, zero each element with probability p and scale the rest by
// 1/(1−p), so the expected activation is unchanged and evaluation needs no rescaling.
import type { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { dropoutMask } from '../tensor/creation.js';
import { mul } from '../ops/index.js';
import { Module } from './module.js';
import { checkBoolean, checkOptions, isPlainObject } from '../util/options.js';

const GENERATOR_KEYS = ['generator'];
const FUNCTIONAL_KEYS = ['p', 'training', 'generator'];

export function checkP(op: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability p must be in [0, 1], got ${p}`);
}

/** dropout's and dropout2d's arguments, positional or in PyTorch's keyword form {p, training, generator}, checked. */
export function dropoutArgs(
  op: string,
  args: number,
  p: number | { p?: number; training?: boolean; generator?: Generator },
  training: boolean,
  opts: { generator?: Generator },
): { p: number; training: boolean; generator: Generator | undefined } {
  if (isPlainObject(p)) {
    if (args > 2) throw new TypeError(`${op}: pass p, training and generator positionally or in one options object, not both`);
    checkOptions(op, p, FUNCTIONAL_KEYS);
    [p, training, opts] = [p.p ?? 0.5, p.training ?? true, { generator: p.generator }];
  }
  checkP(op, p as number);
  checkBoolean(op, 'training', training);
  checkOptions(op, opts, GENERATOR_KEYS);
  return { p: p as number, training, generator: opts.generator };
}

/** Dropout's and Dropout2d's constructor arguments: p (and generator) positionally, or {p, generator}, checked. */
export function dropoutModuleArgs(
  op: string,
  args: number,
  p: number | { p?: number; generator?: Generator },
  opts: { generator?: Generator },
): { p: number; generator: Generator | undefined } {
  if (isPlainObject(p)) {
    if (args > 1) throw new TypeError(`${op}: pass p and generator positionally or in one options object, not both`);
    checkOptions(op, p, ['p', 'generator']);
    [p, opts] = [p.p ?? 0.5, { generator: p.generator }];
  }
  checkOptions(op, opts, GENERATOR_KEYS);
  checkP(op, p as number);
  return { p: p as number, generator: opts.generator };
}

/** Functional dropout; the identity when not training or p = 0. The mask comes from the seeded generator. */
export function dropout(
  x: Tensor,
  pOrOptions: number | { p?: number; training?: boolean; generator?: Generator } = 0.5,
  trainingArg = true,
  optsArg: { generator?: Generator } = {},
): Tensor {
  const { p, training, generator } = dropoutArgs('dropout', arguments.length, pOrOptions, trainingArg, optsArg);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  return mul(x, dropoutMask(x.shape, 1 - p, x.dtype, generator ?? defaultGenerator)); // the mask: 0 or 1/(1−p), no grad
}

export class Dropout extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  /** new Dropout(0.1), or new Dropout({p: 0.1, generator}). */
  constructor(p: number | { p?: number; generator?: Generator } = 0.5, opts: { generator?: Generator } = {}) {
    super();
    ({ p: this.p, generator: this.generator } = dropoutModuleArgs('Dropout', arguments.length, p, opts));
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, { generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

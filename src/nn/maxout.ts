// Maxout (Goodfellow et al.): each output unit is the max of `pieces` affine functions of the
// input, computed as Linear(in, out·pieces) followed by a max over groups of `pieces`.
import type { Tensor } from '../tensor/tensor.js';
import { maxout } from '../ops/index.js';
import { Module } from './module.js';
import { Linear, LINEAR_KEYS, type LinearOptions } from './linear.js';
import { checkNumber, checkOptions } from '../util/options.js';

export class Maxout extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly pieces: number;
  linear: Linear;

  constructor(inFeatures: number, outFeatures: number, pieces: number, opts: LinearOptions = {}) {
    super();
    checkNumber('Maxout', 'pieces', pieces);
    checkOptions('Maxout', opts, LINEAR_KEYS);
    if (!Number.isInteger(pieces) || pieces < 1) throw new RangeError(`Maxout: pieces must be a positive integer, got ${pieces}`);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.pieces = pieces;
    this.linear = new Linear(inFeatures, outFeatures * pieces, opts);
  }

  forward(x: Tensor): Tensor {
    return maxout(this.linear.forward(x), this.pieces); // (..., out·pieces) -> (..., out)
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, pieces=${this.pieces}`;
  }
}

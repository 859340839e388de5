// Linear: y = x Wᵀ + b, with PyTorch's default initialization.
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { linear } from '../ops/index.js';
import { Module } from './module.js';
import { emptyParameter, type Parameter } from './parameter.js';
import { kaimingUniform_, uniform_ } from './init.js';
import { checkBoolean, checkNumber, optionKeys, positionalOptions } from '../util/options.js';

export type LinearOptions = { bias?: boolean; dtype?: DType; generator?: Generator };
export const LINEAR_KEYS = optionKeys<LinearOptions>({ bias: true, dtype: true, generator: true });

function checkFeatures(op: string, what: string, n: number): void {
  checkNumber(op, what, n);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${op}: ${what} must be a non-negative integer, got ${n}`);
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter; // (out, in)
  bias: Parameter | null; // (out,)

  /** new Linear(4, 2, {bias: false}), or PyTorch's positional new Linear(4, 2, false). */
  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions | boolean = {}) {
    super();
    opts = positionalOptions<LinearOptions>('Linear', opts, [], ['bias'], LINEAR_KEYS);
    if (opts.bias !== undefined) checkBoolean('Linear', 'bias', opts.bias);
    checkFeatures('Linear', 'inFeatures', inFeatures);
    checkFeatures('Linear', 'outFeatures', outFeatures);
    const dtype = opts.dtype ?? 'float32';
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = emptyParameter([outFeatures, inFeatures], dtype);
    this.bias = (opts.bias ?? true) ? emptyParameter([outFeatures], dtype) : null;
    this.resetParameters(opts.generator);
  }

  /**
   * PyTorch's default: kaiming_uniform(a=√5) on the weight, which is U(−1/√in, 1/√in), and the
   * same range for the bias.
   */
  resetParameters(generator?: Generator): void {
    if (this.inFeatures > 0 && this.outFeatures > 0) kaimingUniform_(this.weight, { a: Math.sqrt(5), generator });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      uniform_(this.bias, -bound, bound, { generator });
    }
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias); // (..., in) -> (..., out)
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

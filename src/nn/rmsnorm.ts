// RMSNorm: x / √(mean(x²) + eps) · weight, LLaMA's normalization (no mean subtraction, no bias),
// as torch.nn.RMSNorm; eps defaults to LLaMA's 1e-6.
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { rmsNorm } from '../ops/index.js';
import { Module } from './module.js';
import { emptyParameter, type Parameter } from './parameter.js';
import { ones_ } from './init.js';
import { checkNormalizedShape } from './layernorm.js';
import { checkBoolean, checkNumber, optionKeys, positionalOptions } from '../util/options.js';

export type RMSNormOptions = { eps?: number; elementwiseAffine?: boolean; dtype?: DType };
const RMS_NORM_KEYS = optionKeys<RMSNormOptions>({ eps: true, elementwiseAffine: true, dtype: true });

export class RMSNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  weight: Parameter | null;

  /** new RMSNorm(64, {eps: 1e-5}), or PyTorch's positional new RMSNorm(64, 1e-5, true). */
  constructor(normalizedShape: number | readonly number[], opts: RMSNormOptions | number = {}, ...rest: [elementwiseAffine?: boolean]) {
    super();
    opts = positionalOptions<RMSNormOptions>('RMSNorm', opts, rest, ['eps', 'elementwiseAffine'], RMS_NORM_KEYS);
    if (opts.eps !== undefined) checkNumber('RMSNorm', 'eps', opts.eps);
    if (opts.elementwiseAffine !== undefined) checkBoolean('RMSNorm', 'elementwiseAffine', opts.elementwiseAffine);
    this.normalizedShape = checkNormalizedShape('RMSNorm', normalizedShape);
    this.eps = opts.eps ?? 1e-6;
    this.weight = (opts.elementwiseAffine ?? true) ? ones_(emptyParameter(this.normalizedShape, opts.dtype ?? 'float32')) : null;
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, this.weight, this.eps);
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}

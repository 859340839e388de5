// LayerNorm over the trailing normalizedShape, as torch.nn.LayerNorm (weight 1, bias 0; nanoGPT's
// bias-free variant with bias: false).
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { layerNorm } from '../ops/index.js';
import { Module } from './module.js';
import { emptyParameter, type Parameter } from './parameter.js';
import { ones_ } from './init.js';
import { checkBoolean, checkNumber, describe, optionKeys, positionalOptions } from '../util/options.js';

export type LayerNormOptions = { eps?: number; elementwiseAffine?: boolean; bias?: boolean; dtype?: DType };
const LAYER_NORM_KEYS = optionKeys<LayerNormOptions>({ eps: true, elementwiseAffine: true, bias: true, dtype: true });

export function checkNormalizedShape(op: string, normalizedShape: number | readonly number[]): number[] {
  if (typeof normalizedShape !== 'number' && !Array.isArray(normalizedShape))
    throw new TypeError(`${op}: normalizedShape must be a number or a list of numbers, got ${describe(normalizedShape)}`);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  if (!ns.length || ns.some((d) => !Number.isInteger(d) || d < 1))
    throw new RangeError(`${op}: normalizedShape must be positive integers, got [${ns.join(', ')}]`);
  return ns;
}

export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  weight: Parameter | null;
  bias: Parameter | null;

  /** new LayerNorm(64, {eps: 1e-6}), or PyTorch's positional new LayerNorm(64, 1e-6, true, true). */
  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions | number = {}, ...rest: [elementwiseAffine?: boolean, bias?: boolean]) {
    super();
    opts = positionalOptions<LayerNormOptions>('LayerNorm', opts, rest, ['eps', 'elementwiseAffine', 'bias'], LAYER_NORM_KEYS);
    if (opts.eps !== undefined) checkNumber('LayerNorm', 'eps', opts.eps);
    if (opts.elementwiseAffine !== undefined) checkBoolean('LayerNorm', 'elementwiseAffine', opts.elementwiseAffine);
    if (opts.bias !== undefined) checkBoolean('LayerNorm', 'bias', opts.bias);
    this.normalizedShape = checkNormalizedShape('LayerNorm', normalizedShape);
    this.eps = opts.eps ?? 1e-5;
    const dtype = opts.dtype ?? 'float32';
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? ones_(emptyParameter(this.normalizedShape, dtype)) : null;
    this.bias = affine && (opts.bias ?? true) ? emptyParameter(this.normalizedShape, dtype) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}${this.weight && !this.bias ? ', bias=false' : ''}`;
  }
}

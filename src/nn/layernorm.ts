// LayerNorm over the trailing normalizedShape, as torch.nn.LayerNorm (weight 1, bias 0; nanoGPT's
// bias-free variant with bias: false).
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { layerNorm } from '../ops/index.js';
import { Module } from './module.js';
import { emptyParameter, type Parameter } from './parameter.js';
import { ones_ } from './init.js';

export type LayerNormOptions = { eps?: number; elementwiseAffine?: boolean; bias?: boolean; dtype?: DType };

export function checkNormalizedShape(op: string, normalizedShape: number | readonly number[]): number[] {
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  if (!ns.length || ns.some((d) => !Number.isInteger(d) || d < 1)) throw new RangeError(`${op}: normalizedShape must be positive integers, got [${ns.join(', ')}]`);
  return ns;
}

export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
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

// Pooling layers as torch.nn: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d (AdaptiveAvgPool2d(1) is
// global average pooling, the head of GoogLeNet and ResNet).
import type { Tensor } from '../tensor/tensor.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, toPair, type AvgPool2dOptions, type MaxPool2dOptions, type Pair } from '../ops/index.js';
import { Module } from './module.js';

function fmt(p: readonly (number | null)[] | number): string {
  return typeof p === 'number' ? String(p) : `(${p.join(', ')})`;
}

/** Max over each kernelSize window; stride defaults to the kernel size. */
export class MaxPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, opts: MaxPool2dOptions = {}) {
    super();
    this.kernelSize = toPair('MaxPool2d', 'kernelSize', kernelSize, 1, 1);
    this.stride = opts.stride === undefined ? this.kernelSize : toPair('MaxPool2d', 'stride', opts.stride, 1, 1);
    this.padding = toPair('MaxPool2d', 'padding', opts.padding, 0, 0);
    this.dilation = toPair('MaxPool2d', 'dilation', opts.dilation, 1, 1);
    this.ceilMode = opts.ceilMode ?? false;
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}, padding=${fmt(this.padding)}, dilation=${fmt(this.dilation)}, ceilMode=${this.ceilMode}`;
  }
}

/** Mean over each kernelSize window, with torch's padding and divisor rules. */
export class AvgPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | undefined;

  constructor(kernelSize: Pair, opts: AvgPool2dOptions = {}) {
    super();
    this.kernelSize = toPair('AvgPool2d', 'kernelSize', kernelSize, 1, 1);
    this.stride = opts.stride === undefined ? this.kernelSize : toPair('AvgPool2d', 'stride', opts.stride, 1, 1);
    this.padding = toPair('AvgPool2d', 'padding', opts.padding, 0, 0);
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride;
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernelSize=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}, padding=${fmt(this.padding)}`;
  }
}

/** Average pooling to a fixed output size, whatever the input's; null keeps that axis. */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: number | readonly [number | null, number | null];

  constructor(outputSize: number | readonly [number | null, number | null]) {
    super();
    const ok = (v: unknown) => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 1);
    if (typeof outputSize === 'number' ? !ok(outputSize) : !(Array.isArray(outputSize) && outputSize.length === 2 && outputSize.every(ok))) {
      throw new RangeError(`AdaptiveAvgPool2d: outputSize must be a positive integer or a pair of them (null keeps an axis), got ${JSON.stringify(outputSize)}`);
    }
    this.outputSize = outputSize;
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `outputSize=${fmt(this.outputSize)}`;
  }
}

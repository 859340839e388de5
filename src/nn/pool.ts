// Pooling layers as torch.nn: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d (AdaptiveAvgPool2d(1) is
// global average pooling, the head of GoogLeNet and ResNet).
import type { Tensor } from '../tensor/tensor.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, toPair, type AvgPool2dOptions, type MaxPool2dOptions, type Pair } from '../ops/index.js';
import { Module } from './module.js';
import { checkBoolean, optionKeys, positionalOptions } from '../util/options.js';

const MAX_POOL_KEYS = optionKeys<MaxPool2dOptions>({ stride: true, padding: true, dilation: true, ceilMode: true });
const AVG_POOL_KEYS = optionKeys<AvgPool2dOptions>({ stride: true, padding: true, ceilMode: true, countIncludePad: true, divisorOverride: true });
/** torch.nn's positional order after the kernel size (returnIndices is not supported: use functional.maxPool2dWithIndices). */
const MAX_POOL_POSITIONAL = ['stride', 'padding', 'dilation'];
const AVG_POOL_POSITIONAL = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'];

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

  /** new MaxPool2d(3, {stride: 2, padding: 1}), or PyTorch's positional new MaxPool2d(3, 2, 1). */
  constructor(kernelSize: Pair, opts: MaxPool2dOptions | Pair = {}, ...rest: [padding?: Pair, dilation?: Pair]) {
    super();
    opts = positionalOptions<MaxPool2dOptions>('MaxPool2d', opts, rest, MAX_POOL_POSITIONAL, MAX_POOL_KEYS);
    if (opts.ceilMode !== undefined) checkBoolean('MaxPool2d', 'ceilMode', opts.ceilMode);
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

  /** new AvgPool2d(3, {stride: 2}), or PyTorch's positional new AvgPool2d(3, 2, 1). */
  constructor(
    kernelSize: Pair,
    opts: AvgPool2dOptions | Pair = {},
    ...rest: [padding?: Pair, ceilMode?: boolean, countIncludePad?: boolean, divisorOverride?: number]
  ) {
    super();
    opts = positionalOptions<AvgPool2dOptions>('AvgPool2d', opts, rest, AVG_POOL_POSITIONAL, AVG_POOL_KEYS);
    if (opts.ceilMode !== undefined) checkBoolean('AvgPool2d', 'ceilMode', opts.ceilMode);
    if (opts.countIncludePad !== undefined) checkBoolean('AvgPool2d', 'countIncludePad', opts.countIncludePad);
    if (opts.divisorOverride !== undefined && !(Number.isFinite(opts.divisorOverride) && opts.divisorOverride !== 0)) {
      throw new RangeError(`AvgPool2d: divisorOverride must be a non-zero number, got ${opts.divisorOverride}`);
    }
    this.kernelSize = toPair('AvgPool2d', 'kernelSize', kernelSize, 1, 1);
    this.stride = opts.stride === undefined ? this.kernelSize : toPair('AvgPool2d', 'stride', opts.stride, 1, 1);
    this.padding = toPair('AvgPool2d', 'padding', opts.padding, 0, 0);
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride;
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
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
      throw new RangeError(
        `AdaptiveAvgPool2d: outputSize must be a positive integer or a pair of them (null keeps an axis), got ${JSON.stringify(outputSize)}`,
      );
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

// Pooling as torch.nn.functional: maxPool2d (optionally with its argmax indices), avgPool2d and
// adaptiveAvgPool2d on (N, C, H, W) or (C, H, W) input, each recorded with its kernel backward.
import { Tensor } from '../tensor/tensor.js';
import { isFloat } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import type { AvgPool2dParams, MaxPool2dParams } from '../backend/kernels.js';
import { record } from './record.js';
import { kernels } from './util.js';
import { reshape, squeeze, unsqueeze } from './view.js';
import { gather } from './indexing.js';
import { toPair, type Pair } from './conv.js';
import { checkBoolean, optionKeys, positionalOptions } from '../util/options.js';

export type MaxPool2dOptions = {
  /** Default: the kernel size. */
  stride?: Pair;
  /** Implicit −∞ padding on both sides, at most half the kernel (default 0). */
  padding?: Pair;
  dilation?: Pair;
  /** Round the output size up, so a last partial window counts (default false). */
  ceilMode?: boolean;
};
export type AvgPool2dOptions = {
  stride?: Pair;
  /** Implicit zero padding on both sides, at most half the kernel (default 0). */
  padding?: Pair;
  ceilMode?: boolean;
  /** Count the padding's zeros in the divisor (default true, as torch). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size. */
  divisorOverride?: number;
};

const MAX_POOL_KEYS = optionKeys<MaxPool2dOptions>({ stride: true, padding: true, dilation: true, ceilMode: true });
const AVG_POOL_KEYS = optionKeys<AvgPool2dOptions>({ stride: true, padding: true, ceilMode: true, countIncludePad: true, divisorOverride: true });
/** torch.nn.functional's positional order after the kernel size. */
const MAX_POOL_POSITIONAL = ['stride', 'padding', 'dilation', 'ceilMode'];
const AVG_POOL_POSITIONAL = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'];

type MaxPoolRest = [padding?: Pair, dilation?: Pair, ceilMode?: boolean];
type AvgPoolRest = [padding?: Pair, ceilMode?: boolean, countIncludePad?: boolean, divisorOverride?: number];

/** torch's pooling output size, with ceil mode's rule that the last window must start inside the input or its left padding. */
export function poolOutputSize(size: number, kernel: number, stride: number, padding: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * padding - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= size + padding) out--;
  return out;
}

function checkInput(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) throw new TypeError(`${op}: expected a floating point input, got ${x.dtype}`);
  if (x.ndim !== 4 && x.ndim !== 3) throw new RangeError(`${op}: expected input (N, C, H, W) or (C, H, W), got ${shapeStr(x.shape)}`);
}

type Geometry = { kernelSize: [number, number]; stride: [number, number]; padding: [number, number]; dilation: [number, number]; outputSize: [number, number] };

function poolGeometry(op: string, x: Tensor, kernelSize: Pair, opts: { stride?: Pair; padding?: Pair; ceilMode?: boolean }, dilationOpt?: Pair): Geometry {
  const k = toPair(op, 'kernelSize', kernelSize, 1, 1);
  if (opts.ceilMode !== undefined) checkBoolean(op, 'ceilMode', opts.ceilMode);
  const stride = opts.stride === undefined ? k : toPair(op, 'stride', opts.stride, 1, 1);
  const padding = toPair(op, 'padding', opts.padding, 0, 0);
  const dilation = toPair(op, 'dilation', dilationOpt, 1, 1);
  if (padding[0] > k[0] / 2 || padding[1] > k[1] / 2) {
    throw new RangeError(`${op}: padding ${padding.join('×')} must be at most half the kernel size ${k.join('×')}`);
  }
  const [H, W] = [x.shape[2]!, x.shape[3]!];
  const ceil = opts.ceilMode ?? false;
  const outputSize: [number, number] = [
    poolOutputSize(H, k[0], stride[0], padding[0], dilation[0], ceil),
    poolOutputSize(W, k[1], stride[1], padding[1], dilation[1], ceil),
  ];
  if (outputSize[0] < 1 || outputSize[1] < 1) {
    throw new RangeError(
      `${op}: input ${shapeStr(x.shape)} is too small for kernel ${k.join('×')} (padding ${padding.join('×')}, dilation ${dilation.join('×')}): output ${outputSize.join('×')}`,
    );
  }
  return { kernelSize: k, stride, padding, dilation, outputSize };
}

/** Max pooling and the argmax of each window (its flat offset h·W + w in the input plane, int32). */
export function maxPool2dWithIndices(x: Tensor, kernelSize: Pair, opts: MaxPool2dOptions | Pair = {}, ...rest: MaxPoolRest): [Tensor, Tensor] {
  opts = positionalOptions<MaxPool2dOptions>('maxPool2d', opts, rest, MAX_POOL_POSITIONAL, MAX_POOL_KEYS); // or F.max_pool2d's positional form
  checkInput('maxPool2d', x);
  if (x.ndim === 3) {
    const [y, i] = maxPool2dWithIndices(unsqueeze(x, 0), kernelSize, opts);
    return [squeeze(y, 0), squeeze(i, 0)];
  }
  const g = poolGeometry('maxPool2d', x, kernelSize, opts, opts.dilation);
  const p: MaxPool2dParams = g;
  const outShape = [x.shape[0]!, x.shape[1]!, ...g.outputSize];
  const out = Tensor.empty(outShape, x.dtype);
  const indices = Tensor.empty(outShape, 'int32');
  kernels().maxPool2d(x.kernelView(), p, out.storage, indices.storage as Int32Array);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  record(
    out,
    'MaxPool2d',
    [x],
    (grad) => {
      const dx = Tensor.empty(x.shape, grad.dtype);
      kernels().maxPool2dBackward(grad.kernelView(), indices.kernelView(), x.shape, dx.storage);
      return [dx];
    },
    () => reshape(gather(reshape(x, N, C, H * W), 2, reshape(indices, N, C, -1)), ...outShape),
  ); // each window's maximum, picked
  return [out, indices];
}

/** Max pooling as torch.nn.functional.max_pool2d: (N, C, H, W) → (N, C, Ho, Wo). */
export function maxPool2d(x: Tensor, kernelSize: Pair, opts: MaxPool2dOptions | Pair = {}, ...rest: MaxPoolRest): Tensor {
  return maxPool2dWithIndices(x, kernelSize, opts, ...rest)[0];
}

/** Average pooling as torch.nn.functional.avg_pool2d. */
export function avgPool2d(x: Tensor, kernelSize: Pair, opts: AvgPool2dOptions | Pair = {}, ...rest: AvgPoolRest): Tensor {
  opts = positionalOptions<AvgPool2dOptions>('avgPool2d', opts, rest, AVG_POOL_POSITIONAL, AVG_POOL_KEYS); // or F.avg_pool2d's positional form
  if (opts.countIncludePad !== undefined) checkBoolean('avgPool2d', 'countIncludePad', opts.countIncludePad);
  checkInput('avgPool2d', x);
  if (x.ndim === 3) return squeeze(avgPool2d(unsqueeze(x, 0), kernelSize, opts), 0);
  const d = opts.divisorOverride ?? 0;
  if (opts.divisorOverride !== undefined && !(Number.isFinite(d) && d !== 0))
    throw new RangeError(`avgPool2d: divisorOverride must be a non-zero number, got ${opts.divisorOverride}`);
  const g = poolGeometry('avgPool2d', x, kernelSize, opts);
  const p: AvgPool2dParams = {
    kernelSize: g.kernelSize,
    stride: g.stride,
    padding: g.padding,
    outputSize: g.outputSize,
    countIncludePad: opts.countIncludePad ?? true,
    divisorOverride: d,
  };
  return avgPool2dForward(x, p);
}

/**
 * Adaptive average pooling as torch.nn.functional.adaptive_avg_pool2d: any (H, W) to outputSize
 * (a number, a pair; null in a pair keeps that axis). adaptiveAvgPool2d(x, 1) is global average pooling.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  checkInput('adaptiveAvgPool2d', x);
  if (x.ndim === 3) return squeeze(adaptiveAvgPool2d(unsqueeze(x, 0), outputSize), 0);
  const [H, W] = [x.shape[2]!, x.shape[3]!];
  const raw = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  if (!Array.isArray(raw) || raw.length !== 2)
    throw new RangeError(`adaptiveAvgPool2d: outputSize must be a number or a pair, got ${JSON.stringify(outputSize)}`);
  const size: [number, number] = [raw[0] ?? H, raw[1] ?? W];
  if (!size.every((s) => Number.isInteger(s) && s >= 1))
    throw new RangeError(`adaptiveAvgPool2d: outputSize must be positive integers, got ${JSON.stringify(outputSize)}`);
  if (H < 1 || W < 1) throw new RangeError(`adaptiveAvgPool2d: input ${shapeStr(x.shape)} has an empty plane`);
  return adaptiveAvgPool2dForward(x, size);
}

// The average poolings are linear: each one's gradient is recorded with the pooling itself as its
// backward (as the convolutions are), so gradients of gradients work with the same kernels.

function avgPool2dForward(x: Tensor, p: AvgPool2dParams): Tensor {
  const out = Tensor.empty([x.shape[0]!, x.shape[1]!, ...p.outputSize], x.dtype);
  kernels().avgPool2d(x.kernelView(), p, out.storage);
  return record(out, 'AvgPool2d', [x], (grad) => [avgPool2dGrad(grad, x.shape, p)]);
}

function avgPool2dGrad(grad: Tensor, shape: readonly number[], p: AvgPool2dParams): Tensor {
  const dx = Tensor.empty(shape, grad.dtype);
  kernels().avgPool2dBackward(grad.kernelView(), shape, p, dx.storage);
  return record(dx, 'AvgPool2dGrad', [grad], (g) => [avgPool2dForward(g, p)]);
}

function adaptiveAvgPool2dForward(x: Tensor, size: [number, number]): Tensor {
  const out = Tensor.empty([x.shape[0]!, x.shape[1]!, ...size], x.dtype);
  kernels().adaptiveAvgPool2d(x.kernelView(), size, out.storage);
  return record(out, 'AdaptiveAvgPool2d', [x], (grad) => [adaptiveAvgPool2dGrad(grad, x.shape)]);
}

function adaptiveAvgPool2dGrad(grad: Tensor, shape: readonly number[]): Tensor {
  const dx = Tensor.empty(shape, grad.dtype);
  kernels().adaptiveAvgPool2dBackward(grad.kernelView(), shape, dx.storage);
  return record(dx, 'AdaptiveAvgPool2dGrad', [grad], (g) => [adaptiveAvgPool2dForward(g, [grad.shape[2]!, grad.shape[3]!])]);
}

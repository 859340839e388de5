// Convolutions as torch.nn.functional: conv2d, conv1d, convTranspose2d. All of them run on the
// three conv kernels (forward, input gradient, filter gradient), each recorded with a backward
// made of the other two, so gradients of gradients work too:
//
//   y  = conv2d(x, w)                 dx = conv2dBackwardInput(dy, w)      dw = conv2dBackwardWeight(x, dy)
//   dx = conv2dBackwardInput(dy, w)       (linear in dy and w: its own backward is conv2d and conv2dBackwardWeight)
//   dw = conv2dBackwardWeight(x, dy)      (linear in x and dy: conv2dBackwardInput and conv2d)
//
// conv1d is conv2d over (N, C, 1, L); convTranspose2d is conv2dBackwardInput with the roles of the
// weight's first two axes as torch lays them out, (in, out/groups, kH, kW).
import { Tensor } from '../tensor/tensor.js';
import { isFloat } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import type { Conv2dParams } from '../backend/kernels.js';
import { record } from './record.js';
import { kernels } from './util.js';
import { sum } from './reduce.js';
import { reshape, squeeze, unsqueeze } from './view.js';
import { describe, optionKeys, positionalOptions } from '../util/options.js';

export type Pair = number | readonly [number, number];
export type Conv2dOptions = {
  /** Default 1. */
  stride?: Pair;
  /** Zero padding on both sides of each axis (default 0); 'valid' is 0, 'same' keeps the size (stride 1). */
  padding?: Pair | 'valid' | 'same';
  /** Spacing between the filter taps (default 1). */
  dilation?: Pair;
  /** Channels split into this many independent groups (default 1). */
  groups?: number;
};
export type Conv1dOptions = { stride?: number; padding?: number | 'valid' | 'same'; dilation?: number; groups?: number };
export type ConvTranspose2dOptions = { stride?: Pair; padding?: Pair; outputPadding?: Pair; dilation?: Pair; groups?: number };

const CONV_KEYS = optionKeys<Conv2dOptions>({ stride: true, padding: true, dilation: true, groups: true });
const CONV_TRANSPOSE_KEYS = optionKeys<ConvTranspose2dOptions>({ stride: true, padding: true, outputPadding: true, dilation: true, groups: true });
/** torch.nn.functional's positional order after the bias. */
const CONV_POSITIONAL = ['stride', 'padding', 'dilation', 'groups'];
const CONV_TRANSPOSE_POSITIONAL = ['stride', 'padding', 'outputPadding', 'groups', 'dilation'];

/** (h, w) from a number or a pair; every entry an integer >= min. */
export function toPair(op: string, name: string, v: Pair | undefined, fallback: number, min: number): [number, number] {
  if (!Array.isArray(v) && typeof v !== 'number' && v !== undefined)
    throw new TypeError(`${op}: ${name} must be a number or a pair of numbers, got ${JSON.stringify(v)}`);
  if (Array.isArray(v) && v.length !== 2) throw new RangeError(`${op}: ${name} must be a number or a pair of numbers, got [${v.join(', ')}]`);
  const p: [number, number] = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= min))
    throw new RangeError(`${op}: ${name} must be ${min === 0 ? 'non-negative' : 'positive'} integers, got ${JSON.stringify(v)}`);
  return p;
}

function checkOperands(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${describe(x)}`);
  if (!(weight instanceof Tensor)) throw new TypeError(`${op}: weight must be a Tensor, got ${describe(weight)}`);
  if (bias !== null && bias !== undefined && !(bias instanceof Tensor)) {
    throw new TypeError(`${op}: bias must be a Tensor or null, got ${describe(bias)}; options go after the bias: ${op}(x, weight, null, {stride, ...})`);
  }
  if (!isFloat(x.dtype)) throw new TypeError(`${op}: expected a floating point input, got ${x.dtype}`);
  if (weight.dtype !== x.dtype) throw new TypeError(`${op}: input is ${x.dtype} but weight is ${weight.dtype}; cast one of them`);
  if (bias && bias.dtype !== x.dtype) throw new TypeError(`${op}: input is ${x.dtype} but bias is ${bias.dtype}; cast one of them`);
}

function geometry(op: string, weight: Tensor, opts: Conv2dOptions): Conv2dParams {
  const stride = toPair(op, 'stride', opts.stride, 1, 1);
  const dilation = toPair(op, 'dilation', opts.dilation, 1, 1);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${groups}`);
  let padding: [number, number];
  if (opts.padding === 'valid') padding = [0, 0];
  else if (opts.padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new RangeError(`${op}: padding 'same' needs stride 1, got stride ${JSON.stringify(opts.stride)}`);
    const totals = [dilation[0] * (weight.shape[2]! - 1), dilation[1] * (weight.shape[3]! - 1)];
    if (totals.some((t) => t % 2 !== 0)) {
      throw new RangeError(
        `${op}: padding 'same' with kernel ${shapeStr(weight.shape.slice(2))} and dilation ${dilation} needs uneven padding, which deepts does not do; pad the input yourself`,
      );
    }
    padding = [totals[0]! / 2, totals[1]! / 2];
  } else padding = toPair(op, 'padding', opts.padding, 0, 0);
  return { stride, padding, dilation, groups };
}

function outputSize(size: number, kernel: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Checks shapes and returns the output's (Ho, Wo). */
function checkConv2d(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, p: Conv2dParams): [number, number] {
  if (x.ndim !== 4) throw new RangeError(`${op}: expected input (N, C, H, W), got ${shapeStr(x.shape)}`);
  if (weight.ndim !== 4) throw new RangeError(`${op}: expected weight (out, in/groups, kH, kW), got ${shapeStr(weight.shape)}`);
  const [, C, H, W] = x.shape as [number, number, number, number];
  const [O, cg, kH, kW] = weight.shape as [number, number, number, number];
  if (O % p.groups !== 0) throw new RangeError(`${op}: weight ${shapeStr(weight.shape)} has ${O} output channels, not divisible by groups=${p.groups}`);
  if (cg * p.groups !== C) {
    throw new RangeError(
      `${op}: input ${shapeStr(x.shape)} has ${C} channels, but weight ${shapeStr(weight.shape)} with groups=${p.groups} expects ${cg * p.groups}`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O))
    throw new RangeError(`${op}: bias must have shape (${O},) for weight ${shapeStr(weight.shape)}, got ${shapeStr(bias.shape)}`);
  const Ho = outputSize(H, kH, p.stride[0], p.padding[0], p.dilation[0]);
  const Wo = outputSize(W, kW, p.stride[1], p.padding[1], p.dilation[1]);
  if (Ho < 1 || Wo < 1) {
    throw new RangeError(
      `${op}: input ${shapeStr(x.shape)} is smaller than the kernel: ${kH}×${kW} (dilation ${p.dilation.join('×')}) on ${H}×${W} padded by ${p.padding.join('×')} gives a ${Ho}×${Wo} output`,
    );
  }
  return [Ho, Wo];
}

/** The recorded conv2d primitive on (N, C, H, W) input. */
function conv2dForward(x: Tensor, weight: Tensor, bias: Tensor | null, p: Conv2dParams, [Ho, Wo]: [number, number]): Tensor {
  const out = Tensor.empty([x.shape[0]!, weight.shape[0]!, Ho, Wo], x.dtype);
  kernels().conv2d(x.kernelView(), weight.kernelView(), bias ? bias.kernelView() : null, p, out.storage);
  return record(out, 'Conv2d', bias ? [x, weight, bias] : [x, weight], (g) => [
    x.requiresGrad ? conv2dBackwardInput(g, weight, x.shape, p) : null,
    weight.requiresGrad ? conv2dBackwardWeight(x, g, weight.shape, p) : null,
    bias?.requiresGrad ? sum(g, [0, 2, 3]) : null,
  ]);
}

/** conv2d's gradient with respect to its input (the transposed convolution), recorded. */
export function conv2dBackwardInput(gradOut: Tensor, weight: Tensor, inputShape: readonly number[], p: Conv2dParams): Tensor {
  const out = Tensor.empty(inputShape, gradOut.dtype);
  kernels().conv2dBackwardInput(gradOut.kernelView(), weight.kernelView(), inputShape, p, out.storage);
  return record(out, 'Conv2dInputGrad', [gradOut, weight], (g) => [
    gradOut.requiresGrad ? conv2dForward(g, weight, null, p, [gradOut.shape[2]!, gradOut.shape[3]!]) : null,
    weight.requiresGrad ? conv2dBackwardWeight(g, gradOut, weight.shape, p) : null,
  ]);
}

/** conv2d's gradient with respect to its weight (the filter gradient), recorded. */
export function conv2dBackwardWeight(x: Tensor, gradOut: Tensor, weightShape: readonly number[], p: Conv2dParams): Tensor {
  const out = Tensor.empty(weightShape, x.dtype);
  kernels().conv2dBackwardWeight(x.kernelView(), gradOut.kernelView(), weightShape, p, out.storage);
  return record(out, 'Conv2dWeightGrad', [x, gradOut], (g) => [
    x.requiresGrad ? conv2dBackwardInput(gradOut, g, x.shape, p) : null,
    gradOut.requiresGrad ? conv2dForward(x, g, null, p, [gradOut.shape[2]!, gradOut.shape[3]!]) : null,
  ]);
}

/**
 * 2-D convolution (cross-correlation) as torch.nn.functional.conv2d: x (N, C, H, W) or (C, H, W),
 * weight (out, C/groups, kH, kW), bias (out,) → (N, out, Ho, Wo).
 */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: Conv2dOptions | Pair = {},
  ...rest: [padding?: Pair | 'valid' | 'same', dilation?: Pair, groups?: number]
): Tensor {
  opts = positionalOptions<Conv2dOptions>('conv2d', opts, rest, CONV_POSITIONAL, CONV_KEYS); // or F.conv2d's positional form
  checkOperands('conv2d', x, weight, bias);
  if (x.ndim === 3) return squeeze(conv2d(unsqueeze(x, 0), weight, bias, opts), 0);
  if (weight.ndim !== 4) throw new RangeError(`conv2d: expected weight (out, in/groups, kH, kW), got ${shapeStr(weight.shape)}`);
  const p = geometry('conv2d', weight, opts);
  const size = checkConv2d('conv2d', x, weight, bias, p);
  return conv2dForward(x, weight, bias ?? null, p, size);
}

/** 1-D convolution as torch.nn.functional.conv1d: x (N, C, L) or (C, L), weight (out, C/groups, k) → (N, out, Lo). */
export function conv1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: Conv1dOptions | number = {},
  ...rest: [padding?: number | 'valid' | 'same', dilation?: number, groups?: number]
): Tensor {
  opts = positionalOptions<Conv1dOptions>('conv1d', opts, rest, CONV_POSITIONAL, CONV_KEYS); // or F.conv1d's positional form
  checkOperands('conv1d', x, weight, bias);
  if (x.ndim === 2) return squeeze(conv1d(unsqueeze(x, 0), weight, bias, opts), 0);
  if (x.ndim !== 3) throw new RangeError(`conv1d: expected input (N, C, L) or (C, L), got ${shapeStr(x.shape)}`);
  if (weight.ndim !== 3) throw new RangeError(`conv1d: expected weight (out, in/groups, k), got ${shapeStr(weight.shape)}`);
  const one = (name: string, v: number | undefined): number | undefined => {
    if (v !== undefined && typeof v !== 'number') throw new TypeError(`conv1d: ${name} must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  const padding = opts.padding === 'same' || opts.padding === 'valid' ? opts.padding : one('padding', opts.padding);
  const opts2d: Conv2dOptions = {
    stride: [1, one('stride', opts.stride) ?? 1],
    padding: padding === 'same' || padding === 'valid' ? padding : [0, padding ?? 0],
    dilation: [1, one('dilation', opts.dilation) ?? 1],
    groups: opts.groups,
  };
  const y = conv2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, opts2d); // (N, out, 1, Lo)
  return squeeze(y, 2);
}

/**
 * Transposed convolution as torch.nn.functional.conv_transpose2d: x (N, in, H, W), weight (in, out/groups,
 * kH, kW) → (N, out, Ho, Wo), Ho = (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1.
 */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvTranspose2dOptions | Pair = {},
  ...rest: [padding?: Pair, outputPadding?: Pair, groups?: number, dilation?: Pair]
): Tensor {
  const op = 'convTranspose2d';
  opts = positionalOptions<ConvTranspose2dOptions>(op, opts, rest, CONV_TRANSPOSE_POSITIONAL, CONV_TRANSPOSE_KEYS); // or F.conv_transpose2d's positional form
  checkOperands(op, x, weight, bias);
  if (x.ndim === 3) return squeeze(convTranspose2d(unsqueeze(x, 0), weight, bias, opts), 0);
  if (x.ndim !== 4) throw new RangeError(`${op}: expected input (N, C, H, W), got ${shapeStr(x.shape)}`);
  if (weight.ndim !== 4) throw new RangeError(`${op}: expected weight (in, out/groups, kH, kW), got ${shapeStr(weight.shape)}`);
  const stride = toPair(op, 'stride', opts.stride, 1, 1);
  const padding = toPair(op, 'padding', opts.padding, 0, 0);
  const dilation = toPair(op, 'dilation', opts.dilation, 1, 1);
  const outputPadding = toPair(op, 'outputPadding', opts.outputPadding, 0, 0);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${groups}`);
  for (let i = 0; i < 2; i++) {
    if (outputPadding[i]! >= Math.max(stride[i]!, dilation[i]!)) {
      throw new RangeError(`${op}: outputPadding ${outputPadding.join('×')} must be smaller than stride ${stride.join('×')} or dilation ${dilation.join('×')}`);
    }
  }
  const [N, Cin, H, W] = x.shape as [number, number, number, number];
  const [wIn, og, kH, kW] = weight.shape as [number, number, number, number];
  if (wIn !== Cin) throw new RangeError(`${op}: input ${shapeStr(x.shape)} has ${Cin} channels, but weight ${shapeStr(weight.shape)} expects ${wIn}`);
  if (Cin % groups !== 0) throw new RangeError(`${op}: ${Cin} input channels are not divisible by groups=${groups}`);
  const Cout = og * groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== Cout)) throw new RangeError(`${op}: bias must have shape (${Cout},), got ${shapeStr(bias.shape)}`);
  const Ho = (H - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kH - 1) + outputPadding[0] + 1;
  const Wo = (W - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kW - 1) + outputPadding[1] + 1;
  if (Ho < 1 || Wo < 1) throw new RangeError(`${op}: input ${shapeStr(x.shape)} with padding ${padding.join('×')} gives an empty ${Ho}×${Wo} output`);
  // the conv whose input gradient this is: (Cout -> Cin) with weight (Cin, Cout/groups, kH, kW)
  const p: Conv2dParams = { stride, padding, dilation, groups };
  const y = conv2dBackwardInput(x, weight, [N, Cout, Ho, Wo], p);
  return bias ? y.add(reshape(bias, 1, Cout, 1, 1)) : y;
}

// Convolution layers as torch.nn: Conv1d, Conv2d, ConvTranspose2d, with PyTorch's argument order
// (inChannels, outChannels, kernelSize, {stride, padding, dilation, groups, bias}) and its default
// initialization: kaiming_uniform(a=√5) on the weight, U(−1/√fanIn, 1/√fanIn) on the bias.
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { conv1d, conv2d, convTranspose2d, toPair, type Pair } from '../ops/conv.js';
import { Module } from './module.js';
import { emptyParameter, type Parameter } from './parameter.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { checkBoolean, checkNumber, optionKeys, positionalOptions } from '../util/options.js';

export type ConvOptions = {
  stride?: Pair;
  /** Zero padding (default 0), or 'valid' / 'same'. */
  padding?: Pair | 'valid' | 'same';
  dilation?: Pair;
  groups?: number;
  /** Default true. */
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
};
export type Conv1dOptions = Omit<ConvOptions, 'stride' | 'padding' | 'dilation'> & { stride?: number; padding?: number | 'valid' | 'same'; dilation?: number };
export type ConvTranspose2dOptions = Omit<ConvOptions, 'padding'> & { padding?: Pair; outputPadding?: Pair };

const CONV_KEYS = optionKeys<ConvOptions>({ stride: true, padding: true, dilation: true, groups: true, bias: true, dtype: true, generator: true });
const CONV_TRANSPOSE_KEYS = optionKeys<ConvTranspose2dOptions>({
  stride: true,
  padding: true,
  outputPadding: true,
  dilation: true,
  groups: true,
  bias: true,
  dtype: true,
  generator: true,
});
/** torch.nn's positional order after the kernel size. */
const CONV_POSITIONAL = ['stride', 'padding', 'dilation', 'groups', 'bias'];
const CONV_TRANSPOSE_POSITIONAL = ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation'];
type ConvRest<P> = [padding?: P | 'valid' | 'same', dilation?: P, groups?: number, bias?: boolean];

function checkChannels(op: string, inChannels: number, outChannels: number, groups: number, bias?: unknown): void {
  checkNumber(op, 'inChannels', inChannels);
  checkNumber(op, 'outChannels', outChannels);
  checkNumber(op, 'groups', groups);
  if (bias !== undefined) checkBoolean(op, 'bias', bias);
  for (const [name, v] of [
    ['inChannels', inChannels],
    ['outChannels', outChannels],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${op}: ${name} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${groups}`);
  if (inChannels % groups !== 0) throw new RangeError(`${op}: inChannels ${inChannels} must be divisible by groups ${groups}`);
  if (outChannels % groups !== 0) throw new RangeError(`${op}: outChannels ${outChannels} must be divisible by groups ${groups}`);
}

/** PyTorch's _ConvNd.reset_parameters. */
function resetConvParameters(weight: Parameter, bias: Parameter | null, generator?: Generator): void {
  kaimingUniform_(weight, { a: Math.sqrt(5), generator });
  if (bias) {
    const [fanIn] = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound, { generator });
  }
}

function fmt(p: readonly number[] | number | string): string {
  return typeof p === 'number' || typeof p === 'string' ? String(p) : `(${p.join(', ')})`;
}

/** 2-D convolution over (N, C, H, W): weight (out, in/groups, kH, kW), bias (out,). */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'valid' | 'same';
  readonly dilation: [number, number];
  readonly groups: number;
  weight: Parameter; // (out, in/groups, kH, kW)
  bias: Parameter | null; // (out,)

  /** new Conv2d(1, 4, 3, {stride: 2, padding: 1}), or PyTorch's positional new Conv2d(1, 4, 3, 2, 1). */
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, opts: ConvOptions | Pair = {}, ...rest: ConvRest<Pair>) {
    super();
    opts = positionalOptions<ConvOptions>('Conv2d', opts, rest, CONV_POSITIONAL, CONV_KEYS);
    const groups = opts.groups ?? 1;
    checkChannels('Conv2d', inChannels, outChannels, groups, opts.bias);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = toPair('Conv2d', 'kernelSize', kernelSize, 1, 1);
    this.stride = toPair('Conv2d', 'stride', opts.stride, 1, 1);
    this.padding = opts.padding === 'same' || opts.padding === 'valid' ? opts.padding : toPair('Conv2d', 'padding', opts.padding, 0, 0);
    this.dilation = toPair('Conv2d', 'dilation', opts.dilation, 1, 1);
    this.groups = groups;
    const dtype = opts.dtype ?? 'float32';
    this.weight = emptyParameter([outChannels, inChannels / groups, ...this.kernelSize], dtype);
    this.bias = (opts.bias ?? true) ? emptyParameter([outChannels], dtype) : null;
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    resetConvParameters(this.weight, this.bias, generator);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups }); // (N, out, Ho, Wo)
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}`;
    if (this.padding === 'same' || this.padding === 'valid' || this.padding.some((p) => p !== 0)) s += `, padding=${fmt(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${fmt(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=false';
    return s;
  }
}

/** 1-D convolution over (N, C, L): weight (out, in/groups, k), bias (out,). */
export class Conv1d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'valid' | 'same';
  readonly dilation: number;
  readonly groups: number;
  weight: Parameter; // (out, in/groups, k)
  bias: Parameter | null;

  /** new Conv1d(1, 4, 3, {stride: 2}), or PyTorch's positional new Conv1d(1, 4, 3, 2). */
  constructor(inChannels: number, outChannels: number, kernelSize: number, opts: Conv1dOptions | number = {}, ...rest: ConvRest<number>) {
    super();
    opts = positionalOptions<Conv1dOptions>('Conv1d', opts, rest, CONV_POSITIONAL, CONV_KEYS);
    const groups = opts.groups ?? 1;
    checkChannels('Conv1d', inChannels, outChannels, groups, opts.bias);
    const one = (name: string, v: unknown, fallback: number, min: number): number => {
      const x = v ?? fallback;
      if (typeof x !== 'number' || !Number.isInteger(x) || x < min)
        throw new RangeError(`Conv1d: ${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
      return x;
    };
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = one('kernelSize', kernelSize, 1, 1);
    this.stride = one('stride', opts.stride, 1, 1);
    this.padding = opts.padding === 'same' || opts.padding === 'valid' ? opts.padding : one('padding', opts.padding, 0, 0);
    this.dilation = one('dilation', opts.dilation, 1, 1);
    this.groups = groups;
    const dtype = opts.dtype ?? 'float32';
    this.weight = emptyParameter([outChannels, inChannels / groups, this.kernelSize], dtype);
    this.bias = (opts.bias ?? true) ? emptyParameter([outChannels], dtype) : null;
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    resetConvParameters(this.weight, this.bias, generator);
  }

  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups }); // (N, out, Lo)
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${this.stride}`;
    if (this.padding !== 0) s += `, padding=${this.padding}`;
    if (this.dilation !== 1) s += `, dilation=${this.dilation}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=false';
    return s;
  }
}

/**
 * Transposed 2-D convolution (the gradient of Conv2d with respect to its input; DCGAN's upsampling
 * layer): weight (in, out/groups, kH, kW), output size (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
 */
export class ConvTranspose2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  weight: Parameter; // (in, out/groups, kH, kW)
  bias: Parameter | null;

  /** new ConvTranspose2d(4, 1, 3, {stride: 2}), or PyTorch's positional (stride, padding, outputPadding, groups, bias, dilation). */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    opts: ConvTranspose2dOptions | Pair = {},
    ...rest: [padding?: Pair, outputPadding?: Pair, groups?: number, bias?: boolean, dilation?: Pair]
  ) {
    super();
    const op = 'ConvTranspose2d';
    opts = positionalOptions<ConvTranspose2dOptions>(op, opts, rest, CONV_TRANSPOSE_POSITIONAL, CONV_TRANSPOSE_KEYS);
    const groups = opts.groups ?? 1;
    checkChannels(op, inChannels, outChannels, groups, opts.bias);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = toPair(op, 'kernelSize', kernelSize, 1, 1);
    this.stride = toPair(op, 'stride', opts.stride, 1, 1);
    this.padding = toPair(op, 'padding', opts.padding, 0, 0);
    this.outputPadding = toPair(op, 'outputPadding', opts.outputPadding, 0, 0);
    this.dilation = toPair(op, 'dilation', opts.dilation, 1, 1);
    for (let i = 0; i < 2; i++) {
      if (this.outputPadding[i]! >= Math.max(this.stride[i]!, this.dilation[i]!)) {
        throw new RangeError(
          `${op}: outputPadding ${fmt(this.outputPadding)} must be smaller than stride ${fmt(this.stride)} or dilation ${fmt(this.dilation)}`,
        );
      }
    }
    this.groups = groups;
    const dtype = opts.dtype ?? 'float32';
    this.weight = emptyParameter([inChannels, outChannels / groups, ...this.kernelSize], dtype);
    this.bias = (opts.bias ?? true) ? emptyParameter([outChannels], dtype) : null;
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    resetConvParameters(this.weight, this.bias, generator);
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${fmt(this.padding)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, outputPadding=${fmt(this.outputPadding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${fmt(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=false';
    return s;
  }
}

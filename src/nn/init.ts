// Parameter initialization, as torch.nn.init: each function fills a tensor in place (under
// noGrad) from the seeded default generator, or from `generator` when one is passed, and returns it.
// A meta tensor (nn.withMetaParameters) is checked and returned as it is: it has nothing to fill.
import type { Tensor } from '../tensor/tensor.js';
import { isFloat } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { normal as normalTensor, uniform as uniformTensor } from '../tensor/creation.js';
import { noGrad } from '../autograd/grad-mode.js';
import { copy_ } from '../ops/inplace.js';
import { checkNumber, checkOptions } from '../util/options.js';

const INIT_KEYS = ['generator'];
const KAIMING_KEYS = ['a', 'mode', 'nonlinearity', 'generator'];
import { isMeta } from './parameter.js';

export type InitOptions = { generator?: Generator };
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'leakyRelu'
  | 'selu'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d';
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

function checkFloat(op: string, t: Tensor): void {
  if (!isFloat(t.dtype)) throw new TypeError(`${op}: expected a floating point tensor, got ${t.dtype} of shape ${shapeStr(t.shape)}`);
}

/** The recommended gain for a nonlinearity (PyTorch's table); `param` is leaky ReLU's slope (default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'sigmoid':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) throw new TypeError(`calculateGain: negative slope ${param} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`calculateGain: unsupported nonlinearity '${nonlinearity}'`);
  }
}

/** fanIn = size(1)·receptive field, fanOut = size(0)·receptive field (a Linear weight is (out, in)). */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new RangeError(`init: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions, got ${shapeStr(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

function fan(t: Tensor, mode: FanMode): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  if (mode === 'fanIn' || mode === 'fan_in') return fanIn;
  if (mode === 'fanOut' || mode === 'fan_out') return fanOut;
  throw new RangeError(`init: mode must be 'fanIn' or 'fanOut', got '${mode}'`);
}

/** Fills t with U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, opts: InitOptions = {}): Tensor {
  checkFloat('uniform_', t);
  checkNumber('uniform_', 'a', a);
  checkNumber('uniform_', 'b', b);
  checkOptions('uniform_', opts, INIT_KEYS);
  if (!(a <= b)) throw new RangeError(`uniform_: expected a <= b, got a=${a}, b=${b}`);
  if (isMeta(t)) return t;
  const values = uniformTensor(t.shape, a, b, { dtype: t.dtype, generator: opts.generator ?? defaultGenerator });
  return noGrad(() => copy_(t, values));
}

/** Fills t with N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, opts: InitOptions = {}): Tensor {
  checkFloat('normal_', t);
  checkNumber('normal_', 'mean', mean);
  checkNumber('normal_', 'std', std);
  checkOptions('normal_', opts, INIT_KEYS);
  if (!(std >= 0)) throw new RangeError(`normal_: std must be non-negative, got ${std}`);
  if (isMeta(t)) return t;
  const values = normalTensor(t.shape, mean, std, { dtype: t.dtype, generator: opts.generator ?? defaultGenerator });
  return noGrad(() => copy_(t, values));
}

export function constant_<T extends Tensor>(t: T, value: number): T {
  checkNumber('constant_', 'value', value);
  if (!isMeta(t)) noGrad(() => copy_(t, value));
  return t;
}

export function zeros_<T extends Tensor>(t: T): T {
  return constant_(t, 0);
}

export function ones_<T extends Tensor>(t: T): T {
  return constant_(t, 1);
}

/** Glorot: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  checkNumber('xavierUniform_', 'gain', gain);
  checkOptions('xavierUniform_', opts, INIT_KEYS);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, opts);
}

/** Glorot: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  checkNumber('xavierNormal_', 'gain', gain);
  checkOptions('xavierNormal_', opts, INIT_KEYS);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), opts);
}

export type KaimingOptions = InitOptions & { a?: number; mode?: FanMode; nonlinearity?: Nonlinearity };

function kaimingStd(op: string, t: Tensor, opts: KaimingOptions): number {
  checkFloat(op, t);
  checkOptions(op, opts, KAIMING_KEYS);
  if (opts.a !== undefined) checkNumber(op, 'a', opts.a);
  const n = fan(t, opts.mode ?? 'fanIn');
  if (n === 0) throw new RangeError(`${op}: cannot initialize a tensor with zero fan, shape ${shapeStr(t.shape)}`);
  return calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(n);
}

/** He: U(−b, b) with b = gain·√(3 / fan); defaults a=0, mode 'fanIn', nonlinearity 'leaky_relu' as PyTorch. */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform_', t, opts);
  return uniform_(t, -bound, bound, { generator: opts.generator });
}

/** He: N(0, std²) with std = gain / √fan. */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd('kaimingNormal_', t, opts), { generator: opts.generator });
}

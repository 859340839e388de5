// Creating tensors: from data, constants, ranges and random fills.
import { getBackend } from '../backend/registry.js';
import { randomCounterAdvance } from '../backend/kernels.js';
import { allocate, assertDType, dtypeOfArray, isFloat, type DType, type TypedArray } from './dtype.js';
import { checkShape, numel, shapeStr } from './shape.js';
import { defaultGenerator, type Generator } from './generator.js';
import { Tensor, type NestedArray } from './tensor.js';
import { checkDtype, checkNumber, checkOptions, describe, INTEGER, isPlainObject, NON_NEGATIVE_INTEGER } from '../util/options.js';

export type CreateOptions = { dtype?: DType; requiresGrad?: boolean };
export type RandomOptions = CreateOptions & { generator?: Generator };

const CREATE_KEYS = ['dtype', 'requiresGrad'];
const TENSOR_KEYS = ['dtype', 'requiresGrad', 'shape'];
const RANDOM_KEYS = ['dtype', 'requiresGrad', 'generator'];

/** Checks the arguments every creation function shares: a shape (when given), the options (their keys, dtype and generator). */
function checkCreate(op: string, shape: readonly number[] | null, opts: object, allowed: readonly string[]): void {
  if (shape !== null) checkShape(op, shape);
  checkOptions(op, opts, allowed);
}

function checkTensor(op: string, t: unknown): void {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describe(t)}`);
}

function finish(t: Tensor, opts: CreateOptions | undefined): Tensor {
  if (opts?.requiresGrad) t.requiresGrad_(true);
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0]!;
  }
  return shape;
}

function flatten(data: NestedArray, shape: number[], out: TypedArray): void {
  let i = 0;
  const walk = (x: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (Array.isArray(x)) throw new TypeError(`tensor: ragged nested array at ${path}: expected a number, found an array`);
      if (typeof x !== 'number' && typeof x !== 'boolean') throw new TypeError(`tensor: element at ${path} is ${typeof x}, expected a number or boolean`);
      out[i++] = typeof x === 'boolean' ? (x ? 1 : 0) : x;
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[dim]) {
      throw new TypeError(`tensor: ragged nested array at ${path}: expected ${shape[dim]} elements, found ${Array.isArray(x) ? x.length : 'a scalar'}`);
    }
    x.forEach((e, k) => walk(e, dim + 1, `${path}[${k}]`));
  };
  walk(data, 0, 'data');
}

/**
 * A tensor from nested arrays or a typed array. Numbers default to float32 (like TensorFlow.js;
 * pass `dtype` for others), booleans to bool, an Int32Array to int32. `shape` reshapes flat data.
 */
export function tensor(data: NestedArray | TypedArray | readonly number[], opts: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  checkCreate('tensor', null, opts, TENSOR_KEYS);
  let shape: number[];
  let flat: TypedArray;
  if (ArrayBuffer.isView(data)) {
    const src = data as TypedArray;
    const dtype = opts.dtype ? assertDType(opts.dtype, 'tensor') : dtypeOfArray(src);
    shape = opts.shape ? checkShape('tensor', opts.shape) : [src.length];
    if (numel(shape) !== src.length) throw new RangeError(`tensor: ${src.length} values cannot have shape ${shapeStr(shape)}`);
    flat = allocate(dtype, src.length);
    if (dtype === 'bool') for (let i = 0; i < src.length; i++) flat[i] = src[i] ? 1 : 0;
    else flat.set(src);
    return finish(new Tensor(flat, dtype, shape), opts);
  }
  shape = inferShape(data as NestedArray);
  let first: NestedArray = data as NestedArray;
  while (Array.isArray(first) && first.length) first = first[0]!;
  const dtype = opts.dtype ? assertDType(opts.dtype, 'tensor') : typeof first === 'boolean' ? 'bool' : 'float32';
  flat = allocate(dtype, numel(shape));
  if (dtype === 'bool') {
    const tmp = new Float64Array(flat.length);
    flatten(data as NestedArray, shape, tmp);
    for (let i = 0; i < tmp.length; i++) flat[i] = tmp[i] ? 1 : 0;
  } else {
    flatten(data as NestedArray, shape, flat);
  }
  if (opts.shape) {
    const target = checkShape('tensor', opts.shape);
    if (numel(target) !== flat.length) throw new RangeError(`tensor: ${flat.length} values cannot have shape ${shapeStr(target)}`);
    shape = target;
  }
  return finish(new Tensor(flat, dtype, shape), opts);
}

/** A scalar (0-d) tensor. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  checkNumber('scalar', 'value', value);
  checkDtype('scalar', dtype);
  const t = Tensor.empty([], dtype);
  t.storage[0] = value;
  return t;
}

export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  checkCreate('full', shape, opts, CREATE_KEYS);
  if (typeof value !== 'boolean') checkNumber('full', 'fill value', value);
  const dtype = opts.dtype ?? 'float32';
  const t = Tensor.empty(checkShape('full', shape), dtype);
  if (value !== 0) t.storage.fill(dtype === 'bool' ? (value ? 1 : 0) : value);
  return finish(t, opts);
}

export function zeros(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  checkCreate('zeros', shape, opts, CREATE_KEYS);
  return full(shape, 0, opts);
}

export function ones(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  checkCreate('ones', shape, opts, CREATE_KEYS);
  return full(shape, 1, opts);
}

export function zerosLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  checkTensor('zerosLike', t);
  checkCreate('zerosLike', null, opts, CREATE_KEYS);
  return full(t.shape, 0, { dtype: t.dtype, ...opts });
}

export function onesLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  checkTensor('onesLike', t);
  checkCreate('onesLike', null, opts, CREATE_KEYS);
  return full(t.shape, 1, { dtype: t.dtype, ...opts });
}

export function fullLike(t: Tensor, value: number, opts: CreateOptions = {}): Tensor {
  checkTensor('fullLike', t);
  checkCreate('fullLike', null, opts, CREATE_KEYS);
  return full(t.shape, value, { dtype: t.dtype, ...opts });
}

/** Values start, start+step, ... below end (arange(n) is 0..n-1). Integer arguments give int32 unless dtype says otherwise. */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  // PyTorch's keyword form: arange(5, {dtype}), arange(0, 5, {dtype})
  if (isPlainObject(end) && arguments.length === 2) {
    opts = end as CreateOptions;
    end = undefined;
  } else if (isPlainObject(step) && arguments.length === 3) {
    opts = step as CreateOptions;
    step = 1;
  }
  checkNumber('arange', 'start', start);
  if (end !== undefined) checkNumber('arange', 'end', end);
  checkNumber('arange', 'step', step);
  checkCreate('arange', null, opts, CREATE_KEYS);
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const allInt = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = opts.dtype ?? (allInt ? 'int32' : 'float32');
  const t = Tensor.empty([n], dtype);
  for (let i = 0; i < n; i++) t.storage[i] = start + i * step;
  return finish(t, opts);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  checkNumber('linspace', 'start', start);
  checkNumber('linspace', 'end', end);
  checkNumber('linspace', 'steps', steps);
  checkCreate('linspace', null, opts, CREATE_KEYS);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const t = Tensor.empty([steps], opts.dtype ?? 'float32');
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // symmetric fill as PyTorch does, so the last value is exactly `end`
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) t.storage[i] = i < half ? start + i * delta : end - (steps - 1 - i) * delta;
  return finish(t, opts);
}

export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  if (isPlainObject(m) && arguments.length === 2) {
    opts = m as CreateOptions;
    m = n;
  } // eye(n, {dtype})
  checkNumber('eye', 'n', n, NON_NEGATIVE_INTEGER);
  checkNumber('eye', 'm', m, NON_NEGATIVE_INTEGER);
  checkCreate('eye', null, opts, CREATE_KEYS);
  const t = zeros([n, m], opts);
  for (let i = 0; i < Math.min(n, m); i++) t.storage[i * m + i] = 1;
  return t;
}

function randomFill(op: string, kind: 'uniform' | 'normal', shape: readonly number[], a: number, b: number, opts: RandomOptions): Tensor {
  checkCreate(op, shape, opts, RANDOM_KEYS);
  const dtype = opts.dtype ?? 'float32';
  if (!isFloat(dtype)) throw new TypeError(`${op}: dtype must be float32 or float64, got ${dtype}`);
  const t = Tensor.empty(checkShape(op, shape), dtype);
  const gen = opts.generator ?? defaultGenerator;
  const offset = gen.reserve(randomCounterAdvance(kind, t.numel(), dtype));
  const k = getBackend().kernels;
  if (kind === 'uniform') k.randomUniform({ low: a, high: b, seed: gen.seed, offset }, t.storage);
  else k.randomNormal({ mean: a, std: b, seed: gen.seed, offset }, t.storage);
  return finish(t, opts);
}

/**
 * Inverted dropout's mask for keep probability `keep`: 1/keep where the generator's uniform draw
 * is below keep, else 0 — the same draws as rand(shape) would take, in one pass. No gradient.
 */
export function dropoutMask(shape: readonly number[], keep: number, dtype: DType, generator: Generator = defaultGenerator): Tensor {
  if (!isFloat(dtype)) throw new TypeError(`dropoutMask: dtype must be float32 or float64, got ${dtype}`);
  if (!(keep > 0 && keep <= 1)) throw new RangeError(`dropoutMask: keep must be in (0, 1], got ${keep}`);
  const t = Tensor.empty(checkShape('dropoutMask', shape), dtype);
  const offset = generator.reserve(randomCounterAdvance('uniform', t.numel(), dtype));
  getBackend().kernels.dropoutMask({ keep, scale: 1 / keep, seed: generator.seed, offset }, t.storage);
  return t;
}

/** Uniform [0, 1). */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return randomFill('rand', 'uniform', shape, 0, 1, opts);
}

/** Uniform [low, high). */
export function uniform(shape: readonly number[], low: number, high: number, opts: RandomOptions = {}): Tensor {
  checkNumber('uniform', 'low', low);
  checkNumber('uniform', 'high', high);
  return randomFill('uniform', 'uniform', shape, low, high, opts);
}

/** Standard normal. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return randomFill('randn', 'normal', shape, 0, 1, opts);
}

/** Normal(mean, std). */
export function normal(shape: readonly number[], mean: number, std: number, opts: RandomOptions = {}): Tensor {
  checkNumber('normal', 'mean', mean);
  checkNumber('normal', 'std', std);
  return randomFill('normal', 'normal', shape, mean, std, opts);
}

/** Uniform integers in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  checkNumber('randint', 'low', low, INTEGER);
  checkNumber('randint', 'high', high, INTEGER);
  checkCreate('randint', shape, opts, RANDOM_KEYS);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) throw new RangeError(`randint: expected integers low < high, got ${low}, ${high}`);
  const u = randomFill('randint', 'uniform', shape, 0, 1, { dtype: 'float64', generator: opts.generator });
  const t = Tensor.empty(u.shape, opts.dtype ?? 'int32');
  for (let i = 0; i < t.storage.length; i++) t.storage[i] = low + Math.floor(u.storage[i]! * (high - low));
  return finish(t, opts);
}

/** A random permutation of 0..n-1 (int32). */
export function randperm(n: number, opts: { generator?: Generator } = {}): Tensor {
  checkNumber('randperm', 'n', n, NON_NEGATIVE_INTEGER);
  checkCreate('randperm', null, opts, ['generator']);
  const p = (opts.generator ?? defaultGenerator).permutation(n);
  return new Tensor(p, 'int32', [n]);
}

export function randLike(t: Tensor, opts: RandomOptions = {}): Tensor {
  checkTensor('randLike', t);
  checkCreate('randLike', null, opts, RANDOM_KEYS);
  return rand(t.shape, { dtype: t.dtype, ...opts });
}

export function randnLike(t: Tensor, opts: RandomOptions = {}): Tensor {
  checkTensor('randnLike', t);
  checkCreate('randnLike', null, opts, RANDOM_KEYS);
  return randn(t.shape, { dtype: t.dtype, ...opts });
}

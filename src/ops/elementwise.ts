// Elementwise ops with broadcasting. Each op's backward sits right under its forward.
import type { BinaryOp, UnaryOp } from '../backend/kernels.js';
import { Tensor, uninitializedTensor } from '../tensor/tensor.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { broadcastShapes } from '../tensor/shape.js';
import { record } from './record.js';
import { asTensor, broadcastView, kernels, resultDType, type TensorLike } from './util.js';
import { sumTo } from './reduce.js';
import { checkNumber, checkOptions, isPlainObject } from '../util/options.js';

export type ClampOptions = { min?: number | null; max?: number | null };
const CLAMP_KEYS = ['min', 'max'];

// ---- kernels behind the ops (no autograd) ----

function binaryRaw(op: BinaryOp, a: Tensor, b: Tensor, outDType: DType): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = uninitializedTensor(shape, outDType); // the kernels write every element
  kernels().binary(op, broadcastView(a, shape), broadcastView(b, shape), out.storage);
  return out;
}

function unaryRaw(op: UnaryOp, x: Tensor, params?: number[], outDType: DType = x.dtype): Tensor {
  const out = uninitializedTensor(x.shape, outDType);
  kernels().unary(op, x.kernelView(), out.storage, params);
  return out;
}

/** Both operands as tensors of their common dtype. */
function operands(a: TensorLike, b: TensorLike, float = false): [Tensor, Tensor, DType] {
  let dtype = resultDType(a, b);
  if (float && !isFloat(dtype)) dtype = 'float32';
  return [asTensor(a, dtype), asTensor(b, dtype), dtype];
}

/** A float version of x for float-only math (exp of an int tensor is float32, as in PyTorch). */
function floating(x: Tensor): Tensor {
  return isFloat(x.dtype) ? x : x.to('float32');
}

// ---- arithmetic ----

export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = operands(a, b);
  return record(binaryRaw('add', x, y, dt), 'Add', [x, y], (g) => [sumTo(g, x.shape), sumTo(g, y.shape)]);
}

export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = operands(a, b);
  return record(binaryRaw('sub', x, y, dt), 'Sub', [x, y], (g) => [sumTo(g, x.shape), sumTo(neg(g), y.shape)]);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = operands(a, b);
  return record(binaryRaw('mul', x, y, dt), 'Mul', [x, y], (g) => [
    x.requiresGrad ? sumTo(mul(g, y), x.shape) : null,
    y.requiresGrad ? sumTo(mul(g, x), y.shape) : null,
  ]);
}

/** True division: integer operands give float32. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = operands(a, b, true);
  return record(binaryRaw('div', x, y, dt), 'Div', [x, y], (g) => [
    x.requiresGrad ? sumTo(div(g, y), x.shape) : null,
    y.requiresGrad ? sumTo(neg(div(mul(g, x), mul(y, y))), y.shape) : null,
  ]);
}

export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (a instanceof Tensor && typeof b === 'number') return powScalar(a, b);
  const [x, y, dt] = operands(a, b);
  const out = binaryRaw('pow', x, y, dt);
  return record(out, 'Pow', [x, y], (g) => [
    // d/dx x^y = y x^(y-1);  d/dy x^y = x^y ln x (0 where x = 0, as PyTorch)
    x.requiresGrad ? sumTo(mul(g, mul(y, pow(x, sub(y, 1)))), x.shape) : null,
    y.requiresGrad ? sumTo(mul(g, where(eq(x, 0), 0, mul(out, log(x)))), y.shape) : null,
  ]);
}

function powScalar(x: Tensor, p: number): Tensor {
  const xf = Number.isInteger(p) && p >= 0 ? x : floating(x);
  return record(unaryRaw('powScalar', xf, [p]), 'Pow', [xf], (g) => [p === 0 ? mul(g, 0) : mul(g, mul(powScalar(xf, p - 1), p))]);
}

export function neg(x: Tensor): Tensor {
  return record(unaryRaw('neg', x), 'Neg', [x], (g) => [neg(g)]);
}

export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = operands(a, b);
  // ties split the gradient evenly, as PyTorch does
  return record(binaryRaw('maximum', x, y, dt), 'Maximum', [x, y], (g) => {
    const half = mul(g, 0.5);
    return [sumTo(where(gt(x, y), g, where(eq(x, y), half, 0)), x.shape), sumTo(where(lt(x, y), g, where(eq(x, y), half, 0)), y.shape)];
  });
}

export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = operands(a, b);
  return record(binaryRaw('minimum', x, y, dt), 'Minimum', [x, y], (g) => {
    const half = mul(g, 0.5);
    return [sumTo(where(lt(x, y), g, where(eq(x, y), half, 0)), x.shape), sumTo(where(gt(x, y), g, where(eq(x, y), half, 0)), y.shape)];
  });
}

// ---- comparisons and logic (no gradient; bool results) ----

function compare(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(a, b);
  return binaryRaw(op, x, y, 'bool');
}

export const eq = (a: TensorLike, b: TensorLike): Tensor => compare('eq', a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare('lt', a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => compare('le', a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare('ge', a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => compare('logicalAnd', a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => compare('logicalOr', a, b);
export const logicalNot = (x: Tensor): Tensor => unaryRaw('logicalNot', x, undefined, 'bool');

/** cond ? a : b elementwise, with broadcasting over all three. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = operands(a, b);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, x.shape), y.shape);
  const out = uninitializedTensor(shape, dt);
  kernels().where(broadcastView(cond, shape), broadcastView(x, shape), broadcastView(y, shape), out.storage);
  return record(out, 'Where', [x, y], (g) => [
    x.requiresGrad ? sumTo(where(cond, g, 0), x.shape) : null,
    y.requiresGrad ? sumTo(where(cond, 0, g), y.shape) : null,
  ]);
}

// ---- unary math ----

export function exp(x: Tensor): Tensor {
  const xf = floating(x);
  const out = unaryRaw('exp', xf);
  return record(out, 'Exp', [xf], (g) => [mul(g, out)]);
}

export function log(x: Tensor): Tensor {
  const xf = floating(x);
  return record(unaryRaw('log', xf), 'Log', [xf], (g) => [div(g, xf)]);
}

export function sqrt(x: Tensor): Tensor {
  const xf = floating(x);
  const out = unaryRaw('sqrt', xf);
  return record(out, 'Sqrt', [xf], (g) => [div(g, mul(out, 2))]);
}

export function rsqrt(x: Tensor): Tensor {
  const xf = floating(x);
  const out = unaryRaw('rsqrt', xf);
  // d/dx x^-1/2 = -1/2 x^-3/2
  return record(out, 'Rsqrt', [xf], (g) => [mul(g, mul(powScalar(out, 3), -0.5))]);
}

export function square(x: Tensor): Tensor {
  return record(unaryRaw('square', x), 'Square', [x], (g) => [mul(g, mul(x, 2))]);
}

export function reciprocal(x: Tensor): Tensor {
  const xf = floating(x);
  const out = unaryRaw('reciprocal', xf);
  return record(out, 'Reciprocal', [xf], (g) => [neg(mul(g, mul(out, out)))]);
}

export function abs(x: Tensor): Tensor {
  return record(unaryRaw('abs', x), 'Abs', [x], (g) => [mul(g, sign(x))]);
}

export function sign(x: Tensor): Tensor {
  return record(unaryRaw('sign', x), 'Sign', [x], (g) => [mul(g, 0)]);
}

export function sin(x: Tensor): Tensor {
  const xf = floating(x);
  return record(unaryRaw('sin', xf), 'Sin', [xf], (g) => [mul(g, cos(xf))]);
}

export function cos(x: Tensor): Tensor {
  const xf = floating(x);
  return record(unaryRaw('cos', xf), 'Cos', [xf], (g) => [neg(mul(g, sin(xf)))]);
}

export function erf(x: Tensor): Tensor {
  const xf = floating(x);
  // d/dx erf(x) = 2/sqrt(pi) exp(-x^2)
  return record(unaryRaw('erf', xf), 'Erf', [xf], (g) => [mul(g, mul(exp(neg(square(xf))), 2 / Math.sqrt(Math.PI)))]);
}

export function floor(x: Tensor): Tensor {
  return record(unaryRaw('floor', x), 'Floor', [x], (g) => [mul(g, 0)]);
}

export function ceil(x: Tensor): Tensor {
  return record(unaryRaw('ceil', x), 'Ceil', [x], (g) => [mul(g, 0)]);
}

export function round(x: Tensor): Tensor {
  return record(unaryRaw('round', x), 'Round', [x], (g) => [mul(g, 0)]);
}

/**
 * Clamps into [min, max]; pass undefined or null for an open side, or PyTorch's keywords
 * clamp(x, {min, max}). The gradient passes where x is inside.
 */
export function clamp(x: Tensor, bounds?: number | null | ClampOptions, upper?: number | null): Tensor {
  let min: number | undefined, max: number | undefined;
  if (isPlainObject(bounds)) {
    if (upper !== undefined) throw new TypeError('clamp: pass clamp(min, max) or clamp({min, max}), not both');
    checkOptions('clamp', bounds, CLAMP_KEYS);
    min = (bounds as ClampOptions).min ?? undefined;
    max = (bounds as ClampOptions).max ?? undefined;
  } else {
    min = bounds ?? undefined;
    max = upper ?? undefined;
  }
  if (min !== undefined) checkNumber('clamp', 'min', min);
  if (max !== undefined) checkNumber('clamp', 'max', max);
  if (min === undefined && max === undefined) throw new RangeError('clamp: at least one of min and max must be given');
  if (min !== undefined && max !== undefined && min > max) throw new RangeError(`clamp: min ${min} is greater than max ${max}`);
  const out = unaryRaw('clamp', x, [min ?? NaN, max ?? NaN]);
  return record(out, 'Clamp', [x], (g) => {
    let inside = g;
    if (min !== undefined) inside = where(ge(x, min), inside, 0);
    if (max !== undefined) inside = where(le(x, max), inside, 0);
    return [inside];
  });
}

// ---- raw unary access for activations ----

export { unaryRaw, floating };

// The activation functions of the lecture (sigmoid, tanh, ReLU, leaky ReLU, maxout, ELU) and the
// modern ones (GELU, SiLU, softplus). Each backward is written with ops next to its forward (GELU's
// is one fused kernel).
import { Tensor } from '../tensor/tensor.js';
import { normAxis, shapeStr } from '../tensor/shape.js';
import { record } from './record.js';
import { kernels, requireFloat } from './util.js';
import { add, gt, mul, sub, where, unaryRaw, floating, ge } from './elementwise.js';
import { max } from './reduce.js';
import { reshape } from './view.js';

/** σ(x) = 1 / (1 + e^-x) */
export function sigmoid(x: Tensor): Tensor {
  const xf = floating(x);
  const y = unaryRaw('sigmoid', xf);
  return record(y, 'Sigmoid', [xf], (g) => [mul(g, mul(y, sub(1, y)))]);
}

export function tanh(x: Tensor): Tensor {
  const xf = floating(x);
  const y = unaryRaw('tanh', xf);
  return record(y, 'Tanh', [xf], (g) => [mul(g, sub(1, mul(y, y)))]);
}

/** max(0, x) */
export function relu(x: Tensor): Tensor {
  return record(unaryRaw('relu', x), 'Relu', [x], (g) => [where(gt(x, 0), g, 0)]);
}

/** max(slope·x, x); PyTorch's default slope is 0.01, the lecture's 0.1. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return record(unaryRaw('leakyRelu', x, [negativeSlope]), 'LeakyRelu', [x], (g) => [where(ge(x, 0), g, mul(g, negativeSlope))]);
}

/** x for x > 0, α(e^x − 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  const xf = floating(x);
  const y = unaryRaw('elu', xf, [alpha]);
  return record(y, 'Elu', [xf], (g) => [where(gt(xf, 0), g, mul(g, add(y, alpha)))]);
}

/**
 * Maxout: the maximum of `pieces` linear pieces. The features along `dim` are grouped as
 * (units, pieces), so Linear(in, units·pieces) followed by maxout gives max(w1ᵀx+b1, w2ᵀx+b2, …).
 */
export function maxout(x: Tensor, pieces: number, dim = -1): Tensor {
  const d = normAxis('maxout', dim, x.ndim);
  const n = x.shape[d]!;
  if (!Number.isInteger(pieces) || pieces < 1 || n % pieces !== 0) {
    throw new RangeError(`maxout: dimension ${d} of ${shapeStr(x.shape)} has ${n} features, not a multiple of ${pieces} pieces`);
  }
  const grouped = reshape(x, ...x.shape.slice(0, d), n / pieces, pieces, ...x.shape.slice(d + 1));
  return max(grouped, d + 1);
}

/**
 * GELU, exact (erf) or with the tanh approximation used by GPT-2. The backward is one fused kernel
 * (geluBackward: exact Φ(x) + xφ(x), or the tanh form's derivative) instead of the ~15
 * elementwise ops of the composed derivative.
 */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  requireFloat('gelu', x);
  const y = unaryRaw(approximate === 'tanh' ? 'geluTanh' : 'gelu', x);
  return record(y, 'Gelu', [x], (g) => {
    const dx = Tensor.empty(x.shape, x.dtype);
    kernels().geluBackward(x.view_(), g.view_(), { approximate }, dx.storage);
    return [dx];
  });
}

/** x·σ(x) */
export function silu(x: Tensor): Tensor {
  requireFloat('silu', x);
  const y = unaryRaw('silu', x);
  return record(y, 'Silu', [x], (g) => {
    const s = unaryRaw('sigmoid', x);
    return [mul(g, mul(s, add(1, mul(x, sub(1, s)))))];
  });
}

/** log(1 + e^(βx)) / β, linear where βx > threshold (PyTorch's defaults β = 1, threshold = 20). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  requireFloat('softplus', x);
  const y = unaryRaw('softplus', x, [beta, threshold]);
  return record(y, 'Softplus', [x], (g) => [where(gt(mul(x, beta), threshold), g, mul(g, unaryRaw('sigmoid', mul(x, beta))))]);
}

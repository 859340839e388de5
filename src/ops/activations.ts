// The activation functions of the lecture (sigmoid, tanh, ReLU, leaky ReLU, maxout, ELU) and the
// modern ones (GELU, SiLU, softplus). Each backward is written with ops next to its forward (GELU's
// is one fused kernel).
import { type Tensor, uninitializedTensor } from '../tensor/tensor.js';
import { normAxis, shapeStr } from '../tensor/shape.js';
import { record } from './record.js';
import { kernels, requireFloat } from './util.js';
import { add, erf, gt, mul, sub, where, unaryRaw, floating, ge } from './elementwise.js';
import { max } from './reduce.js';
import { reshape } from './view.js';
import { checkNumber, checkOneOf, checkOptions, isPlainObject, numberOption } from '../util/options.js';

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
export function leakyRelu(x: Tensor, negativeSlope: number | { negativeSlope?: number } = 0.01): Tensor {
  negativeSlope = numberOption('leakyRelu', 'negativeSlope', negativeSlope, 0.01); // also PyTorch's keyword form {negativeSlope}
  return record(unaryRaw('leakyRelu', x, [negativeSlope]), 'LeakyRelu', [x], (g) => [where(ge(x, 0), g, mul(g, negativeSlope))]);
}

/** x for x > 0, α(e^x − 1) otherwise. */
export function elu(x: Tensor, alpha: number | { alpha?: number } = 1): Tensor {
  alpha = numberOption('elu', 'alpha', alpha, 1);
  const xf = floating(x);
  const y = unaryRaw('elu', xf, [alpha]);
  return record(y, 'Elu', [xf], (g) => [where(gt(xf, 0), g, mul(g, add(y, alpha)))]);
}

/**
 * Maxout: the maximum of `pieces` linear pieces. The features along `dim` are grouped as
 * (units, pieces), so Linear(in, units·pieces) followed by maxout gives max(w1ᵀx+b1, w2ᵀx+b2, …).
 */
export function maxout(x: Tensor, pieces: number, dim = -1): Tensor {
  checkNumber('maxout', 'pieces', pieces);
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
export function gelu(x: Tensor, approximate: 'none' | 'tanh' | { approximate?: 'none' | 'tanh' } = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') {
    if (isPlainObject(approximate)) {
      // PyTorch's keyword form
      checkOptions('gelu', approximate, ['approximate']);
      approximate = approximate.approximate ?? 'none';
    }
    checkOneOf('gelu', 'approximate', approximate, ['none', 'tanh'] as const);
  }
  requireFloat('gelu', x);
  const y = unaryRaw(approximate === 'tanh' ? 'geluTanh' : 'gelu', x);
  return record(
    y,
    'Gelu',
    [x],
    (g) => {
      const dx = uninitializedTensor(x.shape, x.dtype); // written whole
      kernels().geluBackward(x.kernelView(), g.kernelView(), { approximate }, dx.storage);
      return [dx];
    },
    () => geluComposed(x, approximate as 'none' | 'tanh'),
  );
}

/** GELU written with differentiable ops: what createGraph differentiates instead of the fused backward. */
function geluComposed(x: Tensor, approximate: 'none' | 'tanh'): Tensor {
  // exact: x Φ(x) = 0.5 x (1 + erf(x / √2)); tanh: 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
  const inner = approximate === 'tanh' ? tanh(mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI))) : erf(mul(x, Math.SQRT1_2));
  return mul(mul(x, 0.5), add(inner, 1));
}

/** x·σ(x) */
export function silu(x: Tensor): Tensor {
  requireFloat('silu', x);
  const y = unaryRaw('silu', x);
  return record(y, 'Silu', [x], (g) => {
    const s = sigmoid(x);
    return [mul(g, mul(s, add(1, mul(x, sub(1, s)))))];
  });
}

/** log(1 + e^(βx)) / β, linear where βx > threshold (PyTorch's defaults β = 1, threshold = 20). */
export function softplus(x: Tensor, beta: number | { beta?: number; threshold?: number } = 1, threshold = 20): Tensor {
  if (isPlainObject(beta)) {
    // PyTorch's keyword form {beta, threshold}
    checkOptions('softplus', beta, ['beta', 'threshold']);
    threshold = beta.threshold ?? threshold;
    beta = beta.beta ?? 1;
  }
  checkNumber('softplus', 'beta', beta);
  checkNumber('softplus', 'threshold', threshold);
  requireFloat('softplus', x);
  const y = unaryRaw('softplus', x, [beta, threshold]);
  return record(y, 'Softplus', [x], (g) => [where(gt(mul(x, beta), threshold), g, mul(g, sigmoid(mul(x, beta))))]);
}

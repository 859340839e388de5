// Layer norm (Ba et al.) and RMS norm (Zhang & Sennrich) over the trailing dims, each one kernel
// forward and one fused kernel backward, as torch.nn.functional.layer_norm / rms_norm.
import { Tensor, uninitializedTensor } from '../tensor/tensor.js';
import { numel, sameShape, shapeStr } from '../tensor/shape.js';
import { record } from './record.js';
import { kernels, requireFloat } from './util.js';
import { checkNumber, checkOptions, describe, isPlainObject } from '../util/options.js';
import { add, mul, rsqrt, sub } from './elementwise.js';
import { mean } from './reduce.js';

/** The trailing `count` axes of x. */
function trailingAxes(x: Tensor, count: number): number[] {
  return Array.from({ length: count }, (_, i) => x.ndim - count + i);
}

/** layerNorm written with differentiable ops (what createGraph differentiates). */
function layerNormComposed(x: Tensor, dims: number[], weight: Tensor | null | undefined, bias: Tensor | null | undefined, eps: number): Tensor {
  const centered = sub(x, mean(x, dims, true));
  let y = mul(centered, rsqrt(add(mean(mul(centered, centered), dims, true), eps)));
  if (weight) y = mul(y, weight);
  return bias ? add(y, bias) : y;
}

/** rmsNorm written with differentiable ops. */
function rmsNormComposed(x: Tensor, dims: number[], weight: Tensor | null | undefined, eps: number): Tensor {
  const y = mul(x, rsqrt(add(mean(mul(x, x), dims, true), eps)));
  return weight ? mul(y, weight) : y;
}

function checkParam(op: string, name: string, p: unknown): void {
  if (p !== null && p !== undefined && !(p instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor or null, got ${describe(p)}`);
}

/** (rows, cols) for normalizing x over its trailing `normalizedShape`, with errors naming the op. */
function rowsCols(
  op: string,
  x: Tensor,
  normalizedShape: number | readonly number[],
  params: [string, Tensor | null | undefined][],
): [number, number, number[]] {
  requireFloat(op, x);
  if (typeof normalizedShape !== 'number' && !Array.isArray(normalizedShape))
    throw new TypeError(`${op}: normalizedShape must be a number or a list of numbers, got ${describe(normalizedShape)}`);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  if (!ns.length || ns.some((d) => !Number.isInteger(d) || d < 1))
    throw new RangeError(`${op}: normalizedShape must be positive integers, got ${shapeStr(ns)}`);
  const trailing = x.shape.slice(x.ndim - ns.length);
  if (x.ndim < ns.length || !sameShape(trailing, ns)) {
    throw new RangeError(`${op}: input ${shapeStr(x.shape)} does not end with normalizedShape ${shapeStr(ns)}`);
  }
  for (const [name, p] of params) {
    if (!p) continue;
    if (!sameShape(p.shape, ns)) throw new RangeError(`${op}: ${name} has shape ${shapeStr(p.shape)}, expected normalizedShape ${shapeStr(ns)}`);
    if (p.dtype !== x.dtype) throw new TypeError(`${op}: ${name} is ${p.dtype} but the input is ${x.dtype}; cast one of them`);
  }
  const cols = numel(ns);
  return [cols === 0 ? 0 : x.numel() / cols, cols, ns];
}

/** (x − mean)/√(var + eps)·weight + bias over the trailing normalizedShape (biased variance, as PyTorch). */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight?: Tensor | null | { weight?: Tensor | null; bias?: Tensor | null; eps?: number },
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  if (isPlainObject(weight)) {
    // PyTorch's keyword form layerNorm(x, shape, {weight, bias, eps})
    if (arguments.length > 3) throw new TypeError('layerNorm: pass weight, bias and eps positionally or in one options object, not both');
    checkOptions('layerNorm', weight, ['weight', 'bias', 'eps']);
    const o = weight as { weight?: Tensor | null; bias?: Tensor | null; eps?: number };
    [weight, bias, eps] = [o.weight, o.bias, o.eps ?? eps];
  }
  checkParam('layerNorm', 'weight', weight);
  checkParam('layerNorm', 'bias', bias);
  checkNumber('layerNorm', 'eps', eps);
  const [rows, cols, ns] = rowsCols('layerNorm', x, normalizedShape, [
    ['weight', weight],
    ['bias', bias],
  ]);
  if (!(eps >= 0)) throw new RangeError(`layerNorm: eps must be >= 0, got ${eps}`);
  const xs = x.toTypedArray();
  const w = weight ? weight.toTypedArray() : null,
    b = bias ? bias.toTypedArray() : null;
  const out = uninitializedTensor(x.shape, x.dtype); // out and dx are written whole; dw and db are sums
  const mean = new Float64Array(rows),
    rstd = new Float64Array(rows);
  kernels().layerNorm(xs, rows, cols, w, b, eps, out.storage, mean, rstd);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(
    out,
    'LayerNorm',
    inputs,
    (g) => {
      const dx = uninitializedTensor(x.shape, x.dtype);
      const dw = weight?.requiresGrad ? Tensor.empty(weight.shape, x.dtype) : null;
      const db = bias?.requiresGrad ? Tensor.empty(bias.shape, x.dtype) : null;
      kernels().layerNormBackward(g.toTypedArray(), xs, rows, cols, w, mean, rstd, dx.storage, dw?.storage ?? null, db?.storage ?? null);
      return [dx, ...(weight ? [dw] : []), ...(bias ? [db] : [])];
    },
    () => layerNormComposed(x, trailingAxes(x, ns.length), weight, bias, eps),
  );
}

/** x/√(mean(x²) + eps)·weight over the trailing normalizedShape (LLaMA's norm; eps 1e-6 by default). */
export function rmsNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight?: Tensor | null | { weight?: Tensor | null; eps?: number },
  eps = 1e-6,
): Tensor {
  if (isPlainObject(weight)) {
    // PyTorch's keyword form rmsNorm(x, shape, {weight, eps})
    if (arguments.length > 3) throw new TypeError('rmsNorm: pass weight and eps positionally or in one options object, not both');
    checkOptions('rmsNorm', weight, ['weight', 'eps']);
    const o = weight as { weight?: Tensor | null; eps?: number };
    [weight, eps] = [o.weight, o.eps ?? eps];
  }
  checkParam('rmsNorm', 'weight', weight);
  checkNumber('rmsNorm', 'eps', eps);
  const [rows, cols, ns] = rowsCols('rmsNorm', x, normalizedShape, [['weight', weight]]);
  if (!(eps >= 0)) throw new RangeError(`rmsNorm: eps must be >= 0, got ${eps}`);
  const xs = x.toTypedArray();
  const w = weight ? weight.toTypedArray() : null;
  const out = uninitializedTensor(x.shape, x.dtype);
  const rstd = new Float64Array(rows);
  kernels().rmsNorm(xs, rows, cols, w, eps, out.storage, rstd);
  const inputs = [x, ...(weight ? [weight] : [])];
  return record(
    out,
    'RmsNorm',
    inputs,
    (g) => {
      const dx = uninitializedTensor(x.shape, x.dtype);
      const dw = weight?.requiresGrad ? Tensor.empty(weight.shape, x.dtype) : null;
      kernels().rmsNormBackward(g.toTypedArray(), xs, rows, cols, w, rstd, dx.storage, dw?.storage ?? null);
      return [dx, ...(weight ? [dw] : [])];
    },
    () => rmsNormComposed(x, trailingAxes(x, ns.length), weight, eps),
  );
}

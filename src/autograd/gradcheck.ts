// gradcheck(): compares the gradients backward() computes with central differences, in float64.
// The outputs are projected on a fixed random vector r, so one backward pass (with gradient r)
// and two forward passes per input element check the whole vector-Jacobian product.
import { Tensor } from '../tensor/tensor.js';
import { Generator } from '../tensor/generator.js';
import { shapeStr } from '../tensor/shape.js';
import { backward } from './backward.js';
import { noGrad } from './grad-mode.js';
import { checkNumber, checkOptions, optionKeys } from '../util/options.js';

export type GradcheckOptions = { eps?: number; atol?: number; rtol?: number; seed?: number };

const GRADCHECK_KEYS = optionKeys<GradcheckOptions>({ eps: true, atol: true, rtol: true, seed: true });

function outputsOf(y: Tensor | readonly Tensor[]): Tensor[] {
  return y instanceof Tensor ? [y] : [...y];
}

function project(outs: Tensor[], rs: Float64Array[]): number {
  let s = 0;
  outs.forEach((o, k) => {
    const v = o.toTypedArray();
    const r = rs[k]!;
    for (let i = 0; i < v.length; i++) s += v[i]! * r[i]!;
  });
  return s;
}

/**
 * Checks fn's gradients with respect to every input that requires grad. Inputs must be float64
 * (float32 differences are too coarse to mean anything). Throws an Error naming the input, the
 * element and both values on a mismatch; returns true otherwise.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor | readonly Tensor[], inputs: readonly Tensor[], opts: GradcheckOptions = {}): true {
  if (typeof fn !== 'function') throw new TypeError('gradcheck: fn must be a function of the inputs');
  if (!Array.isArray(inputs)) throw new TypeError('gradcheck: inputs must be an array of Tensors');
  checkOptions('gradcheck', opts, GRADCHECK_KEYS);
  for (const k of GRADCHECK_KEYS) if (opts[k as keyof GradcheckOptions] !== undefined) checkNumber('gradcheck', k, opts[k as keyof GradcheckOptions]);
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-3;
  const checked = inputs.filter((t) => t.requiresGrad);
  if (!checked.length) throw new Error('gradcheck: no input requires grad');
  for (const t of checked) {
    if (t.dtype !== 'float64') throw new TypeError(`gradcheck: inputs must be float64, got ${t.dtype} for an input of shape ${shapeStr(t.shape)}`);
    if (!t.isContiguous() || t.offset !== 0 || !t.isLeaf) throw new Error('gradcheck: inputs must be contiguous leaf tensors');
  }
  const gen = new Generator(opts.seed ?? 1234);
  const outs = outputsOf(fn(...inputs));
  const rs = outs.map((o) => {
    const r = new Float64Array(o.numel());
    for (let i = 0; i < r.length; i++) r[i] = (gen.nextUint32() / 4294967296) * 2 - 1;
    return r;
  });
  for (const t of checked) t.grad = null;
  outs.forEach((o, k) => {
    if (!o.requiresGrad) return;
    backward(o, new Tensor(rs[k]!, 'float64', o.shape));
  });
  for (const [n, t] of checked.entries()) {
    const analytic = t.grad ? t.grad.toTypedArray() : new Float64Array(t.numel());
    const x = t.storage;
    for (let i = 0; i < x.length; i++) {
      const orig = x[i]!;
      x[i] = orig + eps;
      const plus = noGrad(() => project(outputsOf(fn(...inputs)), rs));
      x[i] = orig - eps;
      const minus = noGrad(() => project(outputsOf(fn(...inputs)), rs));
      x[i] = orig;
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[i]!;
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        throw new Error(`gradcheck: input ${n} ${shapeStr(t.shape)}, element ${i}: backward gives ${a}, central differences give ${numeric}`);
      }
    }
  }
  for (const t of checked) t.grad = null;
  return true;
}

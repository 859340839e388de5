// gradcheck(): compares the gradients backward() computes with central differences, in float64.
// The outputs are projected on a fixed random vector r, so one backward pass (with gradient r)
// and two forward passes per input element check the whole vector-Jacobian product.
// gradgradcheck() checks second derivatives the same way, as torch.autograd.gradgradcheck: it runs
// gradcheck on the vector-Jacobian product (x, v) ↦ vᵀ·∂fn/∂x computed by grad() with createGraph.
import { Tensor } from '../tensor/tensor.js';
import { Generator } from '../tensor/generator.js';
import { shapeStr } from '../tensor/shape.js';
import { backward, grad } from './grad.js';
import { enableGrad, noGrad } from './grad-mode.js';
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
  const eps = opts.eps ?? 1e-6,
    atol = opts.atol ?? 1e-5,
    rtol = opts.rtol ?? 1e-3;
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
  // one pass for all outputs: they may share (and free) one graph
  const differentiable = outs.flatMap((o, k) => (o.requiresGrad ? [k] : []));
  if (differentiable.length) {
    backward(
      differentiable.map((k) => outs[k]!),
      { gradTensors: differentiable.map((k) => new Tensor(rs[k]!, 'float64', outs[k]!.shape)) },
    );
  }
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

/**
 * Checks fn's second derivatives: gradcheck of the function (inputs, v) ↦ vᵀ·∂fn/∂inputs (the
 * gradients grad() gives with createGraph, for a fixed random v per output that also requires
 * grad), i.e. that differentiating the backward pass agrees with central differences of it.
 * Same requirements and errors as gradcheck (the inputs after fn's are the v's).
 */
export function gradgradcheck(fn: (...inputs: Tensor[]) => Tensor | readonly Tensor[], inputs: readonly Tensor[], opts: GradcheckOptions = {}): true {
  const checked = inputs.filter((t) => t.requiresGrad);
  if (!checked.length) throw new Error('gradgradcheck: no input requires grad');
  const gen = new Generator((opts.seed ?? 1234) + 1);
  const outs = outputsOf(fn(...inputs)).filter((o) => o.requiresGrad);
  if (!outs.length) throw new Error('gradgradcheck: no output of fn requires grad');
  const vs = outs.map((o) => {
    const v = new Float64Array(o.numel());
    for (let i = 0; i < v.length; i++) v[i] = (gen.nextUint32() / 4294967296) * 2 - 1;
    return new Tensor(v, 'float64', o.shape).requiresGrad_();
  });
  const n = inputs.length;
  // gradcheck perturbs the inputs and re-evaluates this under noGrad: it records its own graph
  const vjp = (...args: Tensor[]): Tensor[] =>
    enableGrad(() => {
      const xs = args.slice(0, n);
      const ys = outputsOf(fn(...xs)).filter((o) => o.requiresGrad);
      return grad(
        ys,
        xs.filter((t) => t.requiresGrad),
        { gradOutputs: args.slice(n), createGraph: true, materializeGrads: true },
      );
    });
  return gradcheck(vjp, [...inputs, ...vs], opts);
}

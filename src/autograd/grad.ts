// autograd.grad(outputs, inputs): the gradients of the outputs with respect to the inputs, returned
// instead of accumulated into .grad (torch.autograd.grad), and autograd.backward() for several
// outputs at once. With createGraph the returned gradients are themselves differentiable: a
// gradient penalty (WGAN-GP's ‖∇ₓD(x)‖) or a Hessian-vector product is a grad() of a grad().
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { backwardAll, checkOptions, rootGradients, runBackward, toList, type BackwardOptions } from './backward.js';

export type GradOptions = {
  /** d(something)/d(output) for each output ("vector" of the vector-Jacobian product); omitted or null for one-element outputs (then 1). */
  gradOutputs?: Tensor | readonly (Tensor | null | undefined)[] | null;
  /** Keep the graph for another pass; default: createGraph. */
  retainGraph?: boolean;
  /** Record the backward pass, so the returned gradients can be differentiated again; default false. */
  createGraph?: boolean;
  /** An input the outputs do not depend on gets null instead of an error; default false. */
  allowUnused?: boolean;
  /** An unused input gets zeros instead of null (implies allowUnused). */
  materializeGrads?: boolean;
};

const GRAD_OPTIONS = ['gradOutputs', 'retainGraph', 'createGraph', 'allowUnused', 'materializeGrads'];

/**
 * The sum over `outputs` of gradOutput · d(output)/d(input), for each of `inputs`, as
 * torch.autograd.grad: no .grad is touched, and only the part of the graph between the outputs and
 * the inputs runs. Inputs may be leaves or intermediate tensors.
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts?: GradOptions & { allowUnused?: false }): Tensor[];
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions & { materializeGrads: true }): Tensor[];
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions): (Tensor | null)[];
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  checkOptions('grad', opts, GRAD_OPTIONS);
  const outs = toList('grad: outputs', outputs);
  const ins = toList('grad: inputs', inputs);
  if (!outs.length) throw new RangeError('grad: outputs must not be empty');
  if (!ins.length) throw new RangeError('grad: inputs must not be empty');
  outs.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error(`grad: output ${i} (shape ${shapeStr(t.shape)}) does not require grad and has no gradFn`);
  });
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error(`grad: input ${i} (shape ${shapeStr(t.shape)}) does not require grad, so it has no gradient`);
  });
  const given =
    opts.gradOutputs === undefined || opts.gradOutputs === null ? null : opts.gradOutputs instanceof Tensor ? [opts.gradOutputs] : [...opts.gradOutputs];
  const createGraph = opts.createGraph ?? false;
  const found = runBackward(outs, rootGradients('grad', outs, given), {
    retainGraph: opts.retainGraph ?? createGraph,
    createGraph,
    targets: new Set(ins),
    intoGrad: false,
    stopAtTargets: false,
  });
  return ins.map((t, i) => {
    const g = found.get(t);
    if (g) return g;
    if (opts.materializeGrads) return Tensor.empty(t.shape, t.dtype);
    if (!opts.allowUnused) {
      throw new Error(`grad: input ${i} (shape ${shapeStr(t.shape)}) was not used in the graph of the outputs; pass {allowUnused: true} to get null for it`);
    }
    return null;
  });
}

export type AutogradBackwardOptions = Omit<BackwardOptions, 'gradient'> & {
  /** One gradient per tensor (null/omitted for one-element tensors). */
  gradTensors?: Tensor | readonly (Tensor | null | undefined)[] | null;
};

/**
 * torch.autograd.backward: accumulates the gradients of several tensors into the leaves' .grad in
 * one pass (so they may share a graph that is freed after it).
 */
export function backward(tensors: Tensor | readonly Tensor[], opts: AutogradBackwardOptions = {}): void {
  checkOptions('autograd.backward', opts, ['gradTensors', 'retainGraph', 'createGraph', 'inputs']);
  const roots = toList('autograd.backward: tensors', tensors);
  if (!roots.length) throw new RangeError('autograd.backward: tensors must not be empty');
  roots.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error(`autograd.backward: tensor ${i} (shape ${shapeStr(t.shape)}) does not require grad and has no gradFn`);
  });
  const given =
    opts.gradTensors === undefined || opts.gradTensors === null ? null : opts.gradTensors instanceof Tensor ? [opts.gradTensors] : [...opts.gradTensors];
  const { gradTensors: _g, ...rest } = opts;
  backwardAll('autograd.backward', roots, given, rest);
}

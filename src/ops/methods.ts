// Installs the ops as Tensor methods (x.add(y), x.sum(1), x.relu(), ...), PyTorch style, so
// src/tensor needs no import of src/ops.
import { Tensor } from '../tensor/tensor.js';
import * as ew from './elementwise.js';
import * as red from './reduce.js';
import * as vw from './view.js';
import * as act from './activations.js';
import * as sm from './softmax.js';
import * as idx from './indexing.js';
import * as jn from './join.js';
import * as inplace from './inplace.js';
import { matmul } from './matmul.js';
import { backward, type BackwardOptions } from '../autograd/backward.js';

const methods = {
  add: ew.add,
  sub: ew.sub,
  mul: ew.mul,
  div: ew.div,
  pow: ew.pow,
  neg: ew.neg,
  exp: ew.exp,
  log: ew.log,
  sqrt: ew.sqrt,
  rsqrt: ew.rsqrt,
  square: ew.square,
  reciprocal: ew.reciprocal,
  abs: ew.abs,
  sign: ew.sign,
  sin: ew.sin,
  cos: ew.cos,
  erf: ew.erf,
  floor: ew.floor,
  ceil: ew.ceil,
  round: ew.round,
  clamp: ew.clamp,
  maximum: ew.maximum,
  minimum: ew.minimum,
  eq: ew.eq,
  ne: ew.ne,
  lt: ew.lt,
  le: ew.le,
  gt: ew.gt,
  ge: ew.ge,
  logicalAnd: ew.logicalAnd,
  logicalOr: ew.logicalOr,
  logicalNot: ew.logicalNot,
  sum: red.sum,
  mean: red.mean,
  prod: red.prod,
  max: red.max,
  min: red.min,
  argmax: red.argmax,
  argmin: red.argmin,
  var: red.variance,
  std: red.std,
  logsumexp: red.logsumexp,
  matmul,
  softmax: sm.softmax,
  logSoftmax: sm.logSoftmax,
  sigmoid: act.sigmoid,
  tanh: act.tanh,
  relu: act.relu,
  leakyRelu: act.leakyRelu,
  elu: act.elu,
  gelu: act.gelu,
  silu: act.silu,
  softplus: act.softplus,
  maxout: act.maxout,
  view: vw.view,
  reshape: vw.reshape,
  flatten: vw.flatten,
  unflatten: vw.unflatten,
  permute: vw.permute,
  transpose: vw.transpose,
  movedim: vw.movedim,
  squeeze: vw.squeeze,
  unsqueeze: vw.unsqueeze,
  expand: vw.expand,
  expandAs: vw.expandAs,
  slice: vw.slice,
  narrow: vw.narrow,
  select: vw.select,
  index: vw.index,
  contiguous: vw.contiguous,
  clone: vw.clone,
  detach: vw.detach,
  to: vw.to,
  gather: idx.gather,
  indexSelect: idx.indexSelect,
  maskedFill: idx.maskedFill,
  split: jn.split,
  chunk: jn.chunk,
  copy_: inplace.copy_,
  fill_: inplace.fill_,
  zero_: inplace.zero_,
  /**
   * Computes gradients of this tensor with respect to the graph's leaves: backward(),
   * backward(gradient), backward({ gradient, retainGraph, createGraph, inputs }), backward(gradient, options).
   */
  backward: (t: Tensor, gradient?: Tensor | BackwardOptions | null, options?: BackwardOptions): void => backward(t, gradient, options),
  /** The 2-D transpose. */
  t: (t: Tensor): Tensor => vw.transpose(t, 0, 1),
  float: (t: Tensor): Tensor => vw.to(t, 'float32'),
  double: (t: Tensor): Tensor => vw.to(t, 'float64'),
  int: (t: Tensor): Tensor => vw.to(t, 'int32'),
  bool: (t: Tensor): Tensor => vw.to(t, 'bool'),
};

type Method<F> = F extends (x: Tensor, ...args: infer A) => infer R ? (...args: A) => R : never;
type TensorMethods = { [K in keyof typeof methods]: Method<(typeof methods)[K]> };

declare module '../tensor/tensor.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface Tensor extends TensorMethods {}
}

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]) {
      return (fn as (t: Tensor, ...a: unknown[]) => unknown)(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}

// The native kernel table: each kernel writes its views into the metadata buffer and calls the
// addon; tiny tensors (NATIVE_THRESHOLDS), more than 16 dimensions, and dtype combinations the
// addon has no loop for (it returns false) run the js kernel instead. The CNN kernels live in
// cnn.ts and the transformer kernels in transformer.ts; kernels not implemented natively (the
// random normal fill, whose stream must match js bit for bit) are the js ones.
import type { Activation, BinaryOp, Kernels, ReduceOp, UnaryOp, View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type { NativeAddon } from './addon.js';
import { MetaWriter } from './meta.js';
import { NATIVE_THRESHOLDS as T } from './thresholds.js';
import { createNativeCnnKernels } from './cnn.js';
import { createNativeTransformerKernels } from './transformer.js';
import { createNativeRnnKernels } from './rnn.js';

const MAX_DIMS = 16;

/** Unary ops whose js version calls into Math's transcendental functions. */
const COSTLY_UNARY = new Set<UnaryOp>(['exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'erf', 'softplus', 'silu', 'gelu', 'geluTanh', 'elu', 'powScalar']);

function numel(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

function codes<K extends string>(names: readonly string[]): Record<K, number> {
  const map = Object.create(null) as Record<K, number>;
  names.forEach((name, i) => {
    map[name as K] = i;
  });
  return map;
}

export function createNativeKernels(addon: NativeAddon, js: Kernels): Kernels {
  const meta = new MetaWriter();
  const lists = addon.init(meta.buffer);
  const unaryCode = codes<UnaryOp>(lists.unaryOps);
  const binaryCode = codes<BinaryOp>(lists.binaryOps);
  const reduceCode = codes<ReduceOp>(lists.reduceOps);
  const activationCode = codes<Activation>(lists.activations);

  return {
    ...js,
    // convolution, pooling, batch norm: native/src/cnn.cc
    ...createNativeCnnKernels(addon, js),
    // layer/RMS norm, embedding, GELU backward, attention: native/src/transformer.cc
    ...createNativeTransformerKernels(addon, js),
    ...createNativeRnnKernels(addon, js),

    unary(op: UnaryOp, x: View, out: TypedArray, params: readonly number[] = []): void {
      const code = unaryCode[op];
      const n = numel(x.shape);
      if (code === undefined || n < (COSTLY_UNARY.has(op) ? T.elementwiseCostly : T.elementwise) || x.shape.length > MAX_DIMS) {
        js.unary(op, x, out, params);
        return;
      }
      let p0 = params[0] ?? 0,
        p1 = params[1] ?? 0;
      if (op === 'softplus') {
        p0 = params[0] ?? 1;
        p1 = params[1] ?? 20;
      }
      meta.reset().view(x);
      if (!addon.unary(code, x.data, out, p0, p1)) js.unary(op, x, out, params);
    },

    binary(op: BinaryOp, a: View, b: View, out: TypedArray): void {
      const code = binaryCode[op];
      if (code === undefined || numel(a.shape) < T.elementwise || a.shape.length > MAX_DIMS) {
        js.binary(op, a, b, out);
        return;
      }
      meta.reset().view(a).view(b);
      if (!addon.binary(code, a.data, b.data, out)) js.binary(op, a, b, out);
    },

    where(cond: View, a: View, b: View, out: TypedArray): void {
      if (numel(cond.shape) < T.elementwise || cond.shape.length > MAX_DIMS) {
        js.where(cond, a, b, out);
        return;
      }
      meta.reset().view(cond).view(a).view(b);
      if (!addon.where(cond.data, a.data, b.data, out)) js.where(cond, a, b, out);
    },

    reduce(op: ReduceOp, x: View, axes: readonly number[], out: TypedArray): void {
      const code = reduceCode[op];
      if (code === undefined || numel(x.shape) < T.reduce || x.shape.length > MAX_DIMS) {
        js.reduce(op, x, axes, out);
        return;
      }
      meta.reset().view(x).list(axes);
      if (!addon.reduce(code, x.data, out)) js.reduce(op, x, axes, out);
    },

    matmul(a: View, b: View, out: TypedArray): void {
      if (a.shape[2]! * b.shape[2]! < T.matmul) {
        js.matmul(a, b, out);
        return;
      }
      meta.reset().view(a).view(b);
      if (!addon.matmul(a.data, b.data, out)) js.matmul(a, b, out);
    },

    softmax(x, p, out): void {
      if (p.rows * p.cols < T.rows || !addon.softmax(x, out, p.rows, p.cols, p.log)) js.softmax(x, p, out);
    },

    gather(x, index, p, out): void {
      if (numel(index.shape) < T.gather || x.shape.length > MAX_DIMS) {
        js.gather(x, index, p, out);
        return;
      }
      meta.reset().view(x).view(index);
      if (!addon.gather(x.data, index.data, out, p.axis)) js.gather(x, index, p, out);
    },

    scatterAdd(index, src, p, out): void {
      if (numel(index.shape) < T.gather || p.outShape.length > MAX_DIMS) {
        js.scatterAdd(index, src, p, out);
        return;
      }
      meta.reset().list(p.outShape).view(index).view(src);
      if (!addon.scatterAdd(out, index.data, src.data, p.axis)) js.scatterAdd(index, src, p, out);
    },

    copy(src: View, dst: View): void {
      if (numel(src.shape) < T.elementwise || src.shape.length > MAX_DIMS) {
        js.copy(src, dst);
        return;
      }
      meta.reset().view(src).view(dst);
      if (!addon.copy(src.data, dst.data)) js.copy(src, dst);
    },

    randomUniform(p, out): void {
      if (out.length < T.random || !addon.randomUniform(out, p.low, p.high, p.seed, p.offset)) js.randomUniform(p, out);
    },

    dropoutMask(p, out): void {
      if (out.length < T.random || !addon.dropoutMask(out, p.keep, p.scale, p.seed, p.offset)) js.dropoutMask(p, out);
    },

    // randomNormal stays on js: its sin/cos/log are V8's, and the stream must match bit for bit.

    adamStep(param, grad, m, v, vMax, p): void {
      if (
        param.length < T.optimizer ||
        !addon.adamStep(param, grad, m, v, vMax, p.lr, p.beta1, p.beta2, p.eps, p.weightDecay, p.step, p.decoupled, p.amsgrad)
      ) {
        js.adamStep(param, grad, m, v, vMax, p);
      }
    },

    sgdStep(param, grad, buf, p): void {
      if (param.length < T.optimizer || !addon.sgdStep(param, grad, buf, p.lr, p.momentum, p.dampening, p.weightDecay, p.nesterov, p.firstStep)) {
        js.sgdStep(param, grad, buf, p);
      }
    },

    rmspropStep(param, grad, squareAvg, gradAvg, buf, p): void {
      if (param.length < T.optimizer || !addon.rmspropStep(param, grad, squareAvg, gradAvg, buf, p.lr, p.alpha, p.eps, p.weightDecay, p.momentum, p.centered)) {
        js.rmspropStep(param, grad, squareAvg, gradAvg, buf, p);
      }
    },

    crossEntropyForward(logits, target, rows, cols, ignoreIndex, losses, lse): void {
      if (rows * cols < T.rows) {
        js.crossEntropyForward(logits, target, rows, cols, ignoreIndex, losses, lse);
        return;
      }
      const r = addon.crossEntropyForward(logits, target, losses, lse, rows, cols, ignoreIndex);
      if (r === false) js.crossEntropyForward(logits, target, rows, cols, ignoreIndex, losses, lse);
      else if (r >= 0) throw new RangeError(`crossEntropy: target ${target[r]} at position ${r} is out of range for ${cols} classes`);
    },

    crossEntropyBackward(logits, target, lse, scale, rows, cols, ignoreIndex, grad): void {
      if (rows * cols < T.rows || !addon.crossEntropyBackward(logits, target, lse, scale, grad, rows, cols, ignoreIndex)) {
        js.crossEntropyBackward(logits, target, lse, scale, rows, cols, ignoreIndex, grad);
      }
    },

    biasActivation(x, bias, p, out): void {
      const code = activationCode[p.activation];
      if (code === undefined || p.rows * p.cols < T.rows || !addon.biasActivation(x, bias, out, p.rows, p.cols, code)) {
        js.biasActivation(x, bias, p, out);
      }
    },
  };
}

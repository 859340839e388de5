// Batch normalization as torch.nn.functional.batch_norm, on the fused kernels: (N, C) or (N, C, *)
// input, per-channel statistics over every other axis. In training the batch statistics are used
// and folded into the running ones (in place); in eval the running ones are used.
import { Tensor } from '../tensor/tensor.js';
import { isFloat } from '../tensor/dtype.js';
import { numel, shapeStr } from '../tensor/shape.js';
import type { View } from '../backend/kernels.js';
import { record } from './record.js';
import { kernels } from './util.js';
import { contiguous, reshape } from './view.js';
import { add, mul, rsqrt, sub } from './elementwise.js';
import { mean } from './reduce.js';
import { checkBoolean, checkNumber, describe, optionKeys, positionalOptions } from '../util/options.js';

export type BatchNormOptions = {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Use (and update) the batch statistics (default false, as torch's functional form). */
  training?: boolean;
  /** Default 0.1: running = 0.9·running + 0.1·batch. */
  momentum?: number;
  /** Default 1e-5. */
  eps?: number;
};

const BATCH_NORM_KEYS = optionKeys<BatchNormOptions>({ weight: true, bias: true, training: true, momentum: true, eps: true });
/** torch.nn.functional.batch_norm's positional order after the running statistics. */
const BATCH_NORM_POSITIONAL = ['weight', 'bias', 'training', 'momentum', 'eps'];

function checkTensorOrNull(op: string, name: string, t: unknown): void {
  if (t !== null && t !== undefined && !(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor or null, got ${describe(t)}`);
}

/** x as an (N, C, S) view: its own strides when the trailing axes collapse into one, else a contiguous copy. */
function asNCS(x: Tensor): View {
  const [N, C] = [x.shape[0]!, x.shape[1]!];
  const S = numel(x.shape.slice(2));
  let ss = 1,
    expected = -1,
    collapses = true;
  for (let d = x.ndim - 1; d >= 2; d--) {
    if (x.shape[d] === 1) continue;
    if (expected < 0) {
      ss = x.strides[d]!;
      expected = ss * x.shape[d]!;
    } else if (x.strides[d] !== expected) collapses = false;
    else expected *= x.shape[d]!;
  }
  if (collapses) return { data: x.storage, dtype: x.dtype, offset: x.offset, shape: [N, C, S], strides: [x.strides[0]!, x.strides[1]!, ss] };
  const c = contiguous(x);
  return { data: c.storage, dtype: c.dtype, offset: c.offset, shape: [N, C, S], strides: [C * S, S, 1] };
}

/** The storage of a contiguous (C,) running-statistics buffer, to update in place. */
function bufferArray(op: string, name: string, t: Tensor | null, C: number, dtype: string) {
  if (!t) return null;
  if (t.ndim !== 1 || t.shape[0] !== C) throw new RangeError(`${op}: ${name} must have shape (${C},), got ${shapeStr(t.shape)}`);
  if (t.dtype !== dtype) throw new TypeError(`${op}: ${name} is ${t.dtype} but the input is ${dtype}`);
  if (!t.isContiguous()) throw new Error(`${op}: ${name} must be contiguous (it is updated in place)`);
  return t.storage.subarray(t.offset, t.offset + C);
}

/**
 * Normalizes x (N, C, *) per channel: (x − mean)/√(var + eps)·weight + bias. runningMean /
 * runningVar (C,) may be null (then training must be true: the batch statistics are always used).
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  opts: BatchNormOptions | Tensor | null = {},
  ...rest: [bias?: Tensor | null, training?: boolean, momentum?: number, eps?: number]
): Tensor {
  const op = 'batchNorm';
  opts = positionalOptions<BatchNormOptions>(op, opts, rest, BATCH_NORM_POSITIONAL, BATCH_NORM_KEYS); // or F.batch_norm's positional form
  checkTensorOrNull(op, 'runningMean', runningMean);
  checkTensorOrNull(op, 'runningVar', runningVar);
  checkTensorOrNull(op, 'weight', opts.weight);
  checkTensorOrNull(op, 'bias', opts.bias);
  if (opts.training !== undefined) checkBoolean(op, 'training', opts.training);
  if (opts.momentum !== undefined) checkNumber(op, 'momentum', opts.momentum);
  if (opts.eps !== undefined) checkNumber(op, 'eps', opts.eps);
  if (!isFloat(x.dtype)) throw new TypeError(`${op}: expected a floating point input, got ${x.dtype}`);
  if (x.ndim < 2) throw new RangeError(`${op}: expected input (N, C) or (N, C, *), got ${shapeStr(x.shape)}`);
  const training = opts.training ?? false;
  const momentum = opts.momentum ?? 0.1,
    eps = opts.eps ?? 1e-5;
  if (!(eps > 0)) throw new RangeError(`${op}: eps must be positive, got ${eps}`);
  if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`${op}: momentum must be in [0, 1], got ${momentum}`);
  const C = x.shape[1]!;
  if (!training && (!runningMean || !runningVar))
    throw new Error(`${op}: eval mode needs runningMean and runningVar (or pass training: true to use the batch statistics)`);
  const weight = opts.weight ?? null,
    bias = opts.bias ?? null;
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== C))
      throw new RangeError(`${op}: ${name} must have shape (${C},) for input ${shapeStr(x.shape)}, got ${shapeStr(t.shape)}`);
    if (t && t.dtype !== x.dtype) throw new TypeError(`${op}: ${name} is ${t.dtype} but the input is ${x.dtype}`);
  }
  const M = numel(x.shape) / Math.max(C, 1);
  if (training && M <= 1) throw new RangeError(`${op}: expected more than 1 value per channel when training, got input of shape ${shapeStr(x.shape)}`);
  const rm = bufferArray(op, 'runningMean', runningMean, C, x.dtype),
    rv = bufferArray(op, 'runningVar', runningVar, C, x.dtype);
  const xv = asNCS(x);
  const out = Tensor.empty(x.shape, x.dtype);
  const saveMean = Tensor.empty([C], x.dtype),
    saveInvStd = Tensor.empty([C], x.dtype);
  kernels().batchNorm(
    xv,
    weight ? weight.kernelView() : null,
    bias ? bias.kernelView() : null,
    rm,
    rv,
    { training, momentum, eps },
    out.storage,
    saveMean.storage,
    saveInvStd.storage,
  );
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(
    out,
    'BatchNorm',
    inputs,
    (g) => {
      const gv = asNCS(g);
      const dx = x.requiresGrad ? Tensor.empty(x.shape, x.dtype) : null;
      const dw = weight?.requiresGrad ? Tensor.empty([C], x.dtype) : null;
      const db = bias?.requiresGrad ? Tensor.empty([C], x.dtype) : null;
      kernels().batchNormBackward(
        gv,
        xv,
        weight ? weight.kernelView() : null,
        saveMean.storage,
        saveInvStd.storage,
        training,
        dx ? dx.storage : null,
        dw ? dw.storage : null,
        db ? db.storage : null,
      );
      return [dx, ...(weight ? [dw] : []), ...(bias ? [db] : [])];
    },
    () => {
      // the same normalization with differentiable ops; eval mode's statistics are constants
      const perChannel = (t: Tensor) => reshape(t, 1, C, ...x.shape.slice(2).map(() => 1));
      let xhat: Tensor;
      if (training) {
        const dims = [0, ...x.shape.slice(2).map((_, i) => i + 2)];
        const centered = sub(x, mean(x, dims, true));
        xhat = mul(centered, rsqrt(add(mean(mul(centered, centered), dims, true), eps)));
      } else xhat = mul(sub(x, perChannel(saveMean)), perChannel(saveInvStd));
      if (weight) xhat = mul(xhat, perChannel(weight));
      return bias ? add(xhat, perChannel(bias)) : xhat;
    },
  );
}

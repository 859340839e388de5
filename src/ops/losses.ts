// Loss functions J(θ): regression (MSE, L1), classification (cross-entropy, NLL, BCE). Reductions
// 'mean' | 'sum' | 'none' as in PyTorch.
import { Tensor, uninitializedTensor } from '../tensor/tensor.js';
import { sameShape, shapeStr } from '../tensor/shape.js';
import { kernels, requireDType, requireFloat } from './util.js';
import { record } from './record.js';
import { scalar } from '../tensor/creation.js';
import { abs, add, clamp, exp, log, mul, neg, sub, where, ne, maximum } from './elementwise.js';
import { mean, sum } from './reduce.js';
import { logSoftmax } from './softmax.js';
import { gather, indexSelect } from './indexing.js';
import { movedim, reshape, unsqueeze, squeeze } from './view.js';
import { checkNumber, checkOneOf, checkOptions, describe, isPlainObject } from '../util/options.js';

export type Reduction = 'mean' | 'sum' | 'none';
const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];
const REDUCTION_KEYS = ['reduction'];
const NLL_KEYS = ['ignoreIndex', 'reduction', 'weight'];
const CROSS_ENTROPY_KEYS = ['ignoreIndex', 'reduction', 'weight', 'labelSmoothing'];

/** A reduction argument: 'mean' | 'sum' | 'none', or PyTorch's keyword form {reduction, ...allowed}. */
function reductionArg(op: string, r: unknown): Reduction {
  if (r === 'mean' || r === 'sum' || r === 'none') return r;
  if (isPlainObject(r)) {
    checkOptions(op, r, REDUCTION_KEYS);
    r = r.reduction ?? 'mean';
  }
  checkOneOf(op, 'reduction', r, REDUCTIONS);
  return r;
}

function checkWeight(op: string, name: string, w: unknown): void {
  if (w !== undefined && w !== null && !(w instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(w)}`);
}

/** Checks the options of nllLoss / crossEntropy. */
function checkNllOptions(op: string, opts: CrossEntropyOptions, allowed: readonly string[]): void {
  checkOptions(op, opts, allowed);
  if (opts.reduction !== undefined) checkOneOf(op, 'reduction', opts.reduction, REDUCTIONS);
  if (opts.ignoreIndex !== undefined) checkNumber(op, 'ignoreIndex', opts.ignoreIndex);
  if (opts.labelSmoothing !== undefined) checkNumber(op, 'labelSmoothing', opts.labelSmoothing);
  checkWeight(op, 'weight', opts.weight);
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return mean(loss);
  if (reduction === 'sum') return sum(loss);
  return loss;
}

function checkPair(op: string, input: Tensor, target: Tensor): void {
  requireFloat(op, input);
  if (!sameShape(input.shape, target.shape)) {
    throw new RangeError(`${op}: input ${shapeStr(input.shape)} and target ${shapeStr(target.shape)} must have the same shape`);
  }
}

/** Mean squared error. */
export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction | { reduction?: Reduction } = 'mean'): Tensor {
  reduction = reductionArg('mseLoss', reduction);
  checkPair('mseLoss', input, target);
  const d = sub(input, target);
  return reduce(mul(d, d), reduction);
}

/** Mean absolute error. */
export function l1Loss(input: Tensor, target: Tensor, reduction: Reduction | { reduction?: Reduction } = 'mean'): Tensor {
  reduction = reductionArg('l1Loss', reduction);
  checkPair('l1Loss', input, target);
  return reduce(abs(sub(input, target)), reduction);
}

export type NllOptions = { ignoreIndex?: number; reduction?: Reduction; weight?: Tensor };

/** Moves the class dim (1) last and flattens: (N, C, d1, ...) -> (N·d1·..., C), target -> (N·d1·...). */
function flattenClasses(op: string, input: Tensor, target: Tensor): [Tensor, Tensor] {
  if (input.ndim < 1) throw new RangeError(`${op}: input must have a class dimension, got ${shapeStr(input.shape)}`);
  requireDType(op, target, ['int32'], 'target (class indices)');
  if (input.ndim === 1) return [unsqueeze(input, 0), reshape(target, 1)];
  const expected = [input.shape[0]!, ...input.shape.slice(2)];
  if (!sameShape(expected, target.shape)) {
    throw new RangeError(`${op}: input ${shapeStr(input.shape)} (N, C, ...) needs a target of shape ${shapeStr(expected)}, got ${shapeStr(target.shape)}`);
  }
  const c = input.shape[1]!;
  const moved = input.ndim > 2 ? movedim(input, 1, -1) : input;
  return [reshape(moved, -1, c), reshape(target, -1)];
}

/** Negative log-likelihood of log-probabilities (N, C, ...) for int32 class targets (N, ...). */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: NllOptions = {}): Tensor {
  checkNllOptions('nllLoss', opts, NLL_KEYS);
  requireFloat('nllLoss', logProbs);
  const [lp, t] = flattenClasses('nllLoss', logProbs, target);
  return nllFlat(lp, t, logProbs, target, opts);
}

function nllFlat(lp: Tensor, t: Tensor, input: Tensor, target: Tensor, opts: NllOptions, smoothing = 0): Tensor {
  const reduction = opts.reduction ?? 'mean';
  const c = lp.shape[1]!;
  const ignore = opts.ignoreIndex ?? -100;
  const flat = t.toTypedArray();
  for (let i = 0; i < flat.length; i++) {
    const k = flat[i]!;
    if (k !== ignore && (k < 0 || k >= c)) throw new RangeError(`crossEntropy/nllLoss: target ${k} at position ${i} is out of range for ${c} classes`);
  }
  if (opts.weight && (opts.weight.ndim !== 1 || opts.weight.shape[0] !== c)) {
    throw new RangeError(`crossEntropy/nllLoss: weight must have shape (${c},), got ${shapeStr(opts.weight.shape)}`);
  }
  const weight = opts.weight?.to(lp.dtype);
  const keep = ne(t, ignore); // (M,)
  const safe = where(keep, t, 0).to('int32');
  const w = weight ? indexSelect(weight, 0, safe) : null; // (M,) weight of each target class
  let loss = neg(squeeze(gather(lp, 1, unsqueeze(safe, 1)), 1)); // (M,)
  if (w) loss = mul(loss, w);
  if (smoothing > 0) {
    // PyTorch: (1−ε)·nll + ε/C · Σ_c w_c·(−log p_c)
    const smooth = neg(sum(weight ? mul(lp, weight) : lp, 1));
    loss = add(mul(loss, 1 - smoothing), mul(smooth, smoothing / c));
  }
  loss = where(keep, loss, 0);
  if (reduction === 'mean') {
    const denom = w ? sum(where(keep, w, 0)) : sum(keep.to(lp.dtype));
    return sum(loss).div(denom);
  }
  if (reduction === 'sum') return sum(loss);
  return input.ndim === 1 ? reshape(loss) : reshape(loss, ...target.shape);
}

export type CrossEntropyOptions = NllOptions & { labelSmoothing?: number };

/** Cross-entropy of logits (N, C, ...) against int32 class indices (N, ...): logSoftmax + NLL. */
export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  checkNllOptions('crossEntropy', opts, CROSS_ENTROPY_KEYS);
  requireFloat('crossEntropy', logits);
  const smoothing = opts.labelSmoothing ?? 0;
  if (smoothing < 0 || smoothing > 1) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1], got ${smoothing}`);
  const [x, t] = flattenClasses('crossEntropy', logits, target);
  if (smoothing === 0 && !opts.weight) return crossEntropyFused(x, t, logits, target, opts.reduction ?? 'mean', opts.ignoreIndex ?? -100);
  return nllFlat(logSoftmax(x, 1), t, logits, target, opts, smoothing);
}

/** Cross-entropy of (M, C) logits as one node on the fused log-softmax + NLL kernels. */
function crossEntropyFused(x: Tensor, t: Tensor, input: Tensor, target: Tensor, reduction: Reduction, ignore: number): Tensor {
  const [rows, cols] = x.shape as [number, number];
  const xs = x.toTypedArray();
  const ts = t.toTypedArray() as Int32Array;
  const losses = Tensor.empty([rows], x.dtype);
  const lse = Tensor.empty([rows], x.dtype).storage;
  const k = kernels();
  k.crossEntropyForward(xs, ts, rows, cols, ignore, losses.storage, lse);
  let count = 0,
    total = 0;
  for (let r = 0; r < rows; r++)
    if (ts[r] !== ignore) {
      count++;
      total += losses.storage[r]!;
    }
  const out =
    reduction === 'none'
      ? input.ndim === 1
        ? reshape(losses)
        : reshape(losses, ...target.shape)
      : scalar(reduction === 'mean' ? total / count : total, x.dtype);
  return record(
    out,
    'CrossEntropy',
    [x],
    (g) => {
      const scale = Tensor.empty([rows], x.dtype).storage;
      if (reduction === 'none') scale.set(g.toTypedArray());
      else scale.fill(reduction === 'mean' ? g.item() / count : g.item());
      const grad = uninitializedTensor([rows, cols], x.dtype); // written whole (zeros on ignored rows)
      k.crossEntropyBackward(xs, ts, lse, scale, rows, cols, ignore, grad.storage);
      return [grad];
    },
    () => nllFlat(logSoftmax(x, 1), t, input, target, { reduction, ignoreIndex: ignore }),
  );
}

/** Binary cross-entropy of probabilities; logs are clamped at −100 as in PyTorch. */
export function bceLoss(input: Tensor, target: Tensor, reduction: Reduction | { reduction?: Reduction; weight?: Tensor } = 'mean', weight?: Tensor): Tensor {
  if (isPlainObject(reduction)) {
    // PyTorch's keyword form {weight, reduction}
    if (weight !== undefined) throw new TypeError('bceLoss: pass the weight either positionally or in the options object, not both');
    checkOptions('bceLoss', reduction, ['reduction', 'weight']);
    weight = reduction.weight as Tensor | undefined;
    reduction = (reduction.reduction ?? 'mean') as Reduction;
  }
  reduction = reductionArg('bceLoss', reduction);
  checkWeight('bceLoss', 'weight', weight);
  checkPair('bceLoss', input, target);
  const data = input.toTypedArray();
  for (let i = 0; i < data.length; i++) {
    const p = data[i]!;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bceLoss: input must be probabilities in [0, 1], found ${p} at position ${i} (use bceWithLogits for logits)`);
  }
  const logP = clamp(log(input), -100);
  const log1mP = clamp(log(sub(1, input)), -100);
  let loss = neg(add(mul(target, logP), mul(sub(1, target), log1mP)));
  if (weight) loss = mul(loss, weight);
  return reduce(loss, reduction);
}

/** Binary cross-entropy on logits, stable: max(x,0) − x·y + log(1 + e^−|x|). */
export function bceWithLogits(
  logits: Tensor,
  target: Tensor,
  reduction: Reduction | { reduction?: Reduction; weight?: Tensor; posWeight?: Tensor } = 'mean',
  opts: { weight?: Tensor; posWeight?: Tensor } = {},
): Tensor {
  if (isPlainObject(reduction)) {
    // PyTorch's keyword form {weight, posWeight, reduction}
    if (arguments.length > 3) throw new TypeError('bceWithLogits: pass all options in the one object after the target');
    checkOptions('bceWithLogits', reduction, ['reduction', 'weight', 'posWeight']);
    opts = { weight: reduction.weight as Tensor | undefined, posWeight: reduction.posWeight as Tensor | undefined };
    reduction = (reduction.reduction ?? 'mean') as Reduction;
  }
  reduction = reductionArg('bceWithLogits', reduction);
  checkOptions('bceWithLogits', opts, ['weight', 'posWeight']);
  checkWeight('bceWithLogits', 'weight', opts.weight);
  checkWeight('bceWithLogits', 'posWeight', opts.posWeight);
  checkPair('bceWithLogits', logits, target);
  const x = logits;
  const softplusNegAbs = log(add(exp(neg(abs(x))), 1));
  let loss: Tensor;
  if (opts.posWeight) {
    // (1 − y)·x + (1 + (pw − 1)·y)·(log(1 + e^−|x|) + max(−x, 0))
    const lw = add(mul(sub(opts.posWeight, 1), target), 1);
    loss = add(mul(sub(1, target), x), mul(lw, add(softplusNegAbs, maximum(neg(x), 0))));
  } else {
    loss = add(sub(maximum(x, 0), mul(x, target)), softplusNegAbs);
  }
  if (opts.weight) loss = mul(loss, opts.weight);
  return reduce(loss, reduction);
}

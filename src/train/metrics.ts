// Metrics reported next to the loss: accuracy for classifiers (from logits), MSE and MAE for
// regression. Each returns the mean over the batch; fit() averages batches weighted by their size.
import type { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import '../ops/index.js';

export type Metric = {
  /** The key in History and logs: 'accuracy' is reported as trainAccuracy / valAccuracy. */
  name: string;
  /** Mean of the metric over the batch. */
  compute(pred: Tensor, target: Tensor): number;
};

export type MetricName = 'accuracy' | 'mse' | 'mae';

/** The predicted class of each row: argmax of (N, C) logits, or logit > 0 for a single logit. */
export function predictedClasses(logits: Tensor): Int32Array {
  if (logits.ndim === 2 && logits.shape[1]! > 1) return logits.argmax(1).toTypedArray() as Int32Array;
  if (logits.ndim === 1 || (logits.ndim === 2 && logits.shape[1] === 1)) {
    const v = logits.toTypedArray();
    const out = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = v[i]! > 0 ? 1 : 0;
    return out;
  }
  throw new RangeError(`accuracy: expected logits of shape (N, C) or (N,) / (N, 1), got ${shapeStr(logits.shape)}`);
}

/** Fraction of rows whose predicted class equals the target (int32 classes, or 0/1 floats for one logit). */
export function accuracy(logits: Tensor, target: Tensor): number {
  const pred = predictedClasses(logits);
  const t = target.toTypedArray();
  if (t.length !== pred.length) {
    throw new RangeError(`accuracy: ${pred.length} predictions (logits ${shapeStr(logits.shape)}) but ${t.length} targets (${shapeStr(target.shape)})`);
  }
  if (pred.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === Math.round(t[i]!)) hits++;
  return hits / pred.length;
}

function elementwiseMean(name: string, pred: Tensor, target: Tensor, f: (d: number) => number): number {
  if (pred.numel() !== target.numel()) {
    throw new RangeError(`${name}: prediction ${shapeStr(pred.shape)} and target ${shapeStr(target.shape)} have different sizes`);
  }
  const p = pred.toTypedArray(),
    t = target.toTypedArray();
  let s = 0;
  for (let i = 0; i < p.length; i++) s += f(p[i]! - t[i]!);
  return p.length ? s / p.length : NaN;
}

/** Mean squared error, computed in float64. */
export function meanSquaredError(pred: Tensor, target: Tensor): number {
  return noGrad(() => elementwiseMean('mse', pred, target, (d) => d * d));
}

/** Mean absolute error, computed in float64. */
export function meanAbsoluteError(pred: Tensor, target: Tensor): number {
  return noGrad(() => elementwiseMean('mae', pred, target, Math.abs));
}

const builtins: Record<MetricName, Metric> = {
  accuracy: { name: 'accuracy', compute: accuracy },
  mse: { name: 'mse', compute: meanSquaredError },
  mae: { name: 'mae', compute: meanAbsoluteError },
};

export const METRIC_NAMES: readonly MetricName[] = ['accuracy', 'mse', 'mae'];

/** A metric from its name, or the metric itself. */
export function resolveMetric(m: MetricName | Metric): Metric {
  if (typeof m !== 'string') return m;
  const found = builtins[m];
  if (!found) throw new RangeError(`fit: unknown metric '${String(m)}', expected one of ${METRIC_NAMES.join(', ')} or a {name, compute} object`);
  return found;
}

/** 'accuracy' -> 'trainAccuracy' / 'valAccuracy'. */
export function metricKey(prefix: 'train' | 'val', name: string): string {
  return prefix + name[0]!.toUpperCase() + name.slice(1);
}

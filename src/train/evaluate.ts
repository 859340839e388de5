// evaluate() and predict(): a pass over data in eval mode without recording the graph, as Keras'
// model.evaluate / model.predict or a PyTorch `with torch.no_grad()` loop.
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { cat } from '../ops/index.js';
import { batchSource, unpackBatch, type FitData } from './batches.js';
import { resolveLoss, type LossFn, type LossName } from './losses.js';
import { resolveMetric, type Metric, type MetricName } from './metrics.js';
import type { TrainableModel } from './trainable.js';
import { checkOptions } from '../util/options.js';

export type EvaluateOptions = {
  loss: LossName | LossFn;
  metrics?: (MetricName | Metric)[];
  /** Examples per forward pass (default 1024); only memory, not the result, depends on it. */
  batchSize?: number;
};

export type Evaluation = { loss: number; metrics: Record<string, number>; examples: number };

/** Mean loss and metrics over `data`, example-weighted across batches. Leaves the model in eval mode. */
export function evaluate(model: TrainableModel, data: FitData, opts: EvaluateOptions): Evaluation {
  checkOptions('evaluate', opts, ['loss', 'metrics', 'batchSize']);
  if (opts === undefined) throw new TypeError('evaluate: options {loss, metrics?, batchSize?} are required');
  const lossFn = resolveLoss('evaluate', opts.loss);
  const metrics = (opts.metrics ?? []).map(resolveMetric);
  const { batches } = batchSource('evaluate', data, { batchSize: opts.batchSize ?? 1024, shuffle: false });
  model.eval?.();
  return noGrad(() => {
    let n = 0,
      lossSum = 0;
    const sums = new Map<string, number>(metrics.map((m) => [m.name, 0]));
    for (const batch of batches) {
      const [x, y] = unpackBatch('evaluate', batch);
      const pred = model.forward(x);
      const size = x.shape[0] ?? 1;
      lossSum += lossFn(pred, y).item() * size;
      for (const m of metrics) sums.set(m.name, sums.get(m.name)! + m.compute(pred, y) * size);
      n += size;
    }
    const out: Record<string, number> = {};
    for (const [k, v] of sums) out[k] = v / n;
    return { loss: lossSum / n, metrics: out, examples: n };
  });
}

/** The model's outputs for x, computed in chunks in eval mode without the graph. */
export function predict(model: TrainableModel, x: Tensor, opts: { batchSize?: number } = {}): Tensor {
  checkOptions('predict', opts, ['batchSize']);
  const bs = opts.batchSize ?? 1024;
  model.eval?.();
  return noGrad(() => {
    const n = x.shape[0] ?? 0;
    if (n <= bs) return model.forward(x);
    const parts: Tensor[] = [];
    for (let i = 0; i < n; i += bs) parts.push(model.forward(x.narrow(0, i, Math.min(bs, n - i))));
    return cat(parts, 0);
  });
}

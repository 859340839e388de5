// Weight averaging, as PyTorch's torch.optim.swa_utils.AveragedModel: a second copy of a model whose
// parameters follow the trained one's as an exponential moving average (decay d: avg ← d·avg +
// (1 − d)·p; a GAN generator's usual EMA, Yazıcı et al. 2019) or as the plain mean of every update
// (SWA, Izmailov et al. 2018; decay undefined). The first update copies the weights. With
// useBuffers the buffers (BatchNorm's running statistics) are averaged too, integer ones copied;
// without, they keep what the copy had (PyTorch's default: recompute them with a pass over data).
// The state dict is PyTorch's: `nAveraged` (n_averaged) and `module.<name>` for the copy.
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Module } from './module.js';
import { checkBoolean, checkNumber, checkOptions } from '../util/options.js';

export type AveragedModelOptions = {
  /** EMA decay in [0, 1) (default: none, the plain running mean). */
  decay?: number;
  /** Average the float buffers too, copy the others (default false). */
  useBuffers?: boolean;
};

/** The contiguous array holding `t`'s values (its own storage, or a checked error). */
function valuesOf(where: string, name: string, t: Tensor): Float32Array | Float64Array | Int32Array | Uint8Array {
  if (!t.isContiguous()) throw new RangeError(`${where}: ${name} is not contiguous`);
  return t.storage.subarray(t.offset, t.offset + t.numel()) as Float32Array;
}

export class AveragedModel<M extends Module = Module> extends Module {
  module: M;
  declare nAveraged: Tensor; // () int32
  readonly decay: number | null;
  readonly useBuffers: boolean;

  /** `copy`: a model of the same architecture (built like `model`) that holds the average. */
  constructor(model: M, copy: M, opts: AveragedModelOptions = {}) {
    super();
    checkOptions('AveragedModel', opts, ['decay', 'useBuffers']);
    if (opts.decay !== undefined) checkNumber('AveragedModel', 'decay', opts.decay, { min: 0, max: 0.999999999 });
    if (opts.useBuffers !== undefined) checkBoolean('AveragedModel', 'useBuffers', opts.useBuffers);
    if (!(copy instanceof Module) || copy === model) throw new TypeError('AveragedModel: copy must be a second model of the same architecture');
    const mine = copy.namedParameters(),
      theirs = model.namedParameters();
    const mismatch = theirs.find(([n, p], i) => mine[i]?.[0] !== n || mine[i]![1].shape.join() !== p.shape.join());
    if (mine.length !== theirs.length || mismatch)
      throw new RangeError(`AveragedModel: copy does not have model's parameters${mismatch ? ` (${mismatch[0]} (${mismatch[1].shape.join(', ')}))` : ''}`);
    this.module = copy;
    this.decay = opts.decay ?? null;
    this.useBuffers = opts.useBuffers ?? false;
    for (const p of copy.parameters()) p.requiresGrad = false;
    this.registerBuffer('nAveraged', Tensor.empty([], 'int32'));
  }

  /** Folds `model`'s current weights into the average (after each optimizer step). */
  updateParameters(model: M): void {
    const n = this.nAveraged.storage[0]!;
    const w = this.decay === null ? 1 / (n + 1) : 1 - this.decay; // weight of the new value
    const blend = (name: string, avg: Tensor, cur: Tensor, average: boolean): void => {
      const a = valuesOf('AveragedModel', name, avg),
        c = valuesOf('AveragedModel', name, cur);
      if (n === 0 || !average) a.set(c);
      else for (let i = 0; i < a.length; i++) a[i] = a[i]! + w * (c[i]! - a[i]!);
    };
    noGrad(() => {
      const cur = model.namedParameters();
      this.module.namedParameters().forEach(([name, p], i) => blend(name, p, cur[i]![1], true));
      if (this.useBuffers) {
        const curBuffers = model.namedBuffers();
        this.module.namedBuffers().forEach(([name, b], i) => blend(name, b, curBuffers[i]![1], b.dtype === 'float32' || b.dtype === 'float64'));
      }
    });
    this.nAveraged.storage[0] = n + 1;
  }

  forward(...args: unknown[]): unknown {
    return (this.module as unknown as { forward(...a: unknown[]): unknown }).forward(...args);
  }
}

type BatchNormLike = Module & { momentum: number | null; resetRunningStats(): void; runningMean: Tensor | null };

/**
 * PyTorch's swa_utils.update_bn: recomputes every BatchNorm's running statistics of `model` as the
 * plain mean over `batches` (each the arguments of one forward call), in training mode without a
 * graph; the momentum and the mode are restored. An averaged model needs this: the average of the
 * weights is a network whose activations none of the running statistics was measured on.
 */
export function updateBn(model: Module, batches: Iterable<readonly unknown[]>): void {
  const norms = model.modules().filter((m): m is BatchNormLike => 'resetRunningStats' in m && 'momentum' in m && (m as BatchNormLike).runningMean !== null);
  if (norms.length === 0) return;
  const momenta = norms.map((m) => m.momentum);
  const wasTraining = model.training;
  try {
    for (const m of norms) {
      m.resetRunningStats();
      m.momentum = null;
    }
    model.train();
    noGrad(() => {
      for (const args of batches) (model as unknown as { forward(...a: unknown[]): unknown }).forward(...args);
    });
  } finally {
    norms.forEach((m, i) => {
      m.momentum = momenta[i]!;
    });
    model.train(wasTraining);
  }
}

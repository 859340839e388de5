// Copies of a model's weights kept in memory, restored bit-for-bit (EarlyStopping's restoreBest).
import { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { dtypeOfArray } from '../../tensor/dtype.js';
import { stateEntries, namedParametersOf, type TrainableModel } from '../trainable.js';
import '../../ops/index.js';

/** name -> tensor of everything the model saves: stateDict() (parameters and buffers) when it has one, else its parameters. */
function liveTensors(model: TrainableModel): [string, Tensor][] {
  return model.stateDict ? stateEntries(model.stateDict()) : namedParametersOf(model);
}

export class WeightsSnapshot {
  private readonly saved: Map<string, Float32Array | Float64Array | Int32Array | Uint8Array>;

  /** Copies the model's current weights. */
  constructor(model: TrainableModel) {
    this.saved = new Map(liveTensors(model).map(([name, t]) => [name, t.toTypedArray().slice()]));
  }

  /** Writes the saved values back into the model's own tensors (in place, so optimizers keep their references). */
  restoreInto(model: TrainableModel): void {
    noGrad(() => {
      for (const [name, t] of liveTensors(model)) {
        const values = this.saved.get(name);
        if (!values) throw new Error(`WeightsSnapshot: the model has a tensor '${name}' that was not in the snapshot`);
        if (values.length !== t.numel()) throw new Error(`WeightsSnapshot: '${name}' has ${t.numel()} elements, the snapshot ${values.length}`);
        if (t.isContiguous() && t.storage.length === values.length && t.offset === 0) t.storage.set(values);
        else t.copy_(new Tensor(values, t.dtype, t.shape));
      }
    });
  }

  /** The saved values as tensors (for a checkpoint). */
  toTensors(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [name, values] of this.saved) out[name] = new Tensor(values, dtypeOfArray(values), [values.length]);
    return out;
  }

  /** A snapshot from toTensors()'s value (a resumed run's). */
  static fromTensors(tensors: Record<string, Tensor>): WeightsSnapshot {
    const snap = Object.create(WeightsSnapshot.prototype) as WeightsSnapshot;
    (snap as unknown as { saved: WeightsSnapshot['saved'] }).saved = new Map(Object.entries(tensors).map(([n, t]) => [n, t.toTypedArray().slice()]));
    return snap;
  }

  /** The saved values of one tensor. */
  get(name: string): ArrayLike<number> | undefined {
    return this.saved.get(name);
  }
}

// out = act(x + bias) over rows in one pass: the epilogue of a Linear layer. The sum is stored
// (rounded to the array's type) before the activation, exactly as the separate ops would.
import type { Activation, BiasActivationParams } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { unaryFns } from './elementwise.js';

const activationFns: Record<Activation, (x: number) => number> = {
  identity: (x) => x,
  relu: (x) => unaryFns.relu(x, 0, 0),
  gelu: (x) => unaryFns.gelu(x, 0, 0),
  geluTanh: (x) => unaryFns.geluTanh(x, 0, 0),
  silu: (x) => unaryFns.silu(x, 0, 0),
  tanh: (x) => Math.tanh(x),
  sigmoid: (x) => unaryFns.sigmoid(x, 0, 0),
};

export function biasActivation(x: TypedArray, bias: TypedArray | null, { rows, cols, activation }: BiasActivationParams, out: TypedArray): void {
  const f = activationFns[activation];
  if (!f) throw new RangeError(`biasActivation: unknown activation '${activation}'`);
  const round = out instanceof Float32Array ? Math.fround : (v: number) => v;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    if (bias) for (let c = 0; c < cols; c++) out[base + c] = f(round(x[base + c]! + bias[c]!));
    else for (let c = 0; c < cols; c++) out[base + c] = f(x[base + c]!);
  }
}

// Small models and data for the training tests.
import type { Tensor } from '../../src/tensor/tensor.js';
import { tensor } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/generator.js';
import { Linear } from '../../src/nn/linear.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import '../../src/ops/index.js';

/** A bias-free Linear(1, 1) whose weight starts at w0. */
export function scalarModel(w0: number): Linear {
  const m = new Linear(1, 1, { bias: false });
  noGrad(() => m.weight.fill_(w0));
  return m;
}

/** n points x in [-1, 1] and y = slope · x, as (n, 1) tensors. */
export function line(n: number, slope: number): { x: Tensor; y: Tensor } {
  const xs = Array.from({ length: n }, (_, i) => [-1 + (2 * i) / (n - 1)]);
  return { x: tensor(xs), y: tensor(xs.map(([v]) => [slope * v!])) };
}

/** Two Gaussian blobs in 2-D, labels 0/1 (int32), reproducible. */
export function blobs(n: number, seed = 3): { x: Tensor; y: Tensor } {
  const g = new Generator(seed);
  const x = new Float32Array(2 * n),
    y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    y[i] = c;
    x[2 * i] = (c ? 1.5 : -1.5) + (g.randomInt(1000) / 1000 - 0.5);
    x[2 * i + 1] = (c ? 1 : -1) + (g.randomInt(1000) / 1000 - 0.5);
  }
  return { x: tensor(x, { shape: [n, 2] }), y: tensor(y) };
}

/** A copy of every parameter's values. */
export function weightsOf(m: { parameters(): Tensor[] }): Float32Array[] {
  return m.parameters().map((p) => Float32Array.from(p.toTypedArray()));
}

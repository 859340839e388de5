// The CNN ops and layers against PyTorch 1.13 (fixtures/cnn, written by scripts/cnn_fixtures.py):
// forward values and the gradients of sum(y·r), in float32: |a − b| ≤ 1e-5·|b| + 1e-5·max|b| (PyTorch
// sums in float32, deepts' js kernels in float64, so the difference is PyTorch's rounding).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { LeNet5 } from '../../src/models/lenet.js';
import { compare, loadFixture, tensorOf, type T } from '../f32-fixtures.js';

function load<X>(name: string): X {
  return loadFixture<X>('cnn', name);
}
/** y, and the gradients of sum(y·r) with respect to the inputs. */
function run(f: (...xs: dt.Tensor[]) => dt.Tensor, inputs: dt.Tensor[], r: T): dt.Tensor {
  const y = f(...inputs);
  y.mul(tensorOf(r)).sum().backward();
  return y;
}

type ConvCase = { name: string; opts: Record<string, unknown>; x: T; w: T; b: T; y: T; r: T; dx: T; dw: T; db: T };

test('conv2d matches PyTorch: stride 2, padding 1, dilation 2, groups 2; LeNet and ResNet-stem layers; rectangular geometry', () => {
  for (const c of load<ConvCase[]>('conv2d.json')) {
    const x = tensorOf(c.x, true),
      w = tensorOf(c.w, true),
      b = tensorOf(c.b, true);
    const y = run((a, bb, cc) => dt.conv2d(a, bb, cc, c.opts as dt.Conv2dOptions), [x, w, b], c.r);
    compare(`${c.name} y`, y, c.y);
    compare(`${c.name} dx`, x.grad!, c.dx);
    compare(`${c.name} dw`, w.grad!, c.dw);
    compare(`${c.name} db`, b.grad!, c.db);
  }
});

test('conv1d matches PyTorch (stride 2, padding 1, dilation 2, groups 2)', () => {
  for (const c of load<ConvCase[]>('conv1d.json')) {
    const x = tensorOf(c.x, true),
      w = tensorOf(c.w, true),
      b = tensorOf(c.b, true);
    const y = run((a, bb, cc) => dt.conv1d(a, bb, cc, c.opts as dt.Conv1dOptions), [x, w, b], c.r);
    compare(`${c.name} y`, y, c.y);
    compare(`${c.name} dx`, x.grad!, c.dx);
    compare(`${c.name} dw`, w.grad!, c.dw);
    compare(`${c.name} db`, b.grad!, c.db);
  }
});

test('convTranspose2d matches PyTorch (DCGAN upsampling, output padding, groups and dilation)', () => {
  for (const c of load<ConvCase[]>('conv_transpose2d.json')) {
    const x = tensorOf(c.x, true),
      w = tensorOf(c.w, true),
      b = tensorOf(c.b, true);
    const y = run((a, bb, cc) => dt.convTranspose2d(a, bb, cc, c.opts as dt.ConvTranspose2dOptions), [x, w, b], c.r);
    compare(`${c.name} y`, y, c.y);
    compare(`${c.name} dx`, x.grad!, c.dx);
    compare(`${c.name} dw`, w.grad!, c.dw);
    compare(`${c.name} db`, b.grad!, c.db);
  }
});

test('max, average and adaptive pooling match PyTorch, max-pool indices included', () => {
  type PoolCase = {
    name: string;
    kind: 'max' | 'avg' | 'adaptive';
    opts: Record<string, unknown>;
    x: T;
    y: T;
    r: T;
    dx: T;
    indices?: { shape: number[]; data: number[] };
  };
  for (const c of load<PoolCase[]>('pool.json')) {
    const x = tensorOf(c.x, true);
    const { kernelSize, outputSize, ...rest } = c.opts as { kernelSize: dt.Pair; outputSize: number | [number, number] };
    let indices: dt.Tensor | null = null;
    const y = run(
      (a) => {
        if (c.kind === 'max') {
          const [out, idx] = dt.maxPool2dWithIndices(a, kernelSize, rest);
          indices = idx;
          return out;
        }
        if (c.kind === 'avg') return dt.avgPool2d(a, kernelSize, rest);
        return dt.adaptiveAvgPool2d(a, outputSize);
      },
      [x],
      c.r,
    );
    compare(`${c.name} y`, y, c.y);
    compare(`${c.name} dx`, x.grad!, c.dx);
    if (c.indices) assert.deepEqual([...indices!.toTypedArray()], c.indices.data, `${c.name} indices`);
  }
});

test('a batch-norm training step matches PyTorch: output, gradients, running statistics, then eval', () => {
  type BnCase = {
    name: string;
    weight: T;
    bias: T;
    x: T;
    y: T;
    r: T;
    dx: T;
    dweight: T;
    dbias: T;
    x2: T;
    x3: T;
    evalY: T;
    after1: { runningMean: T; runningVar: T };
    after2: { runningMean: T; runningVar: T; numBatchesTracked: number };
  };
  for (const c of load<BnCase[]>('batchnorm.json')) {
    const C = c.weight.shape[0]!;
    const bn = c.x.shape.length === 4 ? new dt.nn.BatchNorm2d(C) : new dt.nn.BatchNorm1d(C);
    dt.noGrad(() => {
      bn.weight!.copy_(tensorOf(c.weight));
      bn.bias!.copy_(tensorOf(c.bias));
    });
    const x = tensorOf(c.x, true);
    const y = run((a) => bn.forward(a), [x], c.r);
    compare(`${c.name} y`, y, c.y);
    compare(`${c.name} dx`, x.grad!, c.dx);
    compare(`${c.name} dweight`, bn.weight!.grad!, c.dweight);
    compare(`${c.name} dbias`, bn.bias!.grad!, c.dbias);
    compare(`${c.name} running mean after 1`, bn.runningMean!, c.after1.runningMean);
    compare(`${c.name} running var after 1`, bn.runningVar!, c.after1.runningVar);
    dt.noGrad(() => bn.forward(tensorOf(c.x2)));
    compare(`${c.name} running mean after 2`, bn.runningMean!, c.after2.runningMean);
    compare(`${c.name} running var after 2`, bn.runningVar!, c.after2.runningVar);
    assert.equal(bn.numBatchesTracked!.item(), c.after2.numBatchesTracked);
    bn.eval();
    compare(
      `${c.name} eval`,
      dt.noGrad(() => bn.forward(tensorOf(c.x3))),
      c.evalY,
    );
  }
});

test('LeNet-5 matches PyTorch: logits, cross-entropy and every parameter gradient', () => {
  const f = load<{ x: T; y: number[]; logits: T; loss: number; grads: Record<string, T> }>('lenet5.json');
  const model = new LeNet5();
  // the weights come from the same formula as in scripts/cnn_fixtures.py
  dt.noGrad(() =>
    model.namedParameters().forEach(([, p], j) => {
      const n = p.numel(),
        amp = p.ndim > 1 ? 1 / Math.sqrt(n / p.shape[0]!) : 0.1;
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = amp * Math.sin(0.37 * i + 1.3 * j + 0.5);
      p.copy_(dt.tensor(v, { shape: p.shape }));
    }),
  );
  const logits = model.forward(tensorOf(f.x));
  compare('logits', logits, f.logits);
  const loss = dt.crossEntropy(logits, dt.tensor(f.y, { dtype: 'int32' }));
  assert.ok(Math.abs(loss.item() - f.loss) <= 1e-5 * Math.abs(f.loss), `loss ${loss.item()} vs PyTorch ${f.loss}`);
  loss.backward();
  const names = model.namedParameters().map(([n]) => n);
  assert.deepEqual(names, Object.keys(f.grads), 'parameter names and order as torch');
  for (const [name, p] of model.namedParameters()) compare(`grad ${name}`, p.grad!, f.grads[name]!);
});

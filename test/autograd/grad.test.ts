// autograd.grad(outputs, inputs, { gradOutputs, createGraph, retainGraph, allowUnused }): gradients
// returned, not accumulated, as torch.autograd.grad.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { assertClose, leaf } from '../helpers.js';

const { grad } = dt.autograd;

test('grad returns the gradients and touches no .grad', () => {
  const x = dt.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const w = dt.tensor([0.5, -1, 2], { dtype: 'float64', requiresGrad: true });
  const h = x.mul(w);
  h.retainGrad();
  const [gx, gw] = grad(h.square().sum(), [x, w]);
  assert.deepEqual(gx!.toArray(), [0.5, 4, 24]); // 2 x w²
  assert.deepEqual(gw!.toArray(), [1, -8, 36]); // 2 x² w
  assert.equal(x.grad, null);
  assert.equal(w.grad, null);
  assert.equal(h.grad, null);
  assert.equal(gx!.requiresGrad, false, 'without createGraph the gradients are plain tensors');
  assert.equal(gx!.gradFn, null);
});

test('grad of several outputs with gradOutputs sums their vector-Jacobian products', () => {
  const x = leaf([2, 3]);
  const a = x.exp(),
    b = x.sum(1);
  const va = dt.randn([2, 3], { dtype: 'float64' }),
    vb = dt.tensor([2, -1], { dtype: 'float64' });
  const [g] = grad([a, b], x, { gradOutputs: [va, vb] });
  const expected = dt.noGrad(() => va.mul(x.exp()).add(vb.unsqueeze(1)));
  assertClose(g!, expected.toTypedArray(), 1e-12);
  const [s] = grad([x.sum(), x.mul(2).sum()], [x], { gradOutputs: [null, dt.tensor(3, { dtype: 'float64' })] });
  assert.deepEqual(
    s!.toArray(),
    [
      [7, 7, 7],
      [7, 7, 7],
    ],
    'null: an implicit 1 for a scalar output',
  );
  assert.throws(() => grad(x.mul(2), x), /grad: grad can be implicitly created only for scalar outputs; the output has shape \(2,3\)/);
  assert.throws(() => grad([x.sum(), x.sum()], x, { gradOutputs: [null] }), /grad: got 1 gradients for 2 outputs/);
});

test('grad with respect to an intermediate tensor, and through it to an input below it', () => {
  const x = dt.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const h = x.mul(2);
  const y = h.mul(x).sum(); // 2x²
  const [gh, gx] = grad(y, [h, x]);
  assert.deepEqual(gh!.toArray(), [1, 2], '∂y/∂h = x');
  assert.deepEqual(gx!.toArray(), [4, 8], 'dy/dx = 4x: through h and directly');
  const e = x.mul(3).exp();
  const s = e.sum();
  assert.deepEqual(grad(s, e)[0]!.toArray(), [1, 1]);
  assert.equal(s.gradFn!.freed, true);
  assert.equal(e.gradFn!.freed, false, 'the nodes below the only input did not run');
});

test('unused inputs: an error by default, null with allowUnused, zeros with materializeGrads', () => {
  const x = dt.tensor([1, 2], { requiresGrad: true });
  const z = dt.tensor([5, 6, 7], { requiresGrad: true });
  const y = () => x.mul(3).sum();
  assert.throws(() => grad(y(), [x, z]), /grad: input 1 \(shape \(3,\)\) was not used in the graph of the outputs; pass \{allowUnused: true\}/);
  const [gx, gz] = grad(y(), [x, z], { allowUnused: true });
  assert.deepEqual(gx!.toArray(), [3, 3]);
  assert.equal(gz, null);
  const [, zeros] = grad(y(), [x, z], { materializeGrads: true });
  assert.deepEqual(zeros!.toArray(), [0, 0, 0]);
});

test('grad frees the graph unless retainGraph (or createGraph) keeps it', () => {
  const x = dt.tensor([1, 2], { requiresGrad: true });
  const y = x.mul(x).sum();
  grad(y, x, { retainGraph: true });
  grad(y, x);
  assert.throws(() => grad(y, x), /trying to backward through the graph a second time/);
  const y2 = x.mul(x).sum();
  grad(y2, x, { createGraph: true });
  assert.deepEqual(grad(y2, x)[0]!.toArray(), [2, 4], 'createGraph retains by default');
});

test('grad checks its arguments', () => {
  const x = dt.tensor([1, 2], { requiresGrad: true });
  const c = dt.tensor([1, 2]);
  assert.throws(() => grad(x.sum(), c), /grad: input 0 \(shape \(2,\)\) does not require grad/);
  assert.throws(() => grad(c.sum(), x), /grad: output 0 \(shape \(\)\) does not require grad and has no gradFn/);
  assert.throws(
    () => grad(x.sum(), x, { create_graph: true } as dt.autograd.GradOptions),
    /grad: unknown option 'create_graph' \(did you mean 'createGraph'\?\); accepted: gradOutputs, retainGraph, createGraph, allowUnused, materializeGrads/,
  );
  assert.throws(() => grad(x.sum(), []), /grad: inputs must not be empty/);
  assert.throws(() => grad(x.sum(), [x], { gradOutputs: dt.ones([2]) }), /grad: gradient shape \(2,\) does not match the output shape \(\)/);
});

test('createGraph: the gradients have a graph of their own, differentiable again', () => {
  const x = dt.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const [g] = grad(x.pow(3).sum(), x, { createGraph: true });
  assert.equal(g!.requiresGrad, true);
  assert.ok(g!.gradFn, 'the gradient has a gradFn');
  assert.deepEqual(g!.toArray(), [3, 12, 27]);
  const [h] = grad(g!.sum(), x);
  assert.deepEqual(h!.toArray(), [6, 12, 18]);
  // and backward() with createGraph leaves differentiable .grad
  const y = dt.tensor([2], { dtype: 'float64', requiresGrad: true });
  y.pow(4).sum().backward({ createGraph: true });
  assert.ok(y.grad!.gradFn);
  const [second] = grad(y.grad!.sum(), y);
  assert.deepEqual(second!.toArray(), [48]); // 12 y²
});

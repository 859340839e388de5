// backward() frees the graph it ran (PyTorch's semantics): a second pass through it raises unless
// the first kept it with retainGraph; the options form of backward() and its checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { leaf } from '../helpers.js';

const SECOND_TIME =
  /backward: trying to backward through the graph a second time .*pass \{retainGraph: true\} to the first backward\(\) \(or autograd.grad\(\)\) if you need to/;

test('a second backward through a freed graph raises, before touching any .grad', () => {
  const x = dt.tensor([1, 2, 3], { requiresGrad: true });
  const h = x.mul(x);
  const y = h.sum();
  y.backward();
  assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
  assert.throws(() => y.backward(), SECOND_TIME);
  assert.deepEqual(x.grad!.toArray(), [2, 4, 6], 'the failed pass accumulated nothing');
  // a new graph built on a freed one reaches the freed node too
  assert.throws(() => h.mul(2).sum().backward(), /the graph reaches a freed Mul node/);
  assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
});

test('freeing drops what the nodes saved; the names stay for printing', () => {
  const x = dt.tensor([1, 2], { requiresGrad: true });
  const h = x.exp();
  const y = h.sum();
  y.backward();
  for (const t of [h, y]) {
    assert.equal(t.gradFn!.freed, true);
    assert.deepEqual(t.gradFn!.inputs, [], 'inputs dropped');
    assert.equal(t.gradFn!.composed, null);
  }
  assert.equal(h.gradFn!.name, 'Exp');
  assert.equal(h.isLeaf, false);
  assert.match(String(h), /gradFn=<ExpBackward>/);
});

test('retainGraph keeps the graph: a second pass accumulates again, and the last one frees it', () => {
  const x = leaf([4]);
  const y = x.tanh().mul(x).sum();
  y.backward({ retainGraph: true });
  const once = Array.from(x.grad!.toTypedArray());
  assert.equal(y.gradFn!.freed, false);
  y.backward(undefined, { retainGraph: true });
  y.backward();
  assert.deepEqual(
    Array.from(x.grad!.toTypedArray()),
    once.map((v) => v + v + v),
  );
  assert.throws(() => y.backward(), SECOND_TIME);
});

test('backward(gradient, options) and backward({ gradient }) are the positional form', () => {
  const g = dt.tensor([1, -2]);
  const run = (f: (y: dt.Tensor) => void) => {
    const x = dt.tensor([3, 4], { requiresGrad: true });
    f(x.mul(x));
    return x.grad!.toArray();
  };
  const expected = [6, -16];
  assert.deepEqual(
    run((y) => y.backward(g)),
    expected,
  );
  assert.deepEqual(
    run((y) => y.backward({ gradient: g })),
    expected,
  );
  assert.deepEqual(
    run((y) => y.backward(g, { retainGraph: false })),
    expected,
  );
  assert.deepEqual(
    run((y) => dt.backward(y, { gradient: g })),
    expected,
  );
  assert.deepEqual(
    run((y) => dt.backward(y, g)),
    expected,
  );
});

test('unknown or mistyped options raise, naming the key and the accepted ones', () => {
  const x = dt.tensor([1], { requiresGrad: true });
  assert.throws(
    () =>
      x
        .mul(2)
        .sum()
        .backward({ retain_graph: true } as dt.BackwardOptions),
    /backward: unknown option 'retain_graph' \(did you mean 'retainGraph'\?\); accepted: gradient, retainGraph, createGraph, inputs/,
  );
  assert.throws(
    () =>
      x
        .mul(2)
        .sum()
        .backward(dt.ones([]), { gradient: dt.ones([]) } as dt.BackwardOptions),
    /backward: unknown option 'gradient'; accepted: retainGraph, createGraph, inputs/,
  );
  assert.throws(
    () =>
      x
        .mul(2)
        .sum()
        .backward({ retainGraph: 1 } as unknown as dt.BackwardOptions),
    /backward: retainGraph must be true or false, got 1/,
  );
  assert.throws(
    () =>
      x
        .mul(2)
        .sum()
        .backward({ gradient: dt.ones([]) }, { retainGraph: true }),
    /pass the options once/,
  );
  assert.equal(x.grad, null, 'nothing ran');
});

test('backward({ inputs }) accumulates into the listed tensors only', () => {
  const a = dt.tensor([1, 2], { requiresGrad: true });
  const b = dt.tensor([3, 4], { requiresGrad: true });
  const h = a.mul(b);
  h.retainGrad();
  h.sum().backward({ inputs: [b] });
  assert.equal(a.grad, null);
  assert.equal(h.grad, null, 'a retainGrad() tensor not listed is skipped too');
  assert.deepEqual(b.grad!.toArray(), [1, 2]);
  const c = dt.tensor([2], { requiresGrad: true });
  const m = c.mul(3);
  m.mul(c).sum().backward({ inputs: m });
  assert.deepEqual(m.grad!.toArray(), [2], 'a non-leaf input gets its .grad');
  assert.equal(c.grad, null);
  assert.throws(() => a.sum().backward({ inputs: [dt.tensor([1])] }), /backward: input 0 \(shape \(1,\)\) does not require grad/);
});

test('autograd.backward runs several outputs sharing one graph in one pass', () => {
  const x = leaf([3]);
  const h = x.exp();
  const [p, q] = [h.sum(), h.mul(x).sum()];
  dt.autograd.backward([p, q]);
  const e = Array.from(x.toTypedArray(), Math.exp);
  Array.from(x.grad!.toTypedArray()).forEach((g, i) => assert.ok(Math.abs(g - (e[i]! + e[i]! * (1 + x.toTypedArray()[i]!))) < 1e-12));
  assert.throws(() => dt.autograd.backward([p]), SECOND_TIME);
  // two backward() calls through the shared part need retainGraph on the first
  const y = leaf([3]);
  const k = y.exp();
  k.sum().backward();
  assert.throws(() => k.mul(y).sum().backward(), SECOND_TIME);
  assert.throws(() => dt.autograd.backward([y.mul(2).sum()], { gradTensors: [dt.ones([2])] }), /gradient shape \(2,\) does not match the output shape \(\)/);
});

test('gradcheck of a function whose outputs share intermediate nodes', () => {
  // one backward pass for all outputs (gradcheck used to run one per output)
  assert.equal(
    dt.gradcheck((t) => t.exp().mul(2).split(2), [leaf([4])]),
    true,
  );
});

// backward(): the chain rule over the recorded graph, accumulation, noGrad, detach, and gradcheck itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { record } from '../../src/ops/record.js';
import { assertClose, leaf } from '../helpers.js';

test('chain rule through a small expression (micrograd example)', () => {
  const a = dt.tensor(-4, { dtype: 'float64', requiresGrad: true });
  const b = dt.tensor(2, { dtype: 'float64', requiresGrad: true });
  let c = a.add(b);
  let d = a.mul(b).add(b.pow(3));
  c = c.add(c.add(1));
  c = c.add(c.add(1)).add(a.neg());
  d = d.add(d.mul(2)).add(b.add(a).relu());
  d = d.add(d.mul(3)).add(b.sub(a).relu());
  const e = c.sub(d);
  const f = e.pow(2);
  let g = f.div(2);
  g = g.add(dt.div(10, f));
  assertClose([g.item()], [24.70408163265306], 1e-12, 'g');
  g.backward();
  assertClose([a.grad!.item()], [138.83381924198252], 1e-12, 'dg/da');
  assertClose([b.grad!.item()], [645.5772594752186], 1e-12, 'dg/db');
});

test('gradients accumulate until zeroed; a tensor used twice gets both contributions', () => {
  const x = dt.tensor([1, 2, 3], { requiresGrad: true });
  x.mul(x).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
  x.sum().backward();
  assert.deepEqual(x.grad!.toArray(), [3, 5, 7]);
  x.grad = null;
  x.mul(3).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [3, 3, 3]);
});

test('backward with an explicit gradient, retainGrad on intermediates', () => {
  const x = dt.tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { requiresGrad: true },
  );
  const y = x.mul(2).retainGrad();
  const z = y.mul(y);
  z.backward(
    dt.tensor([
      [1, 0],
      [0, 1],
    ]),
  );
  assert.deepEqual(y.grad!.toArray(), [
    [4, 0],
    [0, 16],
  ]);
  assert.deepEqual(x.grad!.toArray(), [
    [8, 0],
    [0, 32],
  ]);
});

test('noGrad and detach stop recording', () => {
  const x = dt.tensor([1, 2], { requiresGrad: true });
  const y = dt.noGrad(() => x.mul(2));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  const z = x.detach().mul(2);
  assert.equal(z.requiresGrad, false);
  assert.equal(dt.isGradEnabled(), true);
  assert.equal(dt.noGrad(() => dt.enableGrad(() => x.mul(1))).requiresGrad, true);
});

test('backward errors: non-scalar without gradient, no graph, wrong gradient shape', () => {
  const x = dt.tensor([1, 2], { requiresGrad: true });
  assert.throws(() => x.mul(2).backward(), /grad can be implicitly created only for scalar outputs; the output has shape \(2,\)/);
  assert.throws(() => dt.tensor([1]).backward(), /does not require grad/);
  assert.throws(() => x.mul(2).backward(dt.ones([3])), /gradient shape \(3,\) does not match the output shape \(2,\)/);
  assert.throws(
    () =>
      dt
        .noGrad(() => x.mul(2))
        .sum()
        .backward(),
    /does not require grad/,
  );
});

test('in-place writes on parameters only under noGrad', () => {
  const w = dt.tensor([1, 2], { requiresGrad: true });
  assert.throws(() => w.fill_(0), /cannot be modified in place outside noGrad/);
  dt.noGrad(() => w.copy_(dt.tensor([5, 6])));
  assert.deepEqual(w.toArray(), [5, 6]);
  assert.throws(() => dt.noGrad(() => w.copy_(dt.zeros([3]))), /copy_: source \(3,\) cannot be broadcast to the destination \(2,\)/);
});

test('gradcheck catches a wrong backward', () => {
  const wrongSquare = (x: dt.Tensor) =>
    record(
      dt.noGrad(() => x.mul(x)),
      'WrongSquare',
      [x],
      (g) => [g.mul(x)],
    ); // should be 2x
  assert.throws(() => dt.gradcheck(wrongSquare, [leaf([3])]), /gradcheck: input 0 \(3,\), element 0: backward gives/);
  assert.throws(() => dt.gradcheck((x) => x.mul(2), [dt.tensor([1], { requiresGrad: true })]), /inputs must be float64/);
  assert.equal(
    dt.gradcheck((x) => x.mul(x), [leaf([3])]),
    true,
  );
});

test('a deep graph (10,000 ops) does not overflow the stack', () => {
  const x = dt.tensor([1], { dtype: 'float64', requiresGrad: true });
  let y = x;
  for (let i = 0; i < 10000; i++) y = y.mul(1.0001);
  y.sum().backward();
  assertClose(x.grad!, [Math.pow(1.0001, 10000)], 1e-9);
});

test('slices of one tensor send their gradients into one buffer: select, split, strided slices, and a full use too', () => {
  const w = dt.arange(0, 24, 1, { dtype: 'float64' }).reshape(2, 3, 4);
  const check = (f: (x: dt.Tensor) => dt.Tensor) => {
    // the summed region gradients equal the gradient computed through a dense (matmul-free) path
    const x = dt.randn([2, 3, 4], { dtype: 'float64', requiresGrad: true });
    f(x).backward();
    const got = x.grad!.toArray();
    const y = x.detach().clone().requiresGrad_();
    dt.gradcheck((t) => f(t), [y]);
    return got;
  };
  // q, k, v style: three selects of one tensor, each weighted differently
  const g1 = check((x) =>
    x
      .select(1, 0)
      .mul(2)
      .sum()
      .add(x.select(1, 1).mul(w.select(1, 1)).sum())
      .add(x.select(1, 2).pow(2).sum()),
  );
  assert.equal((g1 as number[][][]).length, 2);
  // a full use first (not the engine's buffer), then slices added in
  check((x) =>
    x
      .mul(w)
      .sum()
      .add(x.narrow(2, 1, 2).sum())
      .add(x.slice(2, 0, 4, 2).mul(3).sum()),
  );
  // split pieces and an overlapping slice
  check((x) => {
    const [a, b] = x.split(2, 2);
    return a
      .mul(b)
      .sum()
      .add(x.narrow(2, 1, 2).pow(2).sum());
  });
});

test('a retained gradient is not changed by later accumulation', () => {
  const x = dt.tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { requiresGrad: true },
  );
  const h = x.mul(2);
  h.retainGrad();
  const r0 = h.select(0, 0),
    r1 = h.select(0, 1);
  const loss = r0.sum().add(r1.mul(3).sum()).add(h.sum());
  loss.backward();
  assert.deepEqual(h.grad!.toArray(), [
    [2, 2],
    [4, 4],
  ]);
  assert.deepEqual(x.grad!.toArray(), [
    [4, 4],
    [8, 8],
  ]);
});

// Hessian-vector products as a grad() of a grad() (createGraph), against closed forms.
import { test } from 'node:test';
import * as dt from '../../src/index.js';
import { assertClose } from '../helpers.js';

const { grad } = dt.autograd;

/** H·v of f at x: the gradient of ∇f(x)·v. */
function hvp(f: (x: dt.Tensor) => dt.Tensor, x0: dt.Tensor, v: dt.Tensor): dt.Tensor {
  const x = x0.detach().clone().requiresGrad_();
  const [g] = grad(f(x), x, { createGraph: true });
  return grad(g!.mul(v).sum(), x)[0]!;
}

test('f = xᵀAx: H·v = (A + Aᵀ)·v', () => {
  dt.manualSeed(21);
  const A = dt.randn([5, 5], { dtype: 'float64' }); // not symmetric
  const x = dt.randn([5], { dtype: 'float64' }),
    v = dt.randn([5], { dtype: 'float64' });
  const got = hvp((t) => t.matmul(A).matmul(t), x, v);
  assertClose(got, A.add(A.t()).matmul(v).toTypedArray(), 1e-12);
  // batched: f = Σ_b x_bᵀ A x_b, one product per row
  const X = dt.randn([3, 5], { dtype: 'float64' }),
    V = dt.randn([3, 5], { dtype: 'float64' });
  const rows = hvp((t) => t.matmul(A).mul(t).sum(), X, V);
  assertClose(rows, V.matmul(A.add(A.t()).t()).toTypedArray(), 1e-12);
});

test('f = Σ log(1 + exp(wᵀx_i)) (logistic loss): H·v = Xᵀ diag(σ(1−σ)) X v', () => {
  dt.manualSeed(22);
  const X = dt.randn([6, 4], { dtype: 'float64' });
  const w = dt.randn([4], { dtype: 'float64' }),
    v = dt.randn([4], { dtype: 'float64' });
  const got = hvp((t) => dt.softplus(X.matmul(t)).sum(), w, v);
  const s = X.matmul(w).sigmoid();
  const expected = X.t().matmul(s.mul(s.neg().add(1)).mul(X.matmul(v)));
  assertClose(got, expected.toTypedArray(), 1e-12);
});

test('the gradient of the first grad is the Hessian; its rows, one HVP per basis vector', () => {
  // f = Σ x_i³ x_j (i, j over all pairs) = (Σ x³)(Σ x): H = 6 diag(x Σx) + 3 (x² 1ᵀ + 1 x²ᵀ)
  const x = dt.tensor([0.5, -1, 2], { dtype: 'float64' });
  const xs = Array.from(x.toTypedArray()),
    total = xs.reduce((a, b) => a + b, 0);
  for (let k = 0; k < 3; k++) {
    const e = dt.zeros([3], { dtype: 'float64' });
    e.storage[k] = 1;
    const row = hvp((t) => t.pow(3).sum().mul(t.sum()), x, e);
    const expected = xs.map((xi, i) => (i === k ? 6 * xi * total : 0) + 3 * xs[k]! ** 2 + 3 * xi ** 2);
    assertClose(row, expected, 1e-12, `row ${k}`);
  }
});

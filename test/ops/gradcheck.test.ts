// Every differentiable op is checked against float64 central differences.
import { test } from 'node:test';
import * as dt from '../../src/index.js';
import { leaf } from '../helpers.js';

const check = (fn: (...xs: dt.Tensor[]) => dt.Tensor | dt.Tensor[], ...inputs: dt.Tensor[]) => dt.gradcheck(fn, inputs);
const int = (data: number[], shape?: number[]) => dt.tensor(data, { dtype: 'int32', shape });

test('arithmetic with broadcasting', () => {
  const a = leaf([3, 4]),
    b = leaf([4]),
    c = leaf([3, 1]);
  check((x, y) => dt.add(x, y), a, b);
  check((x, y) => dt.sub(x, y), a, c);
  check((x, y) => dt.mul(x, y), a, b);
  check((x, y) => dt.div(x, y), a, leaf([1, 4], { gap: 0.5 }));
  check((x) => x.mul(2).add(1).sub(x.mul(x)).div(3), a);
  check((x) => dt.neg(x), a);
  check((x, y) => dt.maximum(x, y), leaf([2, 3]), leaf([3]));
  check((x, y) => dt.minimum(x, y), leaf([2, 3]), leaf([2, 1]));
});

test('pow, exp, log, sqrt, rsqrt, abs, square, reciprocal, sin, cos, erf', () => {
  const p = leaf([2, 3], { positive: true });
  check((x) => dt.pow(x, 3), leaf([2, 3]));
  check((x) => dt.pow(x, 0.5), p);
  check((x, y) => dt.pow(x, y), p, leaf([3]));
  check((x) => dt.exp(x), leaf([5]));
  check((x) => dt.log(x), p);
  check((x) => dt.sqrt(x), p);
  check((x) => dt.rsqrt(x), p);
  check((x) => dt.abs(x), leaf([6], { gap: 0.1 }));
  check((x) => dt.square(x), leaf([4]));
  check((x) => dt.reciprocal(x), leaf([4], { gap: 0.3 }));
  check((x) => dt.sin(x), leaf([4]));
  check((x) => dt.cos(x), leaf([4]));
  check((x) => dt.erf(x), leaf([4]));
});

test('clamp and where', () => {
  const x = leaf([10], { gap: 0.1 });
  check((t) => dt.clamp(t, -0.5, 0.7), x);
  check((t) => dt.clamp(t, 0), x);
  check((t) => dt.clamp(t, undefined, 0.2), x);
  const cond = dt.tensor([
    [true, false, true],
    [false, false, true],
  ]);
  check((a, b) => dt.where(cond, a, b), leaf([2, 3]), leaf([3]));
  check((a) => dt.where(cond, a, 0), leaf([2, 3]));
});

test('reductions over dims with keepdim', () => {
  const x = leaf([3, 4, 2]);
  check((t) => t.sum(), x);
  check((t) => t.sum(1), x);
  check((t) => t.sum([0, 2], true), x);
  check((t) => t.mean(), x);
  check((t) => t.mean(-1, true), x);
  check((t) => t.max(), x);
  check((t) => t.max(1), x);
  check((t) => t.min([0, 2], true), x);
  check((t) => t.var(), x);
  check((t) => t.var(1, { keepdim: true }), x);
  check((t) => t.var(0, { correction: 0 }), x);
  check((t) => t.std(2), x);
  check((t) => t.prod(1), leaf([2, 3], { gap: 0.2 }));
  check((t) => t.logsumexp(1), x);
});

test('matmul: 1-D, 2-D, batched and broadcast', () => {
  check((a, b) => dt.matmul(a, b), leaf([3, 4]), leaf([4, 5]));
  check((a, b) => dt.matmul(a, b), leaf([4]), leaf([4]));
  check((a, b) => dt.matmul(a, b), leaf([4]), leaf([4, 2]));
  check((a, b) => dt.matmul(a, b), leaf([3, 4]), leaf([4]));
  check((a, b) => dt.matmul(a, b), leaf([2, 3, 4]), leaf([4, 5]));
  check((a, b) => dt.matmul(a, b), leaf([2, 1, 3, 4]), leaf([3, 4, 2]));
  check((a, b) => dt.matmul(a.transpose(0, 1), b), leaf([4, 3]), leaf([4, 2]));
  check((x, w, b) => dt.linear(x, w, b), leaf([5, 3]), leaf([4, 3]), leaf([4]));
});

test('views: reshape, permute, transpose, squeeze, unsqueeze, slice, expand, index', () => {
  const x = leaf([2, 3, 4]);
  check((t) => t.reshape(4, 6).mul(t.reshape(4, 6)), x);
  check((t) => t.permute(2, 0, 1).contiguous().reshape(-1), x);
  check((t) => t.transpose(0, 2).mul(2), x);
  check((t) => t.unsqueeze(1).squeeze(1).sum(0), x);
  check((t) => t.slice(2, 1, 4, 2), x);
  check((t) => t.narrow(1, 1, 2), x);
  check((t) => t.select(0, -1), x);
  check((t) => t.index(1, [0, 3], null), x);
  check((t) => t.expand(3, 2, 4).mul(t), leaf([2, 1]));
  check((t) => t.flatten(1).sum(1), x);
  check((t) => t.clone().to('float64').movedim(0, 2), x);
});

test('cat, stack, split, chunk', () => {
  const a = leaf([2, 3]),
    b = leaf([1, 3]),
    c = leaf([2, 3]);
  check((x, y) => dt.cat([x, y], 0), a, b);
  check((x, y) => dt.cat([x, y], 1), a, c);
  check((x, y) => dt.stack([x, y], 1), a, c);
  check((x) => dt.split(x, 2, 1)[1]!.mul(3), leaf([2, 5]));
  check((x) => dt.split(x, [1, 4], 1)[1]!, leaf([2, 5]));
  check(
    (x) => {
      const [p, q] = dt.chunk(x, 2, 0);
      return p!.mul(q!);
    },
    leaf([4, 3]),
  );
});

test('gather, indexSelect, scatterAdd', () => {
  const x = leaf([3, 4]);
  check((t) => dt.gather(t, 1, int([0, 3, 3, 1, 2, 2], [3, 2])), x);
  check((t) => dt.gather(t, 0, int([2, 0, 1, 1], [1, 4])), x);
  check((t) => dt.indexSelect(t, 0, int([2, 0, 2])), x);
  check((t) => dt.indexSelect(t, 1, int([3, 1])), x);
  check((b, s) => dt.scatterAdd(b, 0, int([1, 0, 1], [1, 3]), s), leaf([2, 3]), leaf([1, 3]));
});

test('softmax and logSoftmax', () => {
  check((t) => dt.softmax(t, 1), leaf([3, 5]));
  check((t) => dt.softmax(t, 0), leaf([3, 5]));
  check((t) => dt.logSoftmax(t, -1), leaf([2, 3, 4]));
  check((t) => dt.logSoftmax(t, 1), leaf([2, 3, 4]));
});

test('activations', () => {
  const x = leaf([3, 4], { gap: 0.05 });
  check((t) => dt.sigmoid(t), x);
  check((t) => dt.tanh(t), x);
  check((t) => dt.relu(t), x);
  check((t) => dt.leakyRelu(t, 0.1), x);
  check((t) => dt.elu(t, 1.5), x);
  check((t) => dt.maxout(t, 2), leaf([3, 6]));
  check((t) => dt.maxout(t, 3, 0), leaf([6, 2]));
  check((t) => dt.gelu(t), x);
  check((t) => dt.gelu(t, 'tanh'), x);
  check((t) => dt.silu(t), x);
  check((t) => dt.softplus(t), x);
  check((t) => dt.softplus(t, 2, 1), leaf([3, 4], { gap: 0.05, scale: 0.2 }));
});

test('losses', () => {
  const pred = leaf([4, 3]),
    target = dt.randn([4, 3], { dtype: 'float64' });
  check((p) => dt.mseLoss(p, target), pred);
  check((p) => dt.mseLoss(p, target, 'sum'), pred);
  check((p) => dt.l1Loss(p, target, 'none'), leaf([4, 3], { gap: 0.05 }).sub(0).detach().requiresGrad_());
  const logits = leaf([5, 4]);
  const cls = int([0, 3, 1, 1, 2]);
  check((l) => dt.crossEntropy(l, cls), logits);
  check((l) => dt.crossEntropy(l, int([0, -100, 1, 3, -100]), { ignoreIndex: -100 }), logits);
  check((l) => dt.crossEntropy(l, cls, { labelSmoothing: 0.1 }), logits);
  check((l) => dt.crossEntropy(l, cls, { reduction: 'none' }), logits);
  check((l) => dt.crossEntropy(l, cls, { weight: dt.tensor([1, 2, 0.5, 1], { dtype: 'float64' }) }), logits);
  check((l) => dt.crossEntropy(l, int([0, 2, 1, 1, 0, 2], [2, 3])), leaf([2, 4, 3]));
  check((l) => dt.nllLoss(dt.logSoftmax(l, 1), cls, { reduction: 'sum' }), logits);
  const probs = leaf([6]).sigmoid().detach().requiresGrad_();
  const y = dt.tensor([1, 0, 1, 1, 0, 0], { dtype: 'float64' });
  check((p) => dt.bceLoss(p, y), probs);
  check((l) => dt.bceWithLogits(l, y), leaf([6]));
  check((l) => dt.bceWithLogits(l, y, 'sum', { posWeight: dt.tensor([2], { dtype: 'float64' }) }), leaf([6]));
});

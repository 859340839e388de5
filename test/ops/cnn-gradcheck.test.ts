// The CNN ops against float64 central differences: every gradient (input, weight, bias) of every
// convolution and pooling op, batch norm in training and eval, and second derivatives of conv2d.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { leaf } from '../helpers.js';

const check = (fn: (...xs: dt.Tensor[]) => dt.Tensor | dt.Tensor[], ...inputs: dt.Tensor[]) => dt.gradcheck(fn, inputs);

test('conv2d: input, weight and bias gradients over stride, padding, dilation and groups', () => {
  check((x, w, b) => dt.conv2d(x, w, b), leaf([2, 3, 5, 4]), leaf([4, 3, 3, 2]), leaf([4]));
  check((x, w, b) => dt.conv2d(x, w, b, { stride: 2, padding: 1 }), leaf([1, 2, 6, 5]), leaf([3, 2, 3, 3]), leaf([3]));
  check((x, w) => dt.conv2d(x, w, null, { stride: [2, 1], padding: [1, 2], dilation: [2, 1] }), leaf([1, 2, 7, 5]), leaf([2, 2, 2, 3]));
  check((x, w, b) => dt.conv2d(x, w, b, { stride: 2, padding: 1, dilation: 2, groups: 2 }), leaf([1, 4, 7, 7]), leaf([4, 2, 3, 3]), leaf([4]));
  check((x, w) => dt.conv2d(x, w, null, { padding: 'same' }), leaf([1, 2, 4, 4]), leaf([2, 2, 3, 3]));
  check((x, w) => dt.conv2d(x, w), leaf([2, 3, 4]), leaf([3, 2, 2, 2])); // unbatched (C, H, W)
});

test('conv2dBackwardInput and conv2dBackwardWeight are differentiable in both operands (convTranspose2d and double backward rest on this)', () => {
  const p = { stride: [2, 1] as [number, number], padding: [1, 0] as [number, number], dilation: [1, 2] as [number, number], groups: 1 };
  check((g, w) => dt.conv2dBackwardInput(g, w, [1, 2, 6, 6], p), leaf([1, 3, 3, 2]), leaf([3, 2, 3, 3]));
  check((x, g) => dt.conv2dBackwardWeight(x, g, [3, 2, 3, 3], p), leaf([1, 2, 6, 6]), leaf([1, 3, 3, 2]));
  const pg = { stride: [1, 1] as [number, number], padding: [1, 1] as [number, number], dilation: [1, 1] as [number, number], groups: 2 };
  check((g, w) => dt.conv2dBackwardInput(g, w, [1, 4, 3, 3], pg), leaf([1, 2, 3, 3]), leaf([2, 2, 3, 3]));
  check((x, g) => dt.conv2dBackwardWeight(x, g, [2, 2, 3, 3], pg), leaf([1, 4, 3, 3]), leaf([1, 2, 3, 3]));
});

test('conv1d: gradients, and it equals conv2d on a height-1 image', () => {
  check((x, w, b) => dt.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 }), leaf([2, 3, 9]), leaf([4, 3, 3]), leaf([4]));
  check((x, w) => dt.conv1d(x, w, null, { groups: 3 }), leaf([1, 3, 6]), leaf([6, 1, 2]));
  const x = leaf([2, 3, 9]).detach(),
    w = leaf([4, 3, 3]).detach();
  const a = dt.conv1d(x, w, null, { padding: 1 });
  const b = dt.conv2d(x.unsqueeze(2), w.unsqueeze(2), null, { padding: [0, 1] }).squeeze(2);
  assert.deepEqual(a.toArray(), b.toArray());
});

test('convTranspose2d: gradients with stride, padding, output padding, groups, dilation', () => {
  check((x, w, b) => dt.convTranspose2d(x, w, b), leaf([2, 3, 3, 4]), leaf([3, 2, 3, 3]), leaf([2]));
  check((x, w, b) => dt.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), leaf([1, 2, 3, 3]), leaf([2, 3, 4, 4]), leaf([3]));
  check(
    (x, w) => dt.convTranspose2d(x, w, null, { stride: [2, 3], groups: 2, dilation: [1, 2], outputPadding: [1, 0] }),
    leaf([1, 4, 3, 2]),
    leaf([4, 1, 2, 3]),
  );
});

test('maxPool2d, avgPool2d, adaptiveAvgPool2d gradients', () => {
  // values spread apart so no window has a near-tie (max is not differentiable at ties)
  const distinct = (shape: number[]) => {
    const t = leaf(shape);
    const n = t.numel(),
      perm = dt.randperm(n, { generator: new dt.Generator(3) }).toTypedArray();
    for (let i = 0; i < n; i++) t.storage[i] = perm[i]! * 0.1 - n * 0.05;
    return t;
  };
  check((x) => dt.maxPool2d(x, 2), distinct([2, 2, 6, 5]));
  check((x) => dt.maxPool2d(x, 3, { stride: 2, padding: 1 }), distinct([1, 2, 7, 7]));
  check((x) => dt.maxPool2d(x, [2, 3], { stride: 1, dilation: [2, 1], ceilMode: true }), distinct([1, 1, 6, 7]));
  check((x) => dt.maxPool2d(x, 3, { stride: 2, ceilMode: true }), distinct([1, 2, 8, 8]));
  check((x) => dt.avgPool2d(x, 2), leaf([2, 2, 5, 6]));
  check((x) => dt.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), leaf([1, 2, 6, 7]));
  check((x) => dt.avgPool2d(x, [3, 2], { padding: [1, 1], divisorOverride: 3 }), leaf([1, 1, 5, 5]));
  check((x) => dt.adaptiveAvgPool2d(x, [3, 2]), leaf([2, 2, 7, 5]));
  check((x) => dt.adaptiveAvgPool2d(x, 1), leaf([2, 3, 4, 4]));
  check((x) => dt.adaptiveAvgPool2d(x, [null, 2]), leaf([1, 2, 3, 5]));
});

test('batchNorm: gradients in training (batch statistics) and eval (running statistics), 2-D, 3-D and 4-D input', () => {
  const C = 3;
  const rm = () => dt.zeros([C], { dtype: 'float64' }),
    rv = () => dt.ones([C], { dtype: 'float64' });
  check((x, w, b) => dt.batchNorm(x, rm(), rv(), { weight: w, bias: b, training: true }), leaf([4, C, 3, 2]), leaf([C]), leaf([C]));
  check((x, w, b) => dt.batchNorm(x, null, null, { weight: w, bias: b, training: true }), leaf([5, C]), leaf([C]), leaf([C]));
  check((x) => dt.batchNorm(x, rm(), rv(), { training: true }), leaf([2, C, 4]));
  const runMean = leaf([C]).detach(),
    runVar = leaf([C], { positive: true }).detach();
  check((x, w, b) => dt.batchNorm(x, runMean, runVar, { weight: w, bias: b, training: false }), leaf([2, C, 2, 2]), leaf([C]), leaf([C]));
  // a non-contiguous input (channels-last storage viewed as NCHW)
  const nhwc = leaf([2, 3, 3, C]);
  check((x) => dt.batchNorm(x.permute(0, 3, 1, 2), null, null, { training: true }), nhwc);
});

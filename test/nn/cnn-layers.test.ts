// The CNN layers: shapes, PyTorch's default initialization ranges and state-dict names, gradchecks
// through each module (float64), batch norm's modes and running statistics, Dropout2d's whole-channel
// masks, and the bad-argument errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { leaf } from '../helpers.js';

const { nn } = dt;
const f64 = { dtype: 'float64' as const };

/** gradcheck of a module's forward with respect to its input and every parameter. */
function checkModule(m: dt.nn.Module, x: dt.Tensor): void {
  const params = m.parameters();
  dt.gradcheck((input) => m.forward(input), [x, ...params]);
}

test('Conv2d: shapes, default init ranges, state dict names, repr', () => {
  const conv = new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1, groups: 2 });
  assert.deepEqual(conv.weight.shape, [6, 2, 3, 3]);
  assert.deepEqual(Object.keys(conv.stateDict()), ['weight', 'bias']);
  const bound = 1 / Math.sqrt(2 * 9); // kaiming_uniform(a=√5) is U(−1/√fanIn, 1/√fanIn)
  for (const v of conv.weight.toTypedArray()) assert.ok(Math.abs(v) <= bound);
  for (const v of conv.bias!.toTypedArray()) assert.ok(Math.abs(v) <= bound);
  assert.deepEqual(conv.forward(dt.randn([2, 4, 9, 7])).shape, [2, 6, 5, 4]);
  assert.deepEqual(conv.forward(dt.randn([4, 9, 7])).shape, [6, 5, 4]); // unbatched
  assert.equal(conv.toString(), 'Conv2d(4, 6, kernelSize=(3, 3), stride=(2, 2), padding=(1, 1), groups=2)');
  assert.equal(new nn.Conv2d(1, 2, [3, 5], { bias: false }).numParameters(), 30);
  assert.deepEqual(new nn.Conv2d(3, 5, 3, { padding: 'same', dilation: 2 }).forward(dt.randn([1, 3, 8, 8])).shape, [1, 5, 8, 8]);
});

test('Conv1d, ConvTranspose2d: shapes and init', () => {
  const c1 = new nn.Conv1d(3, 8, 5, { stride: 2, padding: 2 });
  assert.deepEqual(c1.weight.shape, [8, 3, 5]);
  assert.deepEqual(c1.forward(dt.randn([2, 3, 20])).shape, [2, 8, 10]);
  const up = new nn.ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1 }); // DCGAN: doubles the size
  assert.deepEqual(up.weight.shape, [8, 4, 4, 4]);
  assert.deepEqual(up.forward(dt.randn([2, 8, 7, 7])).shape, [2, 4, 14, 14]);
  const bound = 1 / Math.sqrt(4 * 16); // fan in of a transposed weight is size(1)·k·k, as torch
  for (const v of up.weight.toTypedArray()) assert.ok(Math.abs(v) <= bound);
  assert.deepEqual(new nn.ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 1 }).forward(dt.randn([1, 2, 4, 4])).shape, [1, 2, 10, 10]);
});

test('gradchecks through Conv1d, Conv2d, ConvTranspose2d, the pools, BatchNorm1d/2d and Flatten', () => {
  checkModule(new nn.Conv2d(2, 4, 3, { stride: 2, padding: 1, dilation: 2, groups: 2, ...f64 }), leaf([2, 2, 7, 7]));
  checkModule(new nn.Conv1d(2, 3, 3, { padding: 1, ...f64 }), leaf([2, 2, 6]));
  checkModule(new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1, ...f64 }), leaf([1, 2, 3, 3]));
  const distinct = leaf([1, 2, 6, 6]);
  for (let i = 0; i < distinct.numel(); i++) distinct.storage[i] = ((i * 37) % 72) * 0.1;
  checkModule(new nn.MaxPool2d(3, { stride: 2, padding: 1 }), distinct);
  checkModule(new nn.AvgPool2d(2, { stride: 1 }), leaf([1, 2, 5, 5]));
  checkModule(new nn.AdaptiveAvgPool2d([2, 3]), leaf([2, 2, 5, 7]));
  checkModule(new nn.BatchNorm2d(3, f64), leaf([3, 3, 2, 2]));
  checkModule(new nn.BatchNorm1d(4, f64), leaf([5, 4]));
  checkModule(new nn.BatchNorm1d(2, f64).eval(), leaf([3, 2, 4]));
  checkModule(new nn.Sequential(new nn.Conv2d(1, 2, 3, f64), new nn.Flatten(), new nn.Linear(2 * 3 * 3, 2, f64)), leaf([2, 1, 5, 5]));
  // Dropout2d with the same mask on every call (a fresh generator of one seed)
  dt.gradcheck((x) => nn.dropout2d(x, 0.5, true, { generator: new dt.Generator(7) }), [leaf([2, 3, 2, 2])]);
});

test('BatchNorm: running statistics (momentum, cumulative), eval uses them, trackRunningStats false, state dict names', () => {
  const bn = new nn.BatchNorm2d(2);
  assert.deepEqual(Object.keys(bn.stateDict()), ['weight', 'bias', 'runningMean', 'runningVar', 'numBatchesTracked']);
  const x = dt.tensor([
    [[[1, 3]], [[10, 20]]],
    [[[5, 7]], [[30, 40]]],
  ]); // (2, 2, 1, 2)
  const y = bn.forward(x);
  // channel 0: values 1, 3, 5, 7: mean 4, biased var 5, unbiased 20/3
  const inv = 1 / Math.sqrt(5 + 1e-5);
  assert.ok(Math.abs(y.toTypedArray()[0]! - (1 - 4) * inv) < 1e-6);
  assert.ok(Math.abs(bn.runningMean!.toTypedArray()[0]! - 0.4) < 1e-6);
  assert.ok(Math.abs(bn.runningVar!.toTypedArray()[0]! - (0.9 + (0.1 * 20) / 3)) < 1e-6);
  assert.equal(bn.numBatchesTracked!.item(), 1);
  bn.eval();
  const e = bn.forward(x);
  assert.ok(Math.abs(e.toTypedArray()[0]! - (1 - 0.4) / Math.sqrt(0.9 + 2 / 3 + 1e-5)) < 1e-5);
  assert.equal(bn.numBatchesTracked!.item(), 1, 'eval does not count batches');
  // momentum null: the running mean is the plain average of the batch means
  const cum = new nn.BatchNorm1d(1, { momentum: null });
  cum.forward(dt.tensor([[1], [3]]));
  cum.forward(dt.tensor([[5], [7]]));
  assert.ok(Math.abs(cum.runningMean!.item() - 4) < 1e-6);
  // no running statistics: batch statistics in eval too
  const free = new nn.BatchNorm1d(1, { trackRunningStats: false, affine: false }).eval();
  assert.equal(free.numParameters(), 0);
  assert.deepEqual(Object.keys(free.stateDict()), []);
  assert.ok(Math.abs(free.forward(dt.tensor([[1], [3]])).toTypedArray()[0]! + 1) < 1e-4);
});

test('Dropout2d zeroes whole channels and scales the rest; identity in eval', () => {
  const d = new nn.Dropout2d(0.5, { generator: new dt.Generator(5) });
  const y = d.forward(dt.ones([4, 8, 3, 3])).toTypedArray();
  let zeroed = 0;
  for (let ch = 0; ch < 32; ch++) {
    const vals = new Set(Array.from(y.subarray(ch * 9, ch * 9 + 9)));
    assert.equal(vals.size, 1, `channel ${ch} is all one value`);
    const v = [...vals][0]!;
    assert.ok(v === 0 || v === 2);
    if (v === 0) zeroed++;
  }
  assert.ok(zeroed > 4 && zeroed < 28, `${zeroed} of 32 channels dropped`);
  d.eval();
  assert.deepEqual(d.forward(dt.ones([1, 2, 2, 2])).toTypedArray(), new Float32Array(8).fill(1));
});

test('CNN layers and ops reject bad arguments with errors naming the op, the shapes and what was expected', () => {
  const throwsLike = (fn: () => unknown, re: RegExp) => assert.throws(fn, re);
  throwsLike(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), /Conv2d: inChannels 3 must be divisible by groups 2/);
  throwsLike(() => new nn.Conv2d(0, 4, 3), /Conv2d: inChannels must be a positive integer, got 0/);
  throwsLike(() => new nn.Conv2d(3, 4, [3, 3, 3] as unknown as [number, number]), /Conv2d: kernelSize must be a number or a pair/);
  throwsLike(() => new nn.Conv2d(3, 4, 3, { stride: 0 }), /Conv2d: stride must be positive integers/);
  throwsLike(
    () => new nn.Conv2d(3, 4, 3).forward(dt.randn([2, 5, 8, 8])),
    /conv2d: input \(2,5,8,8\) has 5 channels, but weight \(4,3,3,3\) with groups=1 expects 3/,
  );
  throwsLike(() => new nn.Conv2d(3, 4, 5).forward(dt.randn([1, 3, 3, 3])), /conv2d: input \(1,3,3,3\) is smaller than the kernel/);
  throwsLike(() => dt.conv2d(dt.randn([1, 2, 2, 2, 2]), dt.randn([1, 2, 1, 1])), /conv2d: expected input \(N, C, H, W\), got \(1,2,2,2,2\)/);
  throwsLike(() => dt.conv2d(dt.randn([1, 2, 4, 4]), dt.randn([1, 2, 4, 4], { dtype: 'float64' })), /conv2d: input is float32 but weight is float64/);
  throwsLike(() => dt.conv2d(dt.randn([1, 2, 4, 4]), dt.randn([3, 2, 2, 2]), dt.randn([2])), /conv2d: bias must have shape \(3,\)/);
  throwsLike(() => dt.conv2d(dt.randn([1, 2, 4, 4]), dt.randn([3, 2, 2, 2]), null, { padding: 'same' }), /padding 'same' .* needs uneven padding/);
  throwsLike(() => dt.conv2d(dt.randn([1, 2, 4, 4]), dt.randn([3, 2, 3, 3]), null, { padding: 'same', stride: 2 }), /padding 'same' needs stride 1/);
  throwsLike(() => dt.conv1d(dt.randn([1, 2, 4, 4]), dt.randn([3, 2, 3])), /conv1d: expected input \(N, C, L\) or \(C, L\), got \(1,2,4,4\)/);
  throwsLike(
    () => new nn.ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 }),
    /ConvTranspose2d: outputPadding \(2, 2\) must be smaller than stride \(2, 2\)/,
  );
  throwsLike(
    () => dt.convTranspose2d(dt.randn([1, 3, 4, 4]), dt.randn([2, 2, 3, 3])),
    /convTranspose2d: input \(1,3,4,4\) has 3 channels, but weight \(2,2,3,3\) expects 2/,
  );
  throwsLike(() => dt.maxPool2d(dt.randn([1, 1, 4, 4]), 2, { padding: 2 }), /maxPool2d: padding 2×2 must be at most half the kernel size 2×2/);
  throwsLike(() => dt.maxPool2d(dt.randn([1, 1, 1, 4]), 2), /maxPool2d: input \(1,1,1,4\) is too small for kernel 2×2/);
  throwsLike(() => dt.maxPool2d(dt.randn([4, 4]), 2), /maxPool2d: expected input \(N, C, H, W\) or \(C, H, W\), got \(4,4\)/);
  throwsLike(() => dt.maxPool2d(dt.ones([1, 1, 4, 4], { dtype: 'int32' }), 2), /maxPool2d: expected a floating point input, got int32/);
  throwsLike(() => dt.avgPool2d(dt.randn([1, 1, 4, 4]), 2, { divisorOverride: 0 }), /avgPool2d: divisorOverride must be a non-zero number/);
  throwsLike(() => new nn.AdaptiveAvgPool2d(0), /AdaptiveAvgPool2d: outputSize must be a positive integer/);
  throwsLike(() => new nn.BatchNorm2d(3).forward(dt.randn([2, 3, 4])), /BatchNorm2d: expected 4-D \(N, C, H, W\) input, got \(2,3,4\)/);
  throwsLike(() => new nn.BatchNorm1d(3).forward(dt.randn([2, 4])), /BatchNorm1d: expected 3 channels \(dim 1\), got input of shape \(2,4\)/);
  throwsLike(
    () => new nn.BatchNorm1d(3).forward(dt.randn([1, 3])),
    /batchNorm: expected more than 1 value per channel when training, got input of shape \(1,3\)/,
  );
  throwsLike(() => new nn.BatchNorm1d(3, { momentum: 2 }), /BatchNorm1d: momentum must be in \[0, 1\] or null, got 2/);
  throwsLike(() => dt.batchNorm(dt.randn([2, 3]), null, null), /batchNorm: eval mode needs runningMean and runningVar/);
  throwsLike(() => dt.batchNorm(dt.randn([2, 3]), dt.zeros([2]), dt.ones([2])), /batchNorm: runningMean must have shape \(3,\), got \(2,\)/);
  throwsLike(() => new nn.Dropout2d(1.5), /Dropout2d: dropout probability p must be in \[0, 1\], got 1.5/);
  throwsLike(() => new nn.Dropout2d().forward(dt.randn([2, 3])), /dropout2d: expected \(N, C, H, W\) or \(C, H, W\) input, got \(2,3\)/);
});

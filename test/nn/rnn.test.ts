// The recurrent layers: float64 gradchecks of every cell (fused kernels) and of stacked,
// bidirectional and packed modules; second derivatives through the cells' composed forms; the
// packing utilities; PyTorch's layout (names, shapes, h_n whatever batchFirst says); dropout only
// between layers; long sequences; and every bad input the issue lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { gruCell, lstmCell } from '../../src/ops/index.js';
import { composedCells } from '../../src/ops/rnn-cells.js';
import { leaf } from '../helpers.js';
import type { Tensor } from '../../src/index.js';

const { nn } = dt;
const { PackedSequence, packPaddedSequence, padPackedSequence, padSequence, packSequence } = nn.utils.rnn;
const f64 = { dtype: 'float64' as const };

test('lstmCell and gruCell: gradchecks of the fused kernels, and second derivatives through the composed forms', () => {
  dt.gradcheck((xg, hg, c) => dt.stack(lstmCell(xg, hg, c)), [leaf([3, 8]), leaf([3, 8]), leaf([3, 2])]);
  dt.gradcheck((xg, hg, h) => gruCell(xg, hg, h), [leaf([2, 9]), leaf([2, 9]), leaf([2, 3])]);
  dt.gradgradcheck((xg, hg, c) => lstmCell(xg, hg, c)[0], [leaf([2, 4]), leaf([2, 4]), leaf([2, 1])]);
  dt.gradgradcheck((xg, hg, h) => gruCell(xg, hg, h), [leaf([2, 6]), leaf([2, 6]), leaf([2, 2])]);
});

test('recurrentLayer (the fused time loop) equals the per-step cell ops, forward and second derivatives, on packed steps both ways', () => {
  const sizes = [3, 3, 2, 1];
  for (const cell of ['lstm', 'gru'] as const) {
    const G = cell === 'lstm' ? 4 : 3;
    for (const reverse of [false, true]) {
      const x = leaf([9, G * 2]),
        w = leaf([G * 2, 2]),
        b = leaf([G * 2]),
        h0 = leaf([3, 2]),
        c0 = leaf([3, 2]);
      const fused = (x: Tensor, w: Tensor, b: Tensor, h0: Tensor, c0: Tensor) => {
        const [o, h, c] = dt.recurrentLayer(cell, x, w, b, h0, cell === 'lstm' ? c0 : null, sizes, reverse);
        return c ? dt.cat([o, h, c], 0) : dt.cat([o, h, c0.mul(0)], 0);
      };
      dt.gradcheck(fused, [x, w, b, h0, c0]);
      dt.gradgradcheck((x, w, h0) => fused(x!, w!, b.detach(), h0!, c0.detach()), [x, w, h0]);
    }
  }
});

test('lstmCell and gruCell equal their composed forms (float64)', () => {
  const [xg, hg, c] = [leaf([4, 12]), leaf([4, 12]), leaf([4, 3])];
  const [h, c2] = lstmCell(xg, hg, c);
  const ref = composedCells.lstm(xg, hg, c, 3);
  assert.ok(dt.stack([h, c2]).sub(ref).abs().max().item() < 1e-14);
  const [xg3, hg3, h0] = [leaf([4, 9]), leaf([4, 9]), leaf([4, 3])];
  assert.ok(
    gruCell(xg3, hg3, h0)
      .sub(composedCells.gru(xg3, hg3, h0, 3))
      .abs()
      .max()
      .item() < 1e-14,
  );
});

test('the cell modules: gradchecks through input, state and every parameter; unbatched input', () => {
  dt.manualSeed(1);
  const rnn = new nn.RNNCell(3, 4, { dtype: 'float64', nonlinearity: 'relu' });
  const lstm = new nn.LSTMCell(3, 4, { dtype: 'float64' });
  const gru = new nn.GRUCell(3, 4, { dtype: 'float64', bias: false });
  const x = leaf([2, 3], { gap: 0.05 }),
    h = leaf([2, 4]),
    c = leaf([2, 4]);
  // gradcheck perturbs its inputs in place, so the modules' own parameters can be among them
  dt.gradcheck((x, h) => rnn.forward(x!, h), [x, h, ...rnn.parameters()]);
  dt.gradcheck((x, h, c) => dt.stack(lstm.forward(x!, [h!, c!])), [x, h, c, ...lstm.parameters()]);
  dt.gradcheck((x, h) => gru.forward(x!, h), [x, h, ...gru.parameters()]);
  assert.deepEqual(gru.forward(dt.randn([3], f64)).shape, [4]);
  const [h1, c1] = lstm.forward(dt.randn([3], f64), [dt.zeros([4], f64), dt.zeros([4], f64)]);
  assert.deepEqual([h1.shape, c1.shape], [[4], [4]]);
  assert.deepEqual(Object.keys(lstm.stateDict()), ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
  assert.deepEqual(lstm.weight_ih.shape, [16, 3]);
  assert.equal(gru.bias_ih, null);
});

/** A module's output (padded back if packed) and final states summed with fixed weights: a scalar for gradcheck. */
function scalar(out: Tensor | InstanceType<typeof PackedSequence>, state: Tensor | [Tensor, Tensor]): Tensor {
  const o = out instanceof PackedSequence ? padPackedSequence(out)[0] : out;
  const states = Array.isArray(state) ? state : [state];
  let s = o.mul(dt.linspace(-1, 1, o.numel(), f64).view(...o.shape)).sum();
  for (const t of states) s = s.add(t.square().sum());
  return s;
}

test('LSTM, GRU and RNN: gradchecks of 2-layer bidirectional modules on an unsorted packed batch (input, initial states, every weight)', () => {
  dt.manualSeed(2);
  const lengths = [3, 5, 1, 4];
  for (const m of [
    new nn.LSTM(3, 2, { numLayers: 2, bidirectional: true, dtype: 'float64' }),
    new nn.GRU(3, 2, { numLayers: 2, bidirectional: true, dtype: 'float64' }),
    new nn.RNN(3, 2, { numLayers: 2, bidirectional: true, dtype: 'float64' }),
  ]) {
    const lstm = m instanceof nn.LSTM;
    const states = lstm ? [leaf([4, 4, 2]), leaf([4, 4, 2])] : [leaf([4, 4, 2])];
    // gradcheck perturbs its inputs in place, so the module's own parameters can be among them
    dt.gradcheck(
      (x, h, c) => {
        const packed = packPaddedSequence(x!, lengths, { enforceSorted: false });
        const [out, state] = lstm ? (m as dt.nn.LSTM).forward(packed, [h!, c!]) : (m as dt.nn.GRU).forward(packed, h);
        return scalar(out, state);
      },
      [leaf([5, 4, 3]), ...states, ...m.parameters()],
    );
  }
});

test('a padded batch (batchFirst) gives what the same sequences packed give, and h_n is (D·layers, B, H) either way', () => {
  dt.manualSeed(3);
  const m = new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
  const x = dt.randn([2, 5, 3]);
  const [out, hN] = m.forward(x) as [Tensor, Tensor];
  assert.deepEqual(out.shape, [2, 5, 8]);
  assert.deepEqual(hN.shape, [4, 2, 4]);
  const [pOut, pH] = m.forward(packPaddedSequence(x, [5, 5], { batchFirst: true })) as [InstanceType<typeof PackedSequence>, Tensor];
  assert.ok(padPackedSequence(pOut, { batchFirst: true })[0].sub(out).abs().max().item() < 1e-6);
  assert.ok(pH.sub(hN).abs().max().item() < 1e-6);
  // unbatched (T, I)
  const [u, uh] = new nn.LSTM(3, 4).forward(dt.randn([5, 3])) as [Tensor, [Tensor, Tensor]];
  assert.deepEqual(
    [u.shape, uh[0].shape, uh[1].shape],
    [
      [5, 4],
      [1, 4],
      [1, 4],
    ],
  );
});

test("packed batches: padded steps never touch the state; h_n is each sequence's last real step; reverse starts at each one's own end", () => {
  dt.manualSeed(4);
  const m = new nn.LSTM(2, 3, { bidirectional: true });
  const seqs = [dt.randn([4, 2]), dt.randn([2, 2]), dt.randn([3, 2])];
  const [out, [hN]] = m.forward(packSequence(seqs, { enforceSorted: false })) as [InstanceType<typeof PackedSequence>, [Tensor, Tensor]];
  const [padded, lengths] = padPackedSequence(out);
  assert.deepEqual(Array.from(lengths.toTypedArray()), [4, 2, 3]);
  seqs.forEach((s, b) => {
    // each sequence alone, unpadded, gives the same outputs and final states
    const [alone, [h]] = m.forward(s.unsqueeze(1)) as [Tensor, [Tensor, Tensor]];
    const L = s.shape[0]!;
    assert.ok(padded.narrow(0, 0, L).select(1, b).sub(alone.squeeze(1)).abs().max().item() < 1e-6, `sequence ${b}: outputs`);
    if (L < 4)
      assert.ok(
        padded
          .narrow(0, L, 4 - L)
          .select(1, b)
          .abs()
          .max()
          .item() === 0,
        `sequence ${b}: padding stays 0`,
      );
    assert.ok(hN.select(1, b).sub(h.select(1, 0)).abs().max().item() < 1e-6, `sequence ${b}: h_n in the original order`);
  });
});

test('padSequence, packPaddedSequence, padPackedSequence round-trip (batchFirst, totalLength, paddingValue) and carry gradients', () => {
  const a = dt.randn([3, 2], { requiresGrad: true }),
    b = dt.randn([1, 2], { requiresGrad: true });
  const padded = padSequence([a, b], { batchFirst: true, paddingValue: -1 });
  assert.deepEqual(padded.shape, [2, 3, 2]);
  assert.deepEqual(Array.from(padded.select(0, 1).select(0, 2).toTypedArray()), [-1, -1]);
  const packed = packPaddedSequence(padded, [3, 1], { batchFirst: true });
  assert.deepEqual(packed.sizes(), [2, 1, 1]);
  const [back, lens] = padPackedSequence(packed, { batchFirst: true, totalLength: 4 });
  assert.deepEqual(back.shape, [2, 4, 2]);
  assert.deepEqual(Array.from(lens.toTypedArray()), [3, 1]);
  back.sum().backward();
  assert.deepEqual(Array.from(b.grad!.toTypedArray()), [1, 1]);
  assert.deepEqual(Array.from(a.grad!.toTypedArray()), [1, 1, 1, 1, 1, 1]);
});

test('parameters: names, order and shapes as PyTorch; U(−1/√H, 1/√H); dropout only between layers', () => {
  const m = new nn.LSTM(3, 5, { numLayers: 2, bidirectional: true });
  const names = m.namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`);
  assert.deepEqual(names.slice(0, 5), ['weight_ih_l0 20x3', 'weight_hh_l0 20x5', 'bias_ih_l0 20', 'bias_hh_l0 20', 'weight_ih_l0_reverse 20x3']);
  assert.equal(names[8], 'weight_ih_l1 20x10');
  assert.equal(names.length, 16);
  const k = 1 / Math.sqrt(5);
  for (const p of m.parameters()) assert.ok(p.abs().max().item() <= k, 'inside U(−1/√H, 1/√H)');
  assert.ok(m.parameters()[0]!.abs().max().item() > 0.8 * k, 'and spread over it');
  assert.deepEqual(new nn.GRU(2, 3, 2).numLayers, 2); // PyTorch's positional numLayers
  // dropout between layers: a 1-layer module ignores it, a 2-layer one in training differs from eval
  dt.manualSeed(5);
  const one = new nn.GRU(2, 3, { dropout: 0.5 });
  const x = dt.randn([4, 1, 2]);
  const a = (one.forward(x) as [Tensor, Tensor])[0];
  one.eval();
  assert.ok((one.forward(x) as [Tensor, Tensor])[0].sub(a).abs().max().item() === 0, 'no dropout after the last layer');
  const two = new nn.GRU(2, 3, { numLayers: 2, dropout: 0.5 });
  const t = (two.forward(x) as [Tensor, Tensor])[0];
  two.eval();
  assert.ok((two.forward(x) as [Tensor, Tensor])[0].sub(t).abs().max().item() > 0, 'dropout between the layers in training');
});

test('long sequences: backprop through 3,000 steps neither overflows the stack nor fails', () => {
  const m = new nn.GRU(2, 4);
  const x = dt.randn([3000, 1, 2], { requiresGrad: true });
  const [, h] = m.forward(x) as [Tensor, Tensor];
  h.sum().backward();
  assert.deepEqual(x.grad!.shape, [3000, 1, 2]);
  assert.ok(Number.isFinite(x.grad!.abs().sum().item()));
});

test('bad input: rank, feature size, state shapes, lengths, unsorted lengths, state dicts, options — each a clear error', () => {
  const m = new nn.LSTM(3, 4, { numLayers: 2 });
  assert.throws(() => m.forward(dt.randn([2, 3, 4, 3])), /LSTM: input must be \(T, B, inputSize\) or unbatched \(T, inputSize\), got \(2,3,4,3\)/);
  assert.throws(() => m.forward(dt.randn([5, 2, 4])), /LSTM: input \(5,2,4\) has 4 features, expected inputSize 3/);
  assert.throws(() => m.forward(dt.randn([5, 2, 3]), [dt.zeros([1, 2, 4]), dt.zeros([2, 2, 4])]), /LSTM: h0 must be \(2,2,4\).*got \(1,2,4\)/);
  assert.throws(() => m.forward(dt.randn([5, 2, 3]), dt.zeros([2, 2, 4]) as never), /LSTM: the initial state must be \[h0, c0\]/);
  assert.throws(() => new nn.GRU(3, 4).forward(dt.randn([5, 2, 3]), dt.zeros([1, 3, 4])), /GRU: h0 must be \(1,2,4\)/);
  assert.throws(() => packPaddedSequence(dt.randn([3, 2, 1]), [4, 2]), /lengths\[0\] is 4, longer than the 3 padded steps/);
  assert.throws(() => packPaddedSequence(dt.randn([3, 2, 1]), [3, 0]), /lengths\[1\] is 0; every length must be a positive integer/);
  assert.throws(() => packPaddedSequence(dt.randn([3, 2, 1]), [2, 3]), /lengths must be sorted in decreasing order with enforceSorted.*enforceSorted: false/);
  assert.throws(() => packPaddedSequence(dt.randn([3, 2, 1]), [3]), /got 1 lengths for a batch of 2/);
  const sd = m.stateDict();
  delete sd.weight_hh_l1;
  assert.throws(() => m.loadStateDict(sd), /weight_hh_l1/);
  const bad = { ...m.stateDict(), weight_ih_l0: dt.zeros([16, 2]) };
  assert.throws(() => m.loadStateDict(bad), /weight_ih_l0/);
  assert.throws(() => new nn.LSTM(3, 4, { num_layers: 2 } as never), /unknown option 'num_layers'.*numLayers/);
  assert.throws(() => new nn.RNN(3, 4, { nonlinearity: 'sigmoid' } as never), /nonlinearity must be one of/);
  assert.throws(() => new nn.GRU(3, 0), /hiddenSize must be/);
  assert.throws(() => new nn.LSTMCell(3, 4).forward(dt.randn([2, 5])), /LSTMCell: input must be \(N, 3\) or \(3\), got \(2,5\)/);
  assert.throws(() => new nn.GRUCell(3, 4).forward(dt.randn([2, 3]), dt.zeros([3, 4])), /GRUCell: hx must be \(2,4\), got \(3,4\)/);
  assert.throws(() => lstmCell(dt.zeros([2, 8]), dt.zeros([2, 8]), dt.zeros([2, 3])), /lstmCell: expected xg and hg \(rows, 4·H\)/);
});

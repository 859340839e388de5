// The recurrent layers against PyTorch 1.13 (fixtures/rnn/rnn.json, written by
// scripts/rnn_fixtures.py): a PyTorch state dict loads as it is, and on packed batches of unequal
// lengths (unsorted) and padded ones, the outputs, final states and every gradient (parameters,
// input, initial states) match to 1e-5 relative in float32, on every backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { compare, loadFixture, tensorOf, type T } from '../f32-fixtures.js';

const { nn } = dt;
const { packPaddedSequence, padPackedSequence } = nn.utils.rnn;

type Case = {
  name: string;
  mode: 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  lengths: number[] | null;
  x: T;
  out: T;
  hN: T;
  r: T;
  rh: T;
  dx: T;
  state: Record<string, T>;
  grads: Record<string, T>;
  h0?: T;
  dh0?: T;
  c0?: T;
  dc0?: T;
  cN?: T;
  rc?: T;
};

function build(c: Case): dt.nn.RNNBase {
  const opts = { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst, bias: 'bias_ih_l0' in c.state };
  const m =
    c.mode === 'LSTM'
      ? new nn.LSTM(c.inputSize, c.hiddenSize, opts)
      : c.mode === 'GRU'
        ? new nn.GRU(c.inputSize, c.hiddenSize, opts)
        : new nn.RNN(c.inputSize, c.hiddenSize, { ...opts, nonlinearity: c.mode === 'RNN_RELU' ? 'relu' : 'tanh' });
  const sd = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, tensorOf(v)]));
  assert.deepEqual(m.loadStateDict(sd), { missingKeys: [], unexpectedKeys: [] }, `${c.name}: PyTorch's state dict loads as it is`);
  return m;
}

function check(c: Case): void {
  const m = build(c);
  const x = tensorOf(c.x, true);
  const h0 = c.h0 ? tensorOf(c.h0, true) : null,
    c0 = c.c0 ? tensorOf(c.c0, true) : null;
  const input = c.lengths ? packPaddedSequence(x, c.lengths, { batchFirst: c.batchFirst, enforceSorted: false }) : x;
  const state = c.mode === 'LSTM' ? (h0 && c0 ? [h0, c0] : null) : h0;
  const [rawOut, finalState] = (m as dt.nn.LSTM).forward(input, state as [dt.Tensor, dt.Tensor] | null);
  const out =
    rawOut instanceof nn.utils.rnn.PackedSequence
      ? padPackedSequence(rawOut, { batchFirst: c.batchFirst, totalLength: c.x.shape[c.batchFirst ? 1 : 0] })[0]
      : rawOut;
  const [hN, cN] = Array.isArray(finalState) ? finalState : [finalState as unknown as dt.Tensor, null];
  compare(`${c.name}: output`, out, c.out);
  compare(`${c.name}: h_n`, hN, c.hN);
  if (c.cN) compare(`${c.name}: c_n`, cN!, c.cN);
  let loss = out
    .mul(tensorOf(c.r))
    .sum()
    .add(hN.mul(tensorOf(c.rh)).sum());
  if (c.rc) loss = loss.add(cN!.mul(tensorOf(c.rc)).sum());
  loss.backward();
  compare(`${c.name}: d input`, x.grad!, c.dx);
  if (c.dh0) compare(`${c.name}: d h0`, h0!.grad!, c.dh0);
  if (c.dc0) compare(`${c.name}: d c0`, c0!.grad!, c.dc0);
  for (const [name, p] of m.namedParameters()) compare(`${c.name}: d ${name}`, p.grad!, c.grads[name]!);
}

const cases = loadFixture<Case[]>('rnn', 'rnn.json');

for (const backend of dt.listBackends().filter((b) => b === 'js' || b === 'native')) {
  test(`${backend}: 2-layer bidirectional LSTM and GRU on an unsorted packed batch of unequal lengths, and smaller ones, match PyTorch`, () => {
    const prev = dt.getBackend().name;
    dt.setBackend(backend);
    try {
      for (const c of cases) check(c);
    } finally {
      dt.setBackend(prev);
    }
  });
}

// The GRU encoder–decoders (models/seq2seq.ts): shapes of the four kinds, padding masked out of
// every attention (exactly 0 weight, and a padded token never changes the output), float64
// gradchecks of the loss, teacher forcing, the loss helper, errors that name the model — and the
// acceptance check of the translation issue: trained on reversing random sequences, the Bahdanau
// and Luong-general models attend to the mirrored source position and decode the reversal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, Tensor, crossEntropy, gradcheck, noGrad } from '../../src/index.js';
import { Seq2Seq, seq2seqLoss, SEQ2SEQ_ATTENTION, type Seq2SeqConfig } from '../../src/models/seq2seq.js';
import { greedyDecode } from '../../src/generate/seq2seq-decode.js';
import { Adam } from '../../src/optim/adam.js';
import { clipGradNorm } from '../../src/optim/index.js';
import { assertClose } from '../helpers.js';

/** Right-padded int32 ids (B, width) from rows of ids. */
function padded(rows: readonly (readonly number[])[], width = Math.max(...rows.map((r) => r.length))): Tensor {
  const out = new Int32Array(rows.length * width);
  rows.forEach((r, b) => out.set(r, b * width));
  return new Tensor(out, 'int32', [rows.length, width]);
}

const tiny = (attention: Seq2SeqConfig['attention'], extra: Partial<Seq2SeqConfig> = {}): Seq2SeqConfig => ({
  srcVocabSize: 9,
  tgtVocabSize: 7,
  embeddingDim: 5,
  hiddenSize: 6,
  attention,
  ...extra,
});

// source rows of lengths 3, 5, 2 (unsorted: the packing sorts and restores them)
const SRC = padded([
  [4, 5, 6],
  [7, 8, 4, 5, 6],
  [8, 7],
]);
const TGT_IN = padded([
  [2, 4, 5, 6],
  [2, 6, 0, 0],
  [2, 5, 4, 0],
]);
const LABELS = padded([
  [4, 5, 6, 3],
  [6, 3, 0, 0],
  [5, 4, 3, 0],
]);

test('Seq2Seq: logits (B, T, V) and attention (B, T, S) for every kind; rows sum to 1; padding gets exactly 0 weight', () => {
  for (const attention of SEQ2SEQ_ATTENTION) {
    for (const extra of [{}, { numLayers: 2, bidirectional: false, dropout: 0.2 }, { inputFeeding: false }] as Partial<Seq2SeqConfig>[]) {
      const m = new Seq2Seq(tiny(attention, extra), { generator: new Generator(1) });
      const { logits, attention: att } = m.forward(SRC, null, TGT_IN);
      assert.deepEqual(logits.shape, [3, 4, 7], attention);
      if (attention === 'none') {
        assert.equal(att, null);
        continue;
      }
      assert.deepEqual(att!.shape, [3, 4, 5]);
      const a = att!.toTypedArray();
      [3, 5, 2].forEach((len, b) => {
        for (let t = 0; t < 4; t++) {
          let sum = 0;
          for (let j = 0; j < 5; j++) {
            const w = a[(b * 4 + t) * 5 + j]!;
            if (j >= len) assert.equal(w, 0, `${attention}: padding position ${j} of row ${b} gets weight ${w}`);
            sum += w;
          }
          assert.ok(Math.abs(sum - 1) < 1e-6, `${attention}: row (${b}, ${t}) sums to ${sum}`);
        }
      });
    }
  }
});

test('Seq2Seq: a token at a padded source position (past srcLengths) never changes the output', () => {
  for (const attention of SEQ2SEQ_ATTENTION) {
    const m = new Seq2Seq(tiny(attention), { generator: new Generator(2) });
    m.eval();
    const run = (src: Tensor) => noGrad(() => m.forward(src, [3, 5, 2], TGT_IN));
    const a = run(SRC);
    const other = SRC.clone();
    other.storage[3] = 8; // row 0, position 3: beyond its length 3
    other.storage[12] = 5; // row 2, position 2
    other.storage[14] = 1;
    const b = run(other);
    assert.deepEqual(Array.from(b.logits.toTypedArray()), Array.from(a.logits.toTypedArray()), attention);
    if (a.attention) assert.deepEqual(Array.from(b.attention!.toTypedArray()), Array.from(a.attention.toTypedArray()));
    // and the lengths read from the padding are the same as given
    assert.deepEqual(Array.from(run(SRC).logits.toTypedArray()), Array.from(noGrad(() => m.forward(SRC, null, TGT_IN)).logits.toTypedArray()));
  }
});

test('Seq2Seq: float64 gradcheck of the loss with respect to every parameter, for every kind', () => {
  for (const attention of SEQ2SEQ_ATTENTION) {
    const m = new Seq2Seq(tiny(attention, { embeddingDim: 3, hiddenSize: 4, attentionSize: 3 }), { generator: new Generator(3) }).to('float64');
    const params = m.parameters();
    gradcheck(() => seq2seqLoss(m.forward(SRC, null, TGT_IN).logits, LABELS), params, { atol: 1e-6, rtol: 1e-4 });
  }
});

test('Seq2Seq: teacher forcing ratio 0 feeds the argmax (as greedy decoding), a ratio in between is seeded', () => {
  const m = new Seq2Seq(tiny('bahdanau'), { generator: new Generator(4) });
  m.eval();
  const run = (ratio: number, seed = 1) => noGrad(() => m.forward(SRC, null, TGT_IN, { teacherForcingRatio: ratio, generator: new Generator(seed) }).logits);
  const own = run(0).argmax(2).toTypedArray(); // (B, T)
  const greedy = greedyDecode(m, SRC, { maxLength: 4, eosId: 6 });
  greedy.forEach((h, b) => {
    const steps = h.complete ? h.tokens.length + 1 : h.tokens.length;
    const expected = h.complete ? [...h.tokens, 6] : h.tokens;
    assert.deepEqual(Array.from(own.subarray(b * 4, b * 4 + steps)), expected, `row ${b}`);
  });
  assert.deepEqual(Array.from(run(0.5, 7).toTypedArray()), Array.from(run(0.5, 7).toTypedArray()), 'same seed, same draws');
  assert.deepEqual(Array.from(run(1).toTypedArray()), Array.from(noGrad(() => m.forward(SRC, null, TGT_IN).logits).toTypedArray()));
});

test('Seq2Seq.selectRows: stepping the selected rows gives those rows of the full step', () => {
  for (const attention of SEQ2SEQ_ATTENTION) {
    const m = new Seq2Seq(tiny(attention, { numLayers: 2 }), { generator: new Generator(5) });
    m.eval();
    noGrad(() => {
      const s0 = m.encode(SRC);
      const prev = new Tensor(Int32Array.from([2, 2, 2]), 'int32', [3]);
      const full = m.decodeStep(m.decodeStep(s0, prev).state, new Tensor(Int32Array.from([4, 5, 6]), 'int32', [3]));
      const rows = new Tensor(Int32Array.from([2, 0, 0]), 'int32', [3]);
      const first = m.decodeStep(s0, prev);
      const picked = m.decodeStep(m.selectRows(first.state, rows), new Tensor(Int32Array.from([6, 4, 4]), 'int32', [3]));
      assertClose(picked.logits, Array.from(full.logits.indexSelect(0, rows).toTypedArray()), 1e-6, attention);
    });
  }
});

test('seq2seqLoss: the mean cross-entropy over the real label positions, label smoothing passed on', () => {
  const m = new Seq2Seq(tiny('luong-general'), { generator: new Generator(6) });
  const { logits } = m.forward(SRC, null, TGT_IN);
  const real = [0, 1, 2, 3, 4, 5, 8, 9, 10]; // (b, t) flattened where the label is not <pad>
  const rows = logits.reshape(12, 7).indexSelect(0, new Tensor(Int32Array.from(real), 'int32', [9]));
  const targets = new Tensor(Int32Array.from(real.map((i) => LABELS.storage[i]!)), 'int32', [9]);
  assertClose([seq2seqLoss(logits, LABELS).item()], [crossEntropy(rows, targets).item()], 1e-6);
  assertClose([seq2seqLoss(logits, LABELS, { labelSmoothing: 0.1 }).item()], [crossEntropy(rows, targets, { labelSmoothing: 0.1 }).item()], 1e-6);
  assert.throws(() => seq2seqLoss(logits, LABELS.narrow(1, 0, 3)), /seq2seqLoss: labels must be int32 \(3,4\) \(the logits' \(B, T\)\), got int32 \(3,3\)/);
  assert.throws(
    () => seq2seqLoss(logits, LABELS, { ignore_index: 0 } as object),
    /seq2seqLoss: unknown option 'ignore_index' \(did you mean 'ignoreIndex'\?\)/,
  );
});

test('Seq2Seq: bad input is an error naming the model, what was given and what was expected', () => {
  const m = new Seq2Seq(tiny('bahdanau'));
  assert.throws(
    () => m.forward(SRC.to('float32'), null, TGT_IN),
    /^TypeError: Seq2Seq: src must be int32 token ids \(B, S\) padded with 0, got float32 \(3,5\)$/,
  );
  assert.throws(() => m.forward(SRC.unsqueeze(0), null, TGT_IN), /Seq2Seq: src must be int32 token ids \(B, S\) padded with 0, got int32 \(1,3,5\)/);
  assert.throws(() => m.forward(SRC, [3, 6, 2], TGT_IN), /Seq2Seq: srcLengths\[1\] is 6, longer than the source's 5 positions/);
  assert.throws(() => m.forward(SRC, [3, 5], TGT_IN), /Seq2Seq: got 2 srcLengths for a batch of 3 sentences/);
  assert.throws(() => m.forward(SRC, [3, 0, 2], TGT_IN), /Seq2Seq: srcLengths\[1\] is 0, expected a positive integer/);
  assert.throws(
    () => m.forward(padded([[4, 9]]), null, TGT_IN.narrow(0, 0, 1)),
    /Seq2Seq: src id 9 at \[0, 1\] is out of range for the source vocabulary of 9 \(ids 0..8\)/,
  );
  assert.throws(() => m.forward(SRC, null, padded([[2, 7], [2], [2]])), /Seq2Seq: tgtIn id 7 at \[0, 1\] is out of range for the target vocabulary of 7/);
  assert.throws(() => m.forward(SRC, null, TGT_IN.narrow(0, 0, 2)), /Seq2Seq: src has 3 sentences, tgtIn 2/);
  assert.throws(
    () =>
      m.forward(
        padded([
          [4, 5],
          [0, 0],
        ]),
        null,
        TGT_IN.narrow(0, 0, 2),
      ),
    /Seq2Seq: source row 1 is all padding/,
  );
  assert.throws(() => m.forward(SRC, null, TGT_IN, { teacherForcingRatio: 2 }), /Seq2Seq.forward: teacherForcingRatio must be a number in \[0, 1\], got 2/);
  assert.throws(() => m.forward(SRC, null, TGT_IN, { teacher_forcing_ratio: 0.5 } as object), /did you mean 'teacherForcingRatio'/);
  assert.throws(
    () => m.decodeStep(m.encode(SRC), new Tensor(Int32Array.from([2, 2]), 'int32', [2])),
    /Seq2Seq.decodeStep: prevTokens must be int32 ids \(3,\), one per state row, got int32 \(2,\)/,
  );
  assert.throws(
    () => new Seq2Seq(tiny('bahdanu' as 'bahdanau')),
    /^RangeError: Seq2Seq: attention must be one of 'none', 'bahdanau', 'luong-dot', 'luong-general', got 'bahdanu' \(did you mean 'bahdanau'\?\)$/,
  );
  assert.throws(
    () => new Seq2Seq({ ...tiny('none'), hidden_size: 4 } as object as Seq2SeqConfig),
    /Seq2Seq: config: unknown option 'hidden_size' \(did you mean 'hiddenSize'\?\)/,
  );
  assert.throws(() => new Seq2Seq(tiny('none', { hiddenSize: 5 })), /Seq2Seq: hiddenSize must be even with a bidirectional encoder/);
  assert.throws(() => new Seq2Seq(tiny('none', { srcVocabSize: 0 })), /Seq2Seq: srcVocabSize must be a positive integer, got 0/);
  assert.throws(() => new Seq2Seq(tiny('none'), { seed: 1 } as object), /Seq2Seq: unknown option 'seed'/);
});

// ---- "a check that attention attends": the reversal task ----

const SYMBOLS = 10; // ids 4..13 (0 <pad>, 1 <unk>, 2 <bos>, 3 <eos>)

/** n random sequences of 5–10 symbols, the target their reversal: src, tgtIn = <bos> + reversed, labels = reversed + <eos>. */
function reversalBatch(n: number, gen: Generator): { seqs: number[][]; src: Tensor; tgtIn: Tensor; labels: Tensor } {
  const seqs = Array.from({ length: n }, () => Array.from({ length: 5 + gen.randomInt(6) }, () => 4 + gen.randomInt(SYMBOLS)));
  const reversed = seqs.map((s) => [...s].reverse());
  return { seqs, src: padded(seqs), tgtIn: padded(reversed.map((r) => [2, ...r])), labels: padded(reversed.map((r) => [...r, 3])) };
}

function trainReversal(attention: Seq2SeqConfig['attention'], steps: number, seed: number): { model: Seq2Seq; seconds: number } {
  const gen = new Generator(seed);
  const model = new Seq2Seq({ srcVocabSize: 4 + SYMBOLS, tgtVocabSize: 4 + SYMBOLS, embeddingDim: 32, hiddenSize: 64, attention }, { generator: gen });
  const opt = new Adam(model.parameters(), { lr: 2e-3 });
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const b = reversalBatch(32, gen);
    const loss = seq2seqLoss(model.forward(b.src, null, b.tgtIn).logits, b.labels);
    opt.zeroGrad();
    loss.backward();
    clipGradNorm(model.parameters(), 1);
    opt.step();
  }
  return { model, seconds: (performance.now() - t0) / 1000 };
}

/** On 100 held-out sequences: how often target step i's attention argmax is source position L−1−i, and how many greedy decodings are the exact reversal. */
function reversalScores(model: Seq2Seq): { diagonal: number; reversed: number } {
  const b = reversalBatch(100, new Generator(999));
  model.eval();
  const att = noGrad(() => model.forward(b.src, null, b.tgtIn).attention!);
  const [, T, S] = att.shape as [number, number, number];
  const a = att.toTypedArray();
  let hits = 0,
    steps = 0;
  b.seqs.forEach((s, n) => {
    for (let i = 0; i < s.length; i++) {
      let best = 0;
      for (let j = 1; j < S; j++) if (a[(n * T + i) * S + j]! > a[(n * T + i) * S + best]!) best = j;
      steps++;
      if (best === s.length - 1 - i) hits++;
    }
  });
  const decoded = greedyDecode(model, b.src);
  const reversed = decoded.filter((h, n) => h.complete && h.tokens.join() === [...b.seqs[n]!].reverse().join()).length / 100;
  return { diagonal: hits / steps, reversed };
}

for (const [attention, steps, seed] of [
  ['bahdanau', 600, 1],
  ['luong-general', 500, 1],
] as const) {
  test(`a check that attention attends: ${attention} trained to reverse sequences looks at the mirrored source position`, () => {
    const { model, seconds } = trainReversal(attention, steps, seed);
    const { diagonal, reversed } = reversalScores(model);
    console.log(
      `${attention}: ${steps} Adam steps in ${seconds.toFixed(1)} s; attention argmax on the anti-diagonal ${(100 * diagonal).toFixed(1)}% of the steps, greedy reverses ${(100 * reversed).toFixed(0)}%`,
    );
    assert.ok(diagonal >= 0.9, `attention argmax at L−1−i on ${(100 * diagonal).toFixed(1)}% of the steps (need ≥ 90%)`);
    assert.ok(reversed >= 0.8, `greedy decoding reverses ${(100 * reversed).toFixed(0)}% of the held-out sequences (need ≥ 80%)`);
  });
}

// models.TransformerTranslator: the teacher-forced forward and the cached step-by-step decoder agree,
// padding never leaks, beam search over it (selectRows reordering the KV caches) is exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, Tensor } from '../../src/index.js';
import { TransformerTranslator } from '../../src/models/transformer-translator.js';
import { beamSearch, greedyDecode } from '../../src/generate/seq2seq-decode.js';
import { noGrad } from '../../src/autograd/grad-mode.js';

const ids = (rows: number[][]) => {
  const L = Math.max(...rows.map((r) => r.length));
  const v = new Int32Array(rows.length * L);
  rows.forEach((r, i) => v.set(r, i * L));
  return new Tensor(v, 'int32', [rows.length, L]);
};
const tiny = () =>
  new TransformerTranslator(
    { srcVocabSize: 12, tgtVocabSize: 11, dModel: 16, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32, dropout: 0.1 },
    { generator: new Generator(3) },
  );

test('decodeStep with the KV caches gives the teacher-forced logits, position by position; padding changes nothing', () => {
  const m = tiny();
  m.eval();
  const src = ids([
    [4, 5, 6, 7],
    [8, 9],
  ]);
  const tgtIn = ids([
    [2, 5, 6, 7],
    [2, 9, 4, 0],
  ]);
  noGrad(() => {
    const full = m.forward(src, null, tgtIn).logits.toTypedArray(); // (2, 4, 11)
    let state = m.encode(src);
    for (let t = 0; t < 4; t++) {
      const prev = new Tensor(Int32Array.from([tgtIn.toTypedArray()[t]!, tgtIn.toTypedArray()[4 + t]!]), 'int32', [2]);
      const step = m.decodeStep(state, prev);
      state = step.state;
      const got = step.logits.toTypedArray();
      for (let b = 0; b < 2; b++)
        for (let v = 0; v < 11; v++) {
          const want = full[(b * 4 + t) * 11 + v]!;
          assert.ok(Math.abs(got[b * 11 + v]! - want) < 1e-4 * (1 + Math.abs(want)), `b ${b} t ${t} v ${v}: ${got[b * 11 + v]} vs ${want}`);
        }
    }
    // a longer padded source (more zeros) leaves row 1's logits as they were
    const wider = ids([
      [4, 5, 6, 7, 4],
      [8, 9, 0, 0, 0],
    ]);
    const again = m.forward(wider, null, tgtIn).logits.toTypedArray();
    for (let i = 44; i < 88; i++) assert.ok(Math.abs(again[i]! - full[i]!) < 1e-5, `row 1 logit ${i}`);
  });
});

test('beam search of width 1 (α = 0) is greedy decoding; a wider beam scores at least as well', () => {
  const m = tiny();
  const src = ids([[4, 5, 6], [7, 8, 9, 10], [11]]);
  const greedy = greedyDecode(m, src, { maxLength: 12 });
  const beam1 = beamSearch(m, src, { beamWidth: 1, lengthPenalty: 0, maxLength: 12 });
  assert.deepEqual(
    beam1.map((h) => h.tokens),
    greedy.map((h) => h.tokens),
  );
  const beam4 = beamSearch(m, src, { beamWidth: 4, lengthPenalty: 0, maxLength: 12 });
  beam4.forEach((h, i) => assert.ok(h.score >= greedy[i]!.score - 1e-4, `sentence ${i}: beam ${h.score} < greedy ${greedy[i]!.score}`));
});

test('crossAttention: every layer and head over the real source; decoding attends as the teacher-forced pass does', () => {
  const m = tiny();
  const src = ids([
    [4, 5, 6, 7],
    [8, 9],
  ]);
  const hyps = greedyDecode(m, src, { maxLength: 6 });
  hyps.forEach((h, b) => {
    const S = b === 0 ? 4 : 2;
    const tgtIn = ids([[2, ...h.tokens]]);
    const w = m.crossAttention(ids([b === 0 ? [4, 5, 6, 7] : [8, 9]]), tgtIn); // (1, L, H, T, S)
    assert.deepEqual(w.shape, [1, 2, 2, h.tokens.length + 1, S]);
    const v = w.toTypedArray();
    for (let r = 0; r < v.length / S; r++) {
      const row = v.subarray(r * S, (r + 1) * S);
      assert.ok(Math.abs([...row].reduce((a: number, x) => a + Number(x), 0) - 1) < 1e-5, `row ${r} sums to 1`);
    }
    // the decoder's step attention (last layer, mean of the heads) is the same, row by row
    const last = w.toArray() as number[][][][][];
    h.attention!.forEach((row, t) =>
      row.forEach((a, j) => {
        const want = (last[0]![1]![0]![t]![j]! + last[0]![1]![1]![t]![j]!) / 2;
        assert.ok(Math.abs(a - want) < 1e-5, `sentence ${b} step ${t} source ${j}: ${a} vs ${want}`);
      }),
    );
  });
  // padding gets exactly zero weight
  const padded = m
    .crossAttention(
      src,
      ids([
        [2, 5],
        [2, 5],
      ]),
    )
    .toArray() as number[][][][][];
  for (const layer of padded[1]!) for (const head of layer) for (const row of head) assert.deepEqual(row.slice(2), [0, 0]);
  assert.equal(m.training, true, 'crossAttention leaves the training mode as it was');
});

test('bad config and input: clear errors', () => {
  assert.throws(() => new TransformerTranslator({ srcVocabSize: 5, tgtVocabSize: 5, dModel: 10, nhead: 3 }), /dModel \(10\) must be a multiple of nhead \(3\)/);
  assert.throws(() => new TransformerTranslator({ srcVocabSize: 5, tgtVocabSize: 6, shareEmbeddings: true }), /shareEmbeddings needs one joint vocabulary/);
  assert.throws(() => new TransformerTranslator({ srcVocabSize: 5, tgtVocabSize: 5, heads: 2 } as never), /unknown option 'heads'/);
  const m = tiny();
  assert.throws(() => m.forward(ids([[4, 50]]), null, ids([[2]])), /src id 50 is out of range for a vocabulary of 12/);
  assert.throws(() => m.forward(new Tensor(new Float32Array(2), 'float32', [1, 2]), null, ids([[2]])), /src must be int32 token ids/);
});

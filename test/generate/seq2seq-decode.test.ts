// Greedy decoding and beam search (generate/seq2seq-decode.ts), on hand-built models whose next-
// token probabilities are a table of the prefix (so every score is known) and on the GRU Seq2Seq:
// width 1 is greedy, the beam finds what greedy misses, the length penalty and maxLength do what
// they say, <eos> stops, batching changes nothing, and bad options are errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, Tensor } from '../../src/index.js';
import { Seq2Seq } from '../../src/models/seq2seq.js';
import { EOS_ID } from '../../src/tokenizers/vocab-tokenizer.js';
import { beamSearch, gnmtLengthPenalty, greedyDecode, MAX_DECODE_LENGTH, type Seq2SeqModel, type Seq2SeqStep } from '../../src/generate/seq2seq-decode.js';
import { assertClose } from '../helpers.js';

const A = 4,
  B = 5,
  V = 6;

/** Next-token probabilities of a sentence (its first source id picks the table) after a prefix. */
type Table = (sentence: number, prefix: readonly number[]) => Partial<Record<number, number>>;
type FakeState = { sentence: number[]; prefixes: number[][] };

/** A Seq2SeqModel over a probability table: logits = log p (tiny floor), no attention. Counts its steps. */
class TableModel implements Seq2SeqModel<FakeState> {
  readonly tgtVocabSize = V;
  training = true;
  steps = 0;
  constructor(readonly table: Table) {}
  train(on = true): this {
    this.training = on;
    return this;
  }
  encode(src: Tensor): FakeState {
    const [n, S] = src.shape as [number, number];
    const ids = src.toTypedArray();
    return { sentence: Array.from({ length: n }, (_, b) => ids[b * S]!), prefixes: Array.from({ length: n }, () => []) };
  }
  decodeStep(state: FakeState, prev: Tensor): Seq2SeqStep<FakeState> {
    assert.equal(this.training, false, 'decoding runs in eval mode');
    this.steps++;
    const p = prev.toTypedArray();
    const prefixes = state.prefixes.map((pre, r) => (p[r] === 2 ? pre : [...pre, p[r]!]));
    const logits = new Float32Array(prefixes.length * V);
    prefixes.forEach((pre, r) => {
      const probs = this.table(state.sentence[r]!, pre);
      for (let v = 0; v < V; v++) logits[r * V + v] = Math.log(probs[v] ?? 1e-9);
    });
    return { logits: new Tensor(logits, 'float32', [prefixes.length, V]), state: { sentence: state.sentence, prefixes }, attention: null };
  }
  selectRows(state: FakeState, rows: Tensor): FakeState {
    const r = Array.from(rows.toTypedArray());
    return { sentence: r.map((i) => state.sentence[i]!), prefixes: r.map((i) => state.prefixes[i]!) };
  }
}

const src = (...firsts: number[]) => new Tensor(Int32Array.from(firsts.flatMap((f) => [f, 7, 7])), 'int32', [firsts.length, 3]);

// sentence 4: greedy takes A (0.55), then its best is <eos> (0.4): p = 0.22; B (0.45) then <eos> (0.9) is 0.405
// sentence 5: the empty translation (p 0.5) against A A A A <eos> (0.5 · 0.99⁴ ≈ 0.48), shorter but likelier
const TABLE: Table = (sentence, prefix) => {
  if (sentence === 4) {
    if (prefix.length === 0) return { [A]: 0.55, [B]: 0.45 };
    if (prefix[0] === A) return prefix.length === 1 ? { [EOS_ID]: 0.4, [A]: 0.3, [B]: 0.3 } : { [EOS_ID]: 1 };
    return prefix.length === 1 ? { [EOS_ID]: 0.9, [A]: 0.1 } : { [EOS_ID]: 1 };
  }
  if (prefix.length === 0) return { [EOS_ID]: 0.5, [A]: 0.5 };
  return prefix.length < 4 ? { [A]: 0.99, [EOS_ID]: 0.01 } : { [EOS_ID]: 0.99, [A]: 0.01 };
};

test('beam search finds the likelier sequence greedy decoding misses; width 1 with no length penalty is greedy', () => {
  const m = new TableModel(TABLE);
  const [greedy] = greedyDecode(m, src(4));
  assert.deepEqual(greedy!.tokens, [A]);
  assertClose([greedy!.logProb], [Math.log(0.55 * 0.4)], 1e-5);
  assert.equal(greedy!.complete, true);
  const [beam] = beamSearch(m, src(4), { beamWidth: 2, lengthPenalty: 0 });
  assert.deepEqual(beam!.tokens, [B]);
  assertClose([beam!.logProb, beam!.score], [Math.log(0.45 * 0.9), Math.log(0.45 * 0.9)], 1e-5);
  assert.ok(beam!.logProb > greedy!.logProb);
  const [one] = beamSearch(m, src(4), { beamWidth: 1, lengthPenalty: 0 });
  assert.deepEqual(one, greedy);
  assert.equal(m.training, true, 'the mode is restored');
});

test('beam search: the length penalty ((5 + |Y|) / 6)^α, |Y| counting <eos>, ranks longer hypotheses up as α grows', () => {
  assertClose([gnmtLengthPenalty(1, 0), gnmtLengthPenalty(5, 1), gnmtLengthPenalty(3, 0.6)], [1, 10 / 6, (8 / 6) ** 0.6], 1e-12);
  const m = new TableModel(TABLE);
  const [plain] = beamSearch(m, src(5), { beamWidth: 2, lengthPenalty: 0 });
  assert.deepEqual(plain!.tokens, []);
  assertClose([plain!.logProb], [Math.log(0.5)], 1e-5);
  const [long] = beamSearch(m, src(5), { beamWidth: 2, lengthPenalty: 1 });
  assert.deepEqual(long!.tokens, [A, A, A, A]);
  const logProb = Math.log(0.5 * 0.99 ** 4);
  assertClose([long!.logProb, long!.score], [logProb, logProb / gnmtLengthPenalty(5, 1)], 1e-5);
});

test('beam search stops once the best finished hypothesis beats what any live one can still reach', () => {
  const m = new TableModel(TABLE);
  beamSearch(m, src(4), { beamWidth: 2, lengthPenalty: 0 });
  assert.equal(m.steps, 2, 'B <eos> finishes at step 2 and no live hypothesis can beat it');
  m.steps = 0;
  // a model that never ends: it runs to maxLength, the hypotheses unfinished
  const never = new TableModel(() => ({ [A]: 0.6, [B]: 0.4 }));
  const [h] = beamSearch(never, src(4), { beamWidth: 3, maxLength: 6 });
  assert.deepEqual(h!.tokens, [A, A, A, A, A, A]);
  assert.equal(h!.complete, false);
  assert.equal(never.steps, 6);
  const [g] = greedyDecode(never, src(4), { maxLength: 4 });
  assert.deepEqual(g, { tokens: [A, A, A, A], logProb: g!.logProb, score: g!.logProb, complete: false, attention: null });
  // the default: min(2 · source length + 10, 200) steps
  const [d] = greedyDecode(never, new Tensor(Int32Array.from([4, 7, 7, 0]), 'int32', [1, 4]));
  assert.equal(d!.tokens.length, 2 * 3 + 10);
  const [d2] = greedyDecode(never, src(4), { srcLengths: [1] });
  assert.equal(d2!.tokens.length, 12);
  assert.equal(MAX_DECODE_LENGTH, 200);
});

test('<eos> ends a hypothesis (it is not among the tokens); sentences of a batch decode as they do alone', () => {
  const three = new TableModel((_, prefix) => (prefix.length < 3 ? { [B]: 0.9, [EOS_ID]: 0.1 } : { [EOS_ID]: 0.95, [A]: 0.05 }));
  const [h] = beamSearch(three, src(4), { beamWidth: 4 });
  assert.deepEqual(h!.tokens, [B, B, B]);
  assert.equal(h!.complete, true);
  const m = new TableModel(TABLE);
  for (const opts of [{ beamWidth: 2, lengthPenalty: 0 }, { beamWidth: 3, lengthPenalty: 1 }, { beamWidth: 1 }]) {
    const batch = beamSearch(m, src(4, 5, 4), opts);
    assert.deepEqual(batch, [...beamSearch(m, src(4), opts), ...beamSearch(m, src(5), opts), ...beamSearch(m, src(4), opts)], JSON.stringify(opts));
  }
  assert.deepEqual(greedyDecode(m, src(4, 5)), [...greedyDecode(m, src(4)), ...greedyDecode(m, src(5))]);
});

test('on the GRU Seq2Seq: width 1 is greedy, a batch decodes as its sentences alone, attention rows per token', () => {
  for (const attention of ['bahdanau', 'luong-dot', 'none'] as const) {
    const m = new Seq2Seq({ srcVocabSize: 12, tgtVocabSize: 9, embeddingDim: 8, hiddenSize: 8, attention }, { generator: new Generator(11) });
    const s = new Tensor(Int32Array.from([4, 5, 6, 7, 8, 9, 0, 0, 10, 11, 4, 0]), 'int32', [3, 4]);
    const greedy = greedyDecode(m, s, { maxLength: 7 });
    const one = beamSearch(m, s, { beamWidth: 1, lengthPenalty: 0, maxLength: 7 });
    assert.deepEqual(
      one.map((h) => h.tokens),
      greedy.map((h) => h.tokens),
    );
    assertClose(
      one.map((h) => h.logProb),
      greedy.map((h) => h.logProb),
      1e-5,
    );
    const beams = beamSearch(m, s, { beamWidth: 3 });
    beams.forEach((h, b) => {
      const alone = beamSearch(m, s.narrow(0, b, 1), { beamWidth: 3 })[0]!;
      assert.deepEqual(h.tokens, alone.tokens, `${attention}: sentence ${b}`);
      assertClose([h.score], [alone.score], 1e-5);
      assert.ok(h.tokens.length <= [4, 2, 3][b]! * 2 + 10);
      if (attention === 'none') assert.equal(h.attention, null);
      else {
        assert.equal(h.attention!.length, h.tokens.length);
        for (const row of h.attention!) {
          assert.equal(row.length, [4, 2, 3][b]); // the real source positions
          assertClose([row.reduce((x, y) => x + y, 0)], [1], 1e-5);
        }
      }
    });
  }
});

test('decoding: bad options and inputs are errors naming the function, what was given and what is accepted', () => {
  const m = new TableModel(TABLE);
  assert.throws(() => beamSearch(m, src(4), { beam_width: 2 } as object), /beamSearch: unknown option 'beam_width' \(did you mean 'beamWidth'\?\); accepted: /);
  assert.throws(() => greedyDecode(m, src(4), { beamWidth: 2 } as object), /greedyDecode: unknown option 'beamWidth'/);
  assert.throws(() => beamSearch(m, src(4), { beamWidth: 0 }), /beamSearch: beamWidth must be a positive integer, got 0/);
  assert.throws(() => beamSearch(m, src(4), { beamWidth: 1.5 }), /beamSearch: beamWidth must be a positive integer, got 1.5/);
  assert.throws(() => beamSearch(m, src(4), { lengthPenalty: -1 }), /beamSearch: lengthPenalty must be a number >= 0, got -1/);
  assert.throws(() => beamSearch(m, src(4), { maxLength: 0 }), /beamSearch: maxLength must be a positive integer, got 0/);
  assert.throws(() => greedyDecode(m, src(4), { eosId: 6 }), /greedyDecode: eosId must be an id of the target vocabulary \(an integer in \[0, 5\]\), got 6/);
  assert.throws(() => greedyDecode(m, src(4), { srcLengths: [4] }), /greedyDecode: srcLengths\[0\] is 4, expected an integer in \[1, 3\]/);
  assert.throws(() => greedyDecode(m, src(4).to('float32')), /greedyDecode: src must be int32 token ids \(B, S\) padded with 0, got float32 \(1,3\)/);
  assert.throws(() => greedyDecode(m, new Tensor(Int32Array.from([0, 0]), 'int32', [1, 2])), /greedyDecode: source row 0 is all padding/);
  assert.throws(() => beamSearch({} as never, src(4)), /beamSearch: model must implement Seq2SeqModel \(encode, decodeStep, selectRows\)/);
});

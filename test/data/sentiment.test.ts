// Text classification data: the sentiment readers (on small files written here, so the suite runs
// without the shared data; the real files are checked when DEEPTS_DATA has them), the seeded
// stratified split, the vocabulary tokenizer, length-bucketed batches, and the two classifiers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dt from '../../src/index.js';
import { BucketBatches, loadSentimentDataset, stratifiedSplit } from '../../src/data/index.js';
import { VocabTokenizer, PAD_ID, UNK_ID } from '../../src/tokenizers/index.js';
import { TextCNN, TextRNN } from '../../src/models/index.js';
import { dataPath } from '../../src/io/data-paths.js';

const dir = mkdtempSync(join(tmpdir(), 'deepts-sentiment-'));
mkdirSync(join(dir, 'chnsenticorp'));
mkdirSync(join(dir, 'sst2'));
const rows = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? `0,"差,很差 ${i}"` : `1,很好${i}`));
writeFileSync(join(dir, 'chnsenticorp', 'ChnSentiCorp_htl_all.csv'), `label,review\n${rows.join('\n')}\n1,\n`);
writeFileSync(join(dir, 'sst2', 'train.tsv'), `sentence\tlabel\n${Array.from({ length: 40 }, (_, i) => `a fine film ${i} \t${i % 2}`).join('\n')}\n`);
writeFileSync(join(dir, 'sst2', 'dev.tsv'), "sentence\tlabel\nit 's bad . \t0\ngood , fun \t1\n");

test('loadSentimentDataset: quoted CSV fields with commas, empty reviews dropped, a stratified 80/10/10 split, the same for the same seed', () => {
  const a = loadSentimentDataset('chnsenticorp', { dir });
  assert.equal(a.train.length + a.validation.length + a.test.length, 100, 'the empty review is dropped');
  assert.ok(
    a.train.some((e) => e.text.startsWith('差,很差')),
    'the quoted comma stays in the text',
  );
  // 34 negatives: round(10 %) = 3 to validation, the rest of the cut (4) to test
  assert.deepEqual(
    [a.validation, a.test].map((split) => split.filter((e) => e.label === 0).length),
    [3, 4],
    'each label keeps its share',
  );
  assert.deepEqual(loadSentimentDataset('chnsenticorp', { dir }).test, a.test);
  assert.notDeepEqual(loadSentimentDataset('chnsenticorp', { dir, seed: 1 }).test, a.test);
  assert.deepEqual(a.labels, ['负面', '正面']);
  const s = loadSentimentDataset('sst2', { dir });
  assert.equal(s.test.length, 2);
  assert.equal(s.train.length + s.validation.length, 40);
  assert.deepEqual(s.labels, ['negative', 'positive']);
  assert.throws(() => loadSentimentDataset('imdb' as never), /name must be one of/);
  assert.throws(() => loadSentimentDataset('waimai', { dir }), /cannot read .*waimai_10k.csv.*DEEPTS_DATA/);
  assert.throws(() => loadSentimentDataset('sst2', { dir, sed: 1 } as never), /unknown option 'sed'/);
});

test('the shared ChnSentiCorp, waimai and SST-2 files load with their documented sizes', (t) => {
  if (!existsSync(dataPath('sentiment', 'sst2', 'dev.tsv'))) {
    t.skip('no shared data (DEEPTS_DATA)');
    return;
  }
  const c = loadSentimentDataset('chnsenticorp');
  assert.equal(c.train.length + c.validation.length + c.test.length, 7765); // 7,766 rows, one empty review
  const w = loadSentimentDataset('waimai');
  assert.equal(w.train.length + w.validation.length + w.test.length, 11987);
  const s = loadSentimentDataset('sst2');
  assert.equal(s.test.length, 872);
  assert.equal(s.train.length + s.validation.length, 67349);
});

test('stratifiedSplit keeps every item once and each label in proportion', () => {
  const items = Array.from({ length: 50 }, (_, i) => ({ label: i < 10 ? 0 : 1, i }));
  const [a, b] = stratifiedSplit(items, [0.8, 0.2], new dt.Generator(3));
  assert.equal(a!.length + b!.length, 50);
  assert.equal(new Set([...a!, ...b!].map((x) => x.i)).size, 50);
  assert.equal(b!.filter((x) => x.label === 0).length, 2);
});

test('VocabTokenizer: characters or words, <pad> 0 and <unk> 1, minFreq and maxSize, most frequent first, JSON round trip', () => {
  const zh = VocabTokenizer.build(['很棒的旅行!', '很好 很好', '差'], { level: 'char', minFreq: 2 });
  assert.deepEqual(zh.tokens.slice(0, 3), ['<pad>', '<unk>', '很']);
  assert.deepEqual(zh.encode('很棒 好!'), [2, UNK_ID, 3, UNK_ID], 'whitespace dropped, unseen characters are <unk>');
  const en = VocabTokenizer.build(["It's a well-made film, isn't it?", 'a film'], { level: 'word', maxSize: 5 });
  assert.equal(en.vocabSize, 5);
  assert.deepEqual(en.tokens.slice(2), ['a', 'film', ',']);
  assert.deepEqual(VocabTokenizer.build(["It's well-made!"], { level: 'word' }).tokens.slice(2), ['!', "it's", 'well-made']);
  const back = VocabTokenizer.fromJson(zh.toJson());
  assert.deepEqual(back.tokens, zh.tokens);
  assert.equal(back.decode([2, PAD_ID, 3]), '很好');
  assert.throws(() => VocabTokenizer.build(['x'], { level: 'bpe' } as never), /level must be one of/);
  assert.throws(() => VocabTokenizer.fromJson('{"format": "deepts-char"}', 'v.json'), /v.json: expected \{"format": "deepts-vocab"/);
});

test('BucketBatches: right-padded int32 batches, mostly real tokens, the same batches for the same generator state', () => {
  const g = new dt.Generator(5);
  const seqs = Array.from({ length: 200 }, (_, i) => Array.from({ length: 1 + ((i * 37) % 50) }, (_, k) => 2 + k));
  const labels = seqs.map((_, i) => i % 2);
  const b = new BucketBatches(seqs, labels, { batchSize: 16, poolBatches: 4, generator: g });
  const state = g.getState();
  const first = [...b].map(([x, y]) => [x.shape, Array.from(y.toTypedArray())]);
  g.setState(state);
  assert.deepEqual(
    [...b].map(([x, y]) => [x.shape, Array.from(y.toTypedArray())]),
    first,
  );
  assert.equal(first.length, 13);
  assert.ok(b.fill() > 0.8, `bucketed batches are ${b.fill()} real tokens`);
  const [x] = b.batchOf([0, 23]); // lengths 1 and 2
  assert.deepEqual(Array.from(x.toTypedArray()), [2, 0, 2, 3]);
  assert.throws(() => new BucketBatches([[1], []], [0, 1], { batchSize: 2 }), /sequence 1 is empty/);
  assert.throws(() => new BucketBatches([[1]], [0, 1], { batchSize: 2 }), /1 sequences but 2 labels/);
});

test('TextRNN and TextCNN: logits (B, classes); padding never changes a row; gradients reach the embeddings; bad ids are errors', () => {
  dt.manualSeed(7);
  const ids = new dt.Tensor(Int32Array.from([5, 6, 7, 0, 0, 9, 8, 0, 0, 0]), 'int32', [2, 5]);
  const more = new dt.Tensor(Int32Array.from([5, 6, 7, 0, 0, 0, 0, 9, 8, 0, 0, 0, 0, 0]), 'int32', [2, 7]);
  for (const m of [
    new TextRNN({ vocabSize: 12, numClasses: 3, embeddingDim: 4, hiddenSize: 3 }),
    new TextRNN({ vocabSize: 12, numClasses: 3, embeddingDim: 4, hiddenSize: 3, cell: 'gru', bidirectional: false, pooling: 'last' }),
    new TextRNN({ vocabSize: 12, numClasses: 3, embeddingDim: 4, hiddenSize: 3, pooling: 'mean', bigramBuckets: 17 }),
    new TextRNN({ vocabSize: 12, numClasses: 3, embeddingDim: 4, hiddenSize: 3, pooling: 'maxmean', numLayers: 2 }),
    new TextCNN({ vocabSize: 12, numClasses: 3, embeddingDim: 4, numFilters: 2 }),
  ]) {
    m.eval();
    const y = m.forward(ids);
    assert.deepEqual(y.shape, [2, 3]);
    assert.ok(m.forward(more).sub(y).abs().max().item() < 1e-6, `${m.constructor.name}: more padding, same logits`);
    m.train();
    m.forward(ids).sum().backward();
    assert.ok(m.embedding.weight.grad!.abs().sum().item() > 0);
    assert.deepEqual(Array.from(m.embedding.weight.grad!.select(0, 0).toTypedArray()), [0, 0, 0, 0], '<pad> gets no gradient');
    assert.throws(() => m.forward(new dt.Tensor(new Int32Array(4), 'int32', [2, 2])), /row 0 of the ids is all padding/);
    assert.throws(() => m.forward(dt.ones([2, 3])), /expected token ids \(B, T\) int32/);
  }
  assert.throws(() => new TextRNN({ vocabSize: 5, numClasses: 2, cell: 'rnn' } as never), /cell must be one of/);
  assert.throws(() => new TextCNN({ vocabSize: 5, numClasses: 2, widths: [0] }), /widths must be a non-empty list/);
});

test('sentimentModel builds what a run config says: every model name, hashed bigrams, layers', () => {
  const base = { dataset: 'chnsenticorp', data: null, out: 'x', limit: null, ...dt.sentimentDefaults('bilstm') } as const;
  const g = () => new dt.Generator(1);
  for (const model of dt.SENTIMENT_MODELS) {
    const m = dt.sentimentModel({ ...base, model, ...dt.sentimentDefaults(model), bigrams: 0 }, 50, g());
    assert.equal(m.constructor.name, model === 'textcnn' ? 'TextCNN' : 'TextRNN', model);
    const withBigrams = dt.sentimentModel({ ...base, model, ...dt.sentimentDefaults(model), bigrams: 100 }, 50, g());
    assert.equal(withBigrams.numParameters() - m.numParameters(), 100 * 128, `${model}: --bigrams adds the bigram table`);
    // the table starts at zero: a bucket no training text reaches adds nothing
    assert.ok(
      (withBigrams.bigrams!.weight.toTypedArray() as Float32Array).every((v) => v === 0),
      `${model}: bigram table starts at 0`,
    );
  }
  assert.equal(dt.sentimentDefaults('bilstm', 'sst2').bigrams, 0, 'SST-2 (words) has no bigram table by default');
  const two = dt.sentimentModel({ ...base, model: 'gru', layers: 2 }, 50, g()) as TextRNN;
  assert.equal(two.rnn.numLayers, 2);
  assert.equal(two.rnn.bidirectional, false);
});

test('tokenDropout: while training, real tokens become <unk> at the rate asked; padding and eval mode never change', () => {
  const B = 40,
    T = 50;
  const v = new Int32Array(B * T);
  for (let i = 0; i < v.length; i++) v[i] = i % T < 40 ? 2 + (i % 7) : PAD_ID; // 40 tokens then 10 padding a row
  const ids = new dt.Tensor(v, 'int32', [B, T]);
  const dropped = dt.models.dropTokens(ids, 0.25, new dt.Generator(3)).toTypedArray();
  let unk = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === PAD_ID) assert.equal(dropped[i], PAD_ID, 'padding stays padding');
    else if (dropped[i] === UNK_ID) unk++;
    else assert.equal(dropped[i], v[i]);
  }
  const rate = unk / (B * 40);
  assert.ok(Math.abs(rate - 0.25) < 0.03, `rate ${rate}`);
  const m = new TextRNN({ vocabSize: 10, numClasses: 2, embeddingDim: 4, hiddenSize: 3, tokenDropout: 0.5, dropout: 0, generator: new dt.Generator(1) });
  m.eval();
  const a = m.forward(ids).toTypedArray(),
    b = m.forward(ids).toTypedArray();
  assert.deepEqual(a, b, 'eval mode drops nothing');
  assert.throws(() => new TextCNN({ vocabSize: 5, numClasses: 2, tokenDropout: 1 }), /tokenDropout/);
});

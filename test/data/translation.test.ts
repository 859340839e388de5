// Translation data: the Tatoeba reader and its grouped, seeded 1,000 / 1,000 / rest split (on a
// synthetic file written here; the shared cmn.txt is checked when DEEPTS_DATA has it), the
// vocabularies with <bos> / <eos>, detokenization, and the teacher-forcing batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dt from '../../src/index.js';
import { BOS_ID, EOS_ID, TranslationBatches, loadTranslationPairs, translationVocab, type TranslationSplits } from '../../src/data/index.js';
import { PAD_ID, UNK_ID, VocabTokenizer, joinWords, splitTokens } from '../../src/tokenizers/index.js';
import { dataPath } from '../../src/io/data-paths.js';

const root = mkdtempSync(join(tmpdir(), 'deepts-translation-'));
const folder = (name: string, lines: readonly string[]): string => {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'cmn.txt'), lines.join('\n') + '\n');
  return dir;
};
const attribution = 'CC-BY 2.0 (France) Attribution: tatoeba.org #1 (a) & #2 (b)';
const n = (i: number) => [...String(i)].map((d) => '零一二三四五六七八九'[Number(d)]).join('');
// 2,400 single pairs, then groups: one English sentence with three translations, a chain linked by
// both sides (a–x, b–x, b–y), a pair twice (once with odd whitespace), a group of 12
const synthetic = [
  ...Array.from({ length: 2400 }, (_, i) => `Sentence ${i} is here.\t第${n(i)}句。\t${attribution}`),
  'Hi.\t嗨。',
  'Hi.\t你好。',
  'Hi.\t您好。',
  'Run!\t快跑！',
  'Go away!\t快跑！',
  'Go away!\t走开！',
  "Don't  go.\t别\u200b走。",
  " Don't go. \t别走。\t" + attribution,
  ...Array.from({ length: 12 }, (_, i) => `Big group.\t大组${n(i)}。`),
];
const dir = folder('ok', synthetic);

/** Each split's English and Chinese sentences are in no other split. */
function assertDisjoint(s: TranslationSplits): void {
  const sides = (split: keyof Pick<TranslationSplits, 'train' | 'validation' | 'test'>) => new Set(s[split].flatMap((p) => [p.source, p.target]));
  const [train, validation, test] = [sides('train'), sides('validation'), sides('test')];
  for (const x of test) assert.ok(!train.has(x) && !validation.has(x), `test sentence ${x} is in another split`);
  for (const x of validation) assert.ok(!train.has(x), `validation sentence ${x} is in train`);
}

test('loadTranslationPairs: normalized, duplicates dropped, exactly 1,000 test and validation pairs, groups kept in one split, seeded', () => {
  const s = loadTranslationPairs({ dir });
  assert.equal(s.direction, 'zh-en');
  assert.deepEqual(s.language, { source: 'zh', target: 'en' });
  assert.deepEqual([s.test.length, s.validation.length, s.train.length], [1000, 1000, 2419 - 1000 - 1000], 'the repeated pair counts once');
  assertDisjoint(s);
  const all = [...s.train, ...s.validation, ...s.test];
  assert.ok(
    all.some((p) => p.source === '别走。' && p.target === "Don't go."),
    'zero-width characters dropped, whitespace collapsed and trimmed',
  );
  for (const group of [['嗨。', '你好。', '您好。'], ['快跑！', '走开！'], Array.from({ length: 12 }, (_, i) => `大组${n(i)}。`)]) {
    const where = group.map((zh) => ['train', 'validation', 'test'].find((k) => s[k as 'train'].some((p) => p.source === zh)));
    assert.equal(new Set(where).size, 1, `${group[0]}'s group is split across ${where}`);
  }
  assert.match(s.split, /2,420 lines, 1 duplicate pairs dropped, 2,419 pairs in 2,404 groups.*seed 0.*1,000 test \/ 1,000 validation.*train \(419\)/);
  assert.deepEqual(loadTranslationPairs({ dir }), s, 'the same seed, the same split');
  assert.notDeepEqual(loadTranslationPairs({ dir, seed: 1 }).test, s.test);
});

test('loadTranslationPairs: en-zh is the same split mirrored', () => {
  const zhEn = loadTranslationPairs({ dir, seed: 3 }),
    enZh = loadTranslationPairs({ dir, seed: 3, direction: 'en-zh' });
  assert.deepEqual(enZh.language, { source: 'en', target: 'zh' });
  for (const k of ['train', 'validation', 'test'] as const)
    assert.deepEqual(
      enZh[k].map((p) => ({ source: p.target, target: p.source })),
      zhEn[k],
    );
});

test('loadTranslationPairs: a missing file, a malformed line, an unknown direction or option, too few pairs', () => {
  assert.throws(() => loadTranslationPairs({ dir: join(root, 'none') }), /translation: cannot read .*none\/cmn\.txt \(ENOENT\); set DEEPTS_DATA/);
  const bad = folder('bad', ['Hi.\t嗨。', 'Hi.\t你好。', 'no tab here']);
  assert.throws(() => loadTranslationPairs({ dir: bad }), /bad\/cmn\.txt: line 3 is not 'English<TAB>Chinese<TAB>attribution'/);
  assert.throws(() => loadTranslationPairs({ dir: folder('empty-side', ['Hi.\t \tx']) }), /line 1 /);
  assert.throws(() => loadTranslationPairs({ dir, direction: 'zh-fr' as never }), /direction must be one of 'zh-en', 'en-zh'/);
  assert.throws(() => loadTranslationPairs({ dir, sed: 1 } as never), /unknown option 'sed'/);
  assert.throws(() => loadTranslationPairs({ dir, seed: -1 }), /seed must be a non-negative integer/);
  assert.throws(
    () => loadTranslationPairs({ dir: folder('small', synthetic.slice(0, 1500)) }),
    /1500 distinct pairs .*1000 test and 1000 validation pairs need more/,
  );
});

test('the shared cmn.txt: 1,000 / 1,000 / 24,388 pairs, no sentence in two splits, the directions mirrored', (t) => {
  if (!existsSync(dataPath('translation', 'cmn-eng', 'cmn.txt'))) {
    t.skip('no shared data (DEEPTS_DATA)');
    return;
  }
  const s = loadTranslationPairs();
  assert.deepEqual([s.test.length, s.validation.length, s.train.length], [1000, 1000, 24388]);
  assert.match(s.split, /26,388 lines, 0 duplicate pairs dropped, 26,388 pairs in 23,050 groups/);
  assertDisjoint(s);
  assert.deepEqual(
    loadTranslationPairs({ direction: 'en-zh' }).test.map((p) => p.target),
    s.test.map((p) => p.source),
  );
});

test('VocabTokenizer specials: <pad> 0, <unk> 1, <bos> 2, <eos> 3; JSON round trip; plain vocabularies as before', () => {
  const zh = translationVocab(['你好。', '好的。'], 'zh');
  assert.deepEqual(zh.tokens.slice(0, 6), ['<pad>', '<unk>', '<bos>', '<eos>', '。', '好'], 'most frequent first, ties by code point');
  assert.deepEqual(
    [...zh.specialTokens],
    [
      ['<pad>', PAD_ID],
      ['<unk>', UNK_ID],
      ['<bos>', BOS_ID],
      ['<eos>', EOS_ID],
    ],
  );
  assert.equal(zh.level, 'char');
  assert.deepEqual(zh.encode('<bos>好'), [UNK_ID, UNK_ID, UNK_ID, UNK_ID, UNK_ID, 5], 'the text of a special is not the special');
  const back = VocabTokenizer.fromJson(zh.toJson());
  assert.deepEqual([back.tokens, back.specials, [...back.specialTokens]], [zh.tokens, zh.specials, [...zh.specialTokens]]);
  const en = translationVocab(["Don't go.", 'Go!'], 'en', { maxSize: 6 });
  assert.deepEqual(en.tokens, ['<pad>', '<unk>', '<bos>', '<eos>', 'go', '!'], 'maxSize counts the specials');
  const plain = VocabTokenizer.build(['ab'], { level: 'char' });
  assert.equal(plain.toJson(), '{"format":"deepts-vocab","version":1,"level":"char","tokens":["<pad>","<unk>","a","b"]}');
  assert.equal(VocabTokenizer.fromJson(plain.toJson()).specialTokens.size, 2);
  assert.throws(
    () => VocabTokenizer.build(['a'], { level: 'char', specials: ['<pad>'] }),
    /specials must be an array of non-empty strings other than <pad> and <unk>/,
  );
  assert.throws(() => VocabTokenizer.build(['a'], { level: 'char', specials: ['<bos>'], maxSize: 2 }), /maxSize must be an integer >= 3/);
  assert.throws(() => new VocabTokenizer('char', ['<pad>', '<unk>', 'a', '<bos>'], 'v', ['<bos>']), /v: the specials \["<bos>"\] must follow <pad> and <unk>/);
  assert.throws(() => translationVocab(['a'], 'fr' as never), /language must be one of 'zh', 'en'/);
  assert.throws(() => translationVocab(['a'], 'en', { level: 'char' } as never), /unknown option 'level'/);
});

test('decode: English words detokenized, Chinese characters joined; <pad> <bos> <eos> skipped, <unk> shown', () => {
  const texts = [
    "Don't worry, it's 3:30 p.m. in the U.S.",
    'He said "Stop!" and left.',
    "I paid $1,000 for my friends' car (the red one)...",
    'Is it 3, 4 or 5?',
  ];
  const en = translationVocab(texts, 'en');
  for (const text of texts) assert.equal(en.decode(en.encode(text)), text.toLowerCase());
  assert.equal(joinWords(splitTokens('Wait a minute ... what?!', 'word')), 'wait a minute... what?!');
  const zh = translationVocab(['我喜欢 Tom。'], 'zh');
  const ids = [BOS_ID, ...zh.encode('我喜欢 Tom。'), EOS_ID, PAD_ID];
  assert.equal(zh.decode(ids), '我喜欢Tom。', 'characters without spaces');
  assert.equal(en.decode([BOS_ID, en.tokenToId('worry')!, UNK_ID, EOS_ID]), 'worry <unk>');
});

test('TranslationBatches: source, <bos> y and y <eos>, right-padded int32; length, bucketing, truncation, the same batches for the same generator state', () => {
  // ids ≥ 4 are words; targets without <bos> / <eos>
  const sources = [[4, 5, 6], [7], [8, 9]];
  const targets = [[10], [11, 12, 13], [14, 15]];
  const b = new TranslationBatches(sources, targets, { batchSize: 2, shuffle: false });
  const [src, dec, lab] = b.batchOf([0, 1]);
  assert.deepEqual([src.shape, dec.shape, lab.shape, src.dtype, dec.dtype, lab.dtype], [[2, 3], [2, 4], [2, 4], 'int32', 'int32', 'int32']);
  assert.deepEqual(Array.from(src.toTypedArray()), [4, 5, 6, 7, 0, 0]);
  assert.deepEqual(Array.from(dec.toTypedArray()), [BOS_ID, 10, 0, 0, BOS_ID, 11, 12, 13]);
  assert.deepEqual(Array.from(lab.toTypedArray()), [10, EOS_ID, 0, 0, 11, 12, 13, EOS_ID]);
  assert.equal(b.length, 2);
  assert.deepEqual(
    [...b].map(([s]) => s.shape),
    [
      [2, 2],
      [1, 3],
    ],
    'without shuffling: sorted by source length in each pool',
  );

  const g = new dt.Generator(5);
  const len = (i: number, k: number) => 1 + ((i * k) % 30);
  const many = new TranslationBatches(
    Array.from({ length: 300 }, (_, i) => Array.from({ length: len(i, 37) }, () => 4 + i)),
    Array.from({ length: 300 }, (_, i) => Array.from({ length: len(i, 11) }, () => 5)),
    { batchSize: 16, poolBatches: 4, generator: g, maxLength: 20 },
  );
  assert.equal(many.length, 19);
  assert.ok(many.truncated.source > 0 && many.truncated.target > 0);
  const state = g.getState();
  const epoch = [...many].map(([s, d, l]) => [s.shape, d.shape, l.shape, Array.from(s.toTypedArray())]);
  assert.equal(epoch.length, 19);
  assert.ok(
    epoch.every(([s, d]) => (s as number[])[1]! <= 20 && (d as number[])[1]! <= 21),
    'maxLength caps the tokens, <eos> still added',
  );
  const seen = epoch.flatMap((e) => [...new Set((e[3] as number[]).filter((x) => x > 0))]).sort((a, b) => a - b);
  assert.deepEqual(
    seen,
    Array.from({ length: 300 }, (_, i) => 4 + i),
    'every pair once an epoch',
  );
  g.setState(state);
  assert.deepEqual(
    [...many].map(([s, d, l]) => [s.shape, d.shape, l.shape, Array.from(s.toTypedArray())]),
    epoch,
    'the same generator state, the same batches (resume)',
  );
  assert.notDeepEqual(
    [...many].map(([s]) => Array.from(s.toTypedArray())),
    epoch.map((e) => e[3]),
    'the next epoch is another order',
  );
  const state2 = g.getState();
  assert.ok(many.fill() > 0.7, `bucketed batches are ${many.fill()} real tokens`);
  assert.deepEqual(g.getState(), state2, 'fill() leaves the generator as it was');

  assert.throws(() => new TranslationBatches([[4]], [[]], { batchSize: 1 }), /target 0 is empty/);
  assert.throws(() => new TranslationBatches([[4]], [[5], [6]], { batchSize: 1 }), /1 sources but 2 targets/);
  assert.throws(() => new TranslationBatches([[4]], [[5]], { batchSize: 1, maxLen: 3 } as never), /unknown option 'maxLen'/);
  assert.throws(() => new TranslationBatches([[4]], [[5]], { batchSize: 1, maxLength: 0 }), /maxLength must be a positive integer/);
});

test('TranslationBatches.fromPairs encodes with the two vocabularies and needs <bos> / <eos> in the target one', () => {
  const pairs = [
    { source: '你好。', target: 'Hello.' },
    { source: '走！', target: 'Go!' },
  ];
  const vocabs = { source: translationVocab(['你好。'], 'zh'), target: translationVocab(['Hello. Go!'], 'en') };
  const b = TranslationBatches.fromPairs(pairs, vocabs, { batchSize: 2, shuffle: false });
  const [src, dec, lab] = b.batchOf([0, 1]);
  assert.equal(vocabs.source.decode(Array.from(src.toTypedArray()).slice(0, 3)), '你好。');
  assert.deepEqual(Array.from(src.toTypedArray()).slice(3), [UNK_ID, UNK_ID, 0], '走 and ！ are unknown');
  const row = (t: dt.Tensor, r: number) => Array.from(t.toTypedArray()).slice(r * 3, r * 3 + 3);
  assert.equal(vocabs.target.decode(row(dec, 1)), 'go!');
  assert.deepEqual(row(lab, 0), [...vocabs.target.encode('Hello.'), EOS_ID]);
  const plain = VocabTokenizer.build(['Hello.'], { level: 'word' });
  assert.throws(() => TranslationBatches.fromPairs(pairs, { source: vocabs.source, target: plain }, { batchSize: 2 }), /needs <bos> = 2 and <eos> = 3/);
  assert.throws(() => TranslationBatches.fromPairs(pairs, { ...vocabs, src: plain } as never, { batchSize: 2 }), /unknown option 'src'/);
});

test('trainLoop runs TranslationBatches as an iterable with a length: one step a batch, the generator saved as the data order', async () => {
  const shuffle = new dt.Generator(2);
  const data = TranslationBatches.fromPairs(
    loadTranslationPairs({ dir }).validation.slice(0, 40),
    {
      source: translationVocab(['第一二三四五六七八九零句。'], 'zh'),
      target: translationVocab(['Sentence is here. 1 2 3 4 5 6 7 8 9 0'], 'en'),
    },
    { batchSize: 16, generator: shuffle },
  );
  const embed = new dt.nn.Embedding(20, 8),
    out = new dt.nn.Linear(8, 20);
  const model = new dt.nn.Sequential(embed, out);
  const result = await dt.trainLoop({
    models: { model },
    optimizers: { opt: new dt.optim.Adam(model.parameters(), { lr: 0.01 }) },
    data,
    epochs: 1,
    generators: { shuffle },
    say: null,
    loss: ({ batch: [, dec, labels] }) => dt.crossEntropy(model.forward(dec).reshape(-1, 20), labels.reshape(-1), { ignoreIndex: 0 }),
  });
  assert.deepEqual([result.step, result.epoch], [data.length, 1]);
});

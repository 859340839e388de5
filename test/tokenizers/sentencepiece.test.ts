import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tokenizerFiles } from '../../src/io/data-paths.js';
import { chineseLlamaModel, loadNamedTokenizer } from '../../src/tokenizers/registry.js';
import type { SentencePieceBpe } from '../../src/tokenizers/sentencepiece-bpe.js';
import { loadSentencePieceModel, serializeSentencePieceModel } from '../../src/tokenizers/sentencepiece-model.js';
import { chineseReviews, englishSentences, sentimentFiles } from '../../src/tokenizers/sentiment-texts.js';
import { haveFiles } from './helpers.js';

// Written by scripts/tokenizer_fixtures.py from Google's sentencepiece (Debian python3-sentencepiece).
type Reference = {
  models: Record<string, { sha256: string; pieces: number }>;
  edge_cases: Array<{ text: string; ids: Record<string, number[]>; pieces: Record<string, string[]> }>;
  samples: Array<{ text: string; digest: Record<string, [number, string]> }>;
  corpora: Record<string, Record<string, { texts: number; chars: number; tokens: number; sha256: string }>>;
  decode: Record<string, Array<{ ids: number[]; text: string }>>;
};
const reference = JSON.parse(readFileSync(join(repoRoot(), 'fixtures', 'tokenizers', 'sentencepiece_reference.json'), 'utf8')) as Reference;

const MODELS = ['llama', 'chinese-llama', 'chinese-llama-2'] as const;
const modelFiles = [tokenizerFiles.llama(), tokenizerFiles.chineseSp(), tokenizerFiles.chineseLlama2()];
const loaded = new Map<string, SentencePieceBpe>();
function tok(name: (typeof MODELS)[number]): SentencePieceBpe {
  if (!loaded.has(name)) loaded.set(name, loadNamedTokenizer(name) as SentencePieceBpe);
  return loaded.get(name)!;
}
const digest = (ids: number[]) => createHash('sha256').update(JSON.stringify(ids)).digest('hex').slice(0, 16);

test("the merged Chinese-LLaMA model has 49953 pieces and is byte-identical to the Python merge script's", (t) => {
  if (!haveFiles(t, ...modelFiles)) return;
  const merged = chineseLlamaModel();
  assert.equal(merged.pieces.length, 49953);
  const bytes = serializeSentencePieceModel(merged);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), reference.models['chinese-llama']!.sha256);
  // Writing an unchanged model gives back the original file.
  const llama = readFileSync(tokenizerFiles.llama());
  assert.equal(Buffer.compare(Buffer.from(serializeSentencePieceModel(loadSentencePieceModel(tokenizerFiles.llama()))), llama), 0);
  for (const name of MODELS) assert.equal(tok(name).vocabSize, reference.models[name]!.pieces, name);
});

test("the lecture's poetry: 14 and 17 Chinese-LLaMA tokens after the leading ▁, 茝 as <0xE8> <0x8C> <0x9D>", (t) => {
  if (!haveFiles(t, ...modelFiles)) return;
  const zh = tok('chinese-llama');
  const first = zh.encodeAsPieces('男儿何不带吴钩，收取关山五十州。');
  assert.equal(first[0], '▁');
  assert.equal(first.length - 1, 14);
  assert.deepEqual(first.slice(1), ['男', '儿', '何', '不', '带', '吴', '钩', '，', '收取', '关', '山', '五十', '州', '。']);
  const second = zh.encodeAsPieces('杂申椒与菌桂兮，岂维纫夫蕙茝。');
  assert.equal(second[0], '▁');
  assert.equal(second.length - 1, 17);
  assert.deepEqual(second.slice(1), ['杂', '申', '椒', '与', '菌', '桂', '兮', '，', '岂', '维', '纫', '夫', '蕙', '<0xE8>', '<0x8C>', '<0x9D>', '。']);
  assert.equal(zh.decode(zh.encode('杂申椒与菌桂兮，岂维纫夫蕙茝。')), '杂申椒与菌桂兮，岂维纫夫蕙茝。');
});

test('SentencePiece ids and pieces equal sentencepiece on the edge cases', (t) => {
  if (!haveFiles(t, ...modelFiles)) return;
  for (const c of reference.edge_cases) {
    for (const name of MODELS) {
      assert.deepEqual(tok(name).encode(c.text), c.ids[name], `${name} ${JSON.stringify(c.text)}`);
      assert.deepEqual(tok(name).encodeAsPieces(c.text), c.pieces[name], `${name} ${JSON.stringify(c.text)}`);
    }
  }
});

test('SentencePiece ids equal sentencepiece on sampled Shakespeare, reviews and random Unicode strings', (t) => {
  if (!haveFiles(t, ...modelFiles)) return;
  assert.ok(reference.samples.length >= 900);
  for (const s of reference.samples) {
    for (const name of MODELS) {
      const ids = tok(name).encode(s.text);
      assert.deepEqual([ids.length, digest(ids)], s.digest[name], `${name} ${JSON.stringify(s.text)} -> ${JSON.stringify(ids)}`);
    }
  }
});

test('SentencePiece decode equals sentencepiece on random id sequences (split characters, controls, <unk>)', (t) => {
  if (!haveFiles(t, ...modelFiles)) return;
  for (const name of MODELS) {
    for (const c of reference.decode[name]!) assert.equal(tok(name).decode(c.ids), c.text, `${name} ${JSON.stringify(c.ids)}`);
  }
  assert.throws(() => tok('llama').decode([32000]), /out of range/);
});

test('SentencePiece round-trips text and supports BOS/EOS and allowed control tokens', (t) => {
  if (!haveFiles(t, ...modelFiles)) return;
  const llama = tok('llama');
  for (const s of ['Hello world', '  two  spaces\n', '男儿何不带吴钩 😀 茝', 'tab\there']) assert.equal(llama.decode(llama.encode(s)), s);
  assert.deepEqual(llama.encode('Hello world', { addBos: true, addEos: true }), [1, 15043, 3186, 2]);
  assert.deepEqual(llama.encode('<s>Hi', { allowedSpecial: 'all' }), [1, ...llama.encode('Hi')]);
  assert.notEqual(llama.encode('<s>Hi')[0], 1);
  assert.equal(llama.tokenToId('<0x0A>'), 13);
  assert.equal(llama.idToToken(15043), '▁Hello');
});

// Whole corpora: every line of Tiny Shakespeare and every review, compared through the fixture's
// sha256 over all id lists (the ids themselves are not committed).
function corpus(name: string): string[] {
  switch (name) {
    case 'tinyshakespeare-lines':
      return readFileSync(tokenizerFiles.tinyShakespeare(), 'utf8').split('\n');
    case 'chnsenticorp':
      return chineseReviews(sentimentFiles.chnsenticorp());
    case 'waimai_10k':
      return chineseReviews(sentimentFiles.waimai());
    default:
      return englishSentences(sentimentFiles.sst2Train());
  }
}
const corpusFiles = [tokenizerFiles.tinyShakespeare(), sentimentFiles.chnsenticorp(), sentimentFiles.waimai(), sentimentFiles.sst2Train()];
const WHOLE: Array<[string, (typeof MODELS)[number]]> = [
  ['tinyshakespeare-lines', 'llama'],
  ['chnsenticorp', 'llama'],
  ['waimai_10k', 'llama'],
  ['sst2-train', 'llama'],
  ['tinyshakespeare-lines', 'chinese-llama'],
  ['chnsenticorp', 'chinese-llama'],
  ['waimai_10k', 'chinese-llama'],
  ['chnsenticorp', 'chinese-llama-2'],
  ['waimai_10k', 'chinese-llama-2'],
];
for (const [c, name] of WHOLE) {
  test(`${name} ids equal sentencepiece on all of ${c}`, (t) => {
    if (!haveFiles(t, ...modelFiles, ...corpusFiles)) return;
    const ref = reference.corpora[c]![name]!;
    const texts = corpus(c);
    assert.equal(texts.length, ref.texts);
    const h = createHash('sha256');
    let tokens = 0;
    let chars = 0;
    for (const s of texts) {
      const ids = tok(name).encode(s);
      tokens += ids.length;
      chars += s.length;
      h.update(JSON.stringify(ids) + '\n');
    }
    assert.equal(chars, ref.chars);
    assert.equal(tokens, ref.tokens);
    assert.equal(h.digest('hex'), ref.sha256);
  });
}

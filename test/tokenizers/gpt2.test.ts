import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { getEncoding } from 'js-tiktoken';
import { tokenizerFiles, dataPath } from '../../src/io/data-paths.js';
import { loadGpt2 } from '../../src/tokenizers/gpt2-files.js';
import { loadHuggingFaceTokenizer } from '../../src/tokenizers/huggingface-json.js';
import type { ByteLevelBpe } from '../../src/tokenizers/byte-level-bpe.js';
import { LECTURE_IDS, LECTURE_PARAGRAPH, haveFiles, randomUnicodeString, seededRandom } from './helpers.js';

let cached: { files: ByteLevelBpe; hf: ByteLevelBpe } | undefined;
function gpt2(): { files: ByteLevelBpe; hf: ByteLevelBpe } {
  cached ??= { files: loadGpt2(), hf: loadHuggingFaceTokenizer(tokenizerFiles.gpt2TokenizerJson()) };
  return cached;
}
const gpt2Files = [tokenizerFiles.gpt2Encoder(), tokenizerFiles.gpt2Vocab(), tokenizerFiles.gpt2TokenizerJson()];

test("GPT-2 encodes the lecture paragraph to exactly the slide's 79 ids, from both file formats", (t) => {
  if (!haveFiles(t, ...gpt2Files)) return;
  const { files, hf } = gpt2();
  assert.equal(LECTURE_IDS.length, 79);
  assert.deepEqual(files.encode(LECTURE_PARAGRAPH), LECTURE_IDS);
  assert.deepEqual(hf.encode(LECTURE_PARAGRAPH), LECTURE_IDS);
  assert.equal(files.decode(LECTURE_IDS), LECTURE_PARAGRAPH);
  assert.equal(files.vocabSize, 50257);
  assert.equal(hf.vocabSize, 50257);
});

test("GPT-2 special tokens are recognised only when allowed; the lecture's (B,T) batch row", (t) => {
  if (!haveFiles(t, ...gpt2Files)) return;
  const { files } = gpt2();
  const row = 'Example document 2<|endoftext|>Example document 3<|endoftext|>Example document';
  assert.deepEqual(files.encode(row, { allowedSpecial: 'all' }), [16281, 3188, 362, 50256, 16281, 3188, 513, 50256, 16281, 3188]);
  assert.deepEqual(files.encode(row, { allowedSpecial: ['<|endoftext|>'] }), files.encode(row, { allowedSpecial: 'all' }));
  const plain = files.encode(row);
  assert.ok(!plain.includes(50256), 'special text is ordinary text unless allowed');
  assert.equal(files.decode(plain), row);
  assert.deepEqual(files.encode('Here is an example document 1 showing some tokens.'), [4342, 318, 281, 1672, 3188, 352, 4478, 617, 16326, 13]);
  assert.deepEqual(files.encode('1,2,3,4,5'), [16, 11, 17, 11, 18, 11, 19, 11, 20]);
  assert.equal(files.tokenToId('<|endoftext|>'), 50256);
  assert.equal(files.idToToken(50256), '<|endoftext|>');
  assert.equal(files.idToToken(262), 'Ġthe');
  assert.throws(() => files.encode('x', { allowedSpecial: ['<s>'] }), /not a special token/);
});

test('GPT-2 decodes any id sequence, including ids that split a UTF-8 character', (t) => {
  if (!haveFiles(t, ...gpt2Files)) return;
  const { files } = gpt2();
  const ids = files.encode('茝 and 😀');
  const bytes = ids.map((id) => files.idToBytes(id));
  assert.ok(
    bytes.some((b) => b.length < 3 && b[0]! >= 0x80),
    'some token holds part of a character',
  );
  assert.equal(files.decode(ids), '茝 and 😀');
  assert.equal(files.decode(ids.slice(0, 1)), '\ufffd'.repeat(files.decode(ids.slice(0, 1)).length));
  assert.deepEqual([...files.decodeBytes(ids)], [...new TextEncoder().encode('茝 and 😀')]);
  for (let id = 0; id < files.vocabSize; id += 97) files.decode([id, id + 1 < files.vocabSize ? id + 1 : 0]);
  assert.throws(() => files.decode([50257]), /out of range/);
});

test('GPT-2 ids equal js-tiktoken on all of Tiny Shakespeare', (t) => {
  const path = tokenizerFiles.tinyShakespeare();
  if (!haveFiles(t, ...gpt2Files, path)) return;
  const text = readFileSync(path, 'utf8');
  const ours = gpt2().files.encode(text);
  const theirs = getEncoding('gpt2').encode(text);
  assert.equal(ours.length, theirs.length);
  assert.deepEqual(ours, theirs);
});

test('GPT-2 ids equal js-tiktoken on the sentiment files (Chinese and English)', (t) => {
  const files = ['sentiment/chnsenticorp/ChnSentiCorp_htl_all.csv', 'sentiment/waimai_10k/waimai_10k.csv', 'sentiment/sst2/dev.tsv'].map((f) => dataPath(f));
  if (!haveFiles(t, ...gpt2Files, ...files)) return;
  const enc = getEncoding('gpt2');
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    assert.deepEqual(gpt2().files.encode(text), enc.encode(text), f);
  }
});

test('GPT-2 ids equal js-tiktoken on 3000 random Unicode strings, and decode round-trips', (t) => {
  if (!haveFiles(t, ...gpt2Files)) return;
  const enc = getEncoding('gpt2');
  const rand = seededRandom(2024);
  const { files, hf } = gpt2();
  for (let i = 0; i < 3000; i++) {
    const s = randomUnicodeString(rand, i % 10 === 0 ? 400 : 40);
    const ours = files.encode(s);
    assert.deepEqual(ours, enc.encode(s), JSON.stringify(s));
    assert.deepEqual(hf.encode(s), ours);
    assert.equal(files.decode(ours), s);
  }
});

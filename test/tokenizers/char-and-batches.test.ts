import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CharTokenizer } from '../../src/tokenizers/char-tokenizer.js';
import { tokenizerFiles } from '../../src/io/data-paths.js';
import { loadGpt2 } from '../../src/tokenizers/gpt2-files.js';
import { batchAt, joinDocuments } from '../../src/tokenizers/token-batches.js';
import { groupTokensByCharacters } from '../../src/tokenizers/utf8.js';
import { haveFiles } from './helpers.js';

test('character tokenizer: sorted unique characters, exact round trip, clear unknown-character error', () => {
  const tok = CharTokenizer.fromCorpus('hello world 😀');
  assert.deepEqual(tok.chars, [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w', '😀']);
  assert.deepEqual(tok.encode('hold 😀'), [3, 5, 4, 1, 0, 8]);
  assert.equal(tok.decode(tok.encode('hello 😀')), 'hello 😀');
  assert.throws(() => tok.encode('hey'), /character "y" \(U\+0079\) at offset 2 is not in the vocabulary of 9 characters/);
  assert.throws(() => tok.decode([9]), /out of range/);
  assert.deepEqual(CharTokenizer.fromJson(tok.toJson()).chars, tok.chars);
});

test('character tokenizer on Tiny Shakespeare has the 65 characters of the Shakespeare GPT', (t) => {
  if (!haveFiles(t, tokenizerFiles.tinyShakespeare())) return;
  const text = readFileSync(tokenizerFiles.tinyShakespeare(), 'utf8');
  const tok = CharTokenizer.fromCorpus(text);
  assert.equal(tok.vocabSize, 65);
  assert.equal(tok.chars.join(''), "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
  assert.deepEqual(tok.encode('hii there'), [46, 47, 47, 1, 58, 46, 43, 56, 43]);
});

test("documents joined by <|endoftext|> and cut into the lecture's (B,T) batch", (t) => {
  if (!haveFiles(t, tokenizerFiles.gpt2Encoder(), tokenizerFiles.gpt2Vocab())) return;
  const gpt2 = loadGpt2();
  const eot = gpt2.specialTokens.get('<|endoftext|>')!;
  const stream = joinDocuments(
    ['Example document 2', 'Example document 3', 'Example document 4'].map((d) => gpt2.encode(d)),
    eot,
  );
  const batch = batchAt(stream, 1, 10);
  assert.deepEqual([...batch.inputs], [16281, 3188, 362, 50256, 16281, 3188, 513, 50256, 16281, 3188]);
  assert.deepEqual([...batch.targets], [3188, 362, 50256, 16281, 3188, 513, 50256, 16281, 3188, 604]);
  const two = batchAt(stream, 2, 4, 1);
  assert.deepEqual([...two.inputs], [...stream.slice(1, 9)]);
  assert.throws(() => batchAt(stream, 4, 10), /needs 41 tokens, the stream has 12/);
});

test('token bytes are grouped into whole characters for display', () => {
  const enc = new TextEncoder();
  const b = enc.encode('茝a');
  const groups = groupTokensByCharacters([b.subarray(0, 1), b.subarray(1, 2), b.subarray(2, 4)]);
  assert.deepEqual(groups, [{ tokens: 3, text: '茝a' }]);
  assert.deepEqual(groupTokensByCharacters([enc.encode('ab'), Uint8Array.of(0xff), enc.encode('c')]), [
    { tokens: 1, text: 'ab' },
    { tokens: 1, text: '\ufffd' },
    { tokens: 1, text: 'c' },
  ]);
});

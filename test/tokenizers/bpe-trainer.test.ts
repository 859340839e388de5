import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainByteLevelBpe } from '../../src/tokenizers/bpe-trainer.js';
import { tokenizerFiles } from '../../src/io/data-paths.js';
import { GPT2_SPLIT_PATTERN } from '../../src/tokenizers/gpt2-pattern.js';
import { byteLevelBpeFromHuggingFaceJson, saveHuggingFaceTokenizer, toHuggingFaceJson } from '../../src/tokenizers/huggingface-json.js';
import { loadTokenizerFromPath } from '../../src/tokenizers/registry.js';
import { loadTrainedBpe, saveTrainedBpe, trainedBpeFromJson, trainedBpeToJson } from '../../src/tokenizers/trained-bpe-file.js';
import { haveFiles, randomUnicodeString, seededRandom } from './helpers.js';

function smallCorpus(): string {
  const rand = seededRandom(7);
  const words = ['the', 'then', 'there', 'other', 'ant', 'antler', 'banana', 'bandana', 'aaaa', 'abab', '中文', '字符', "don't", '2024', '  '];
  for (let i = 0; i < 80; i++) words.push(randomUnicodeString(rand, 14));
  let s = '';
  for (let i = 0; i < 3000; i++) s += (rand() < 0.9 ? ' ' : '\n') + words[Math.floor(rand() * words.length)];
  return s + '<|endoftext|>' + randomUnicodeString(rand, 200);
}

// The definition the incremental trainer must agree with: recount every pair before each merge.
function naiveMerges(text: string, vocabSize: number, specials: string[]): Array<[number, number]> {
  const re = new RegExp(GPT2_SPLIT_PATTERN, 'gu');
  const counts = new Map<string, number>();
  for (const part of text.split(new RegExp(specials.map((s) => s.replace(/[|]/g, '\\|')).join('|')))) {
    for (const m of part.matchAll(re)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  }
  const words = [...counts].map(([w, c]) => ({ s: Array.from(new TextEncoder().encode(w)), c }));
  const bytes: string[] = [];
  for (let b = 0; b < 256; b++) bytes.push(String.fromCharCode(b));
  const merges: Array<[number, number]> = [];
  while (bytes.length < vocabSize - specials.length) {
    const pc = new Map<number, number>();
    for (const { s, c } of words) for (let i = 0; i + 1 < s.length; i++) pc.set(s[i]! * 2 ** 21 + s[i + 1]!, (pc.get(s[i]! * 2 ** 21 + s[i + 1]!) ?? 0) + c);
    let best = -1;
    let bestC = 0;
    for (const [k, c] of pc) if (c > bestC || (c === bestC && k < best)) [best, bestC] = [k, c];
    if (best < 0 || bestC < 2) break;
    const l = Math.floor(best / 2 ** 21);
    const r = best % 2 ** 21;
    const joined = bytes[l]! + bytes[r]!;
    let id = bytes.indexOf(joined);
    if (id < 0) id = bytes.push(joined) - 1;
    merges.push([l, r]);
    for (const w of words) {
      const out: number[] = [];
      for (let i = 0; i < w.s.length; i++) {
        if (i + 1 < w.s.length && w.s[i] === l && w.s[i + 1] === r) {
          out.push(id);
          i++;
        } else out.push(w.s[i]!);
      }
      w.s = out;
    }
  }
  return merges;
}

test('incremental pair counting gives the same merges as a full recount per merge', () => {
  const text = smallCorpus();
  const { merges, tokenizer } = trainByteLevelBpe(text, { vocabSize: 420 });
  assert.deepEqual(merges, naiveMerges(text, 420, ['<|endoftext|>']));
  assert.equal(tokenizer.vocabSize, 420);
  assert.equal(tokenizer.specialTokens.get('<|endoftext|>'), 419);
});

test('training is deterministic and the trained tokenizer round-trips text and special tokens', () => {
  const text = smallCorpus();
  const a = trainByteLevelBpe(text, { vocabSize: 400 });
  const b = trainByteLevelBpe(text, { vocabSize: 400 });
  assert.deepEqual(a.merges, b.merges);
  const tok = a.tokenizer;
  assert.equal(tok.decode(tok.encode(text)), text);
  assert.deepEqual(tok.encode('x<|endoftext|>y', { allowedSpecial: 'all' }), [...tok.encode('x'), 399, ...tok.encode('y')]);
  assert.ok(!tok.encode('<|endoftext|>').includes(399));
  assert.throws(() => trainByteLevelBpe(text, { vocabSize: 100 }), /vocabSize must be an integer in 257\.\./);
});

test('a trained tokenizer round-trips every byte string exactly, valid UTF-8 or not', () => {
  const tok = trainByteLevelBpe(smallCorpus(), { vocabSize: 400 }).tokenizer;
  const rand = seededRandom(99);
  for (let b = 0; b < 256; b++) assert.deepEqual([...tok.decodeBytes(tok.encodeBytes(Uint8Array.of(b)))], [b]);
  for (let i = 0; i < 2000; i++) {
    const n = Math.floor(rand() * 64);
    const bytes = new Uint8Array(n);
    const mode = i % 3;
    for (let k = 0; k < n; k++)
      bytes[k] =
        mode === 0
          ? Math.floor(rand() * 256)
          : mode === 1
            ? 0x20 + Math.floor(rand() * 95)
            : [0xe4, 0xb8, 0xad, 0x20, 0x61, 0xff, 0xc0, 0x80][Math.floor(rand() * 8)]!;
    assert.deepEqual([...tok.decodeBytes(tok.encodeBytes(bytes))], [...bytes]);
  }
  for (let i = 0; i < 500; i++) {
    const s = randomUnicodeString(rand, 80);
    assert.equal(tok.decode(tok.encode(s)), s);
    assert.deepEqual(tok.encodeBytes(new TextEncoder().encode(s)), tok.encode(s));
  }
});

test('deepts-bpe and Hugging Face tokenizer.json exports load back to the same tokenizer', () => {
  const text = smallCorpus();
  const tok = trainByteLevelBpe(text, { vocabSize: 400, specialTokens: ['<|endoftext|>', '<|pad|>'] }).tokenizer;
  const dir = mkdtempSync(join(tmpdir(), 'deepts-bpe-'));
  try {
    saveTrainedBpe(tok, join(dir, 'deepts-bpe.json'));
    saveHuggingFaceTokenizer(tok, join(dir, 'tokenizer.json'));
    const fromOurs = loadTrainedBpe(join(dir, 'deepts-bpe.json'));
    const fromHf = byteLevelBpeFromHuggingFaceJson(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
    const viaPath = loadTokenizerFromPath(dir);
    const sample = text.slice(0, 3000) + '<|pad|>';
    for (const other of [fromOurs, fromHf, viaPath]) {
      assert.equal(other.vocabSize, tok.vocabSize);
      assert.deepEqual(other.encode(sample, { allowedSpecial: 'all' }), tok.encode(sample, { allowedSpecial: 'all' }));
    }
    assert.equal(trainedBpeToJson(fromOurs), trainedBpeToJson(tok));
    const hf = toHuggingFaceJson(tok) as { model: { merges: string[]; vocab: Record<string, number> }; added_tokens: Array<{ content: string; id: number }> };
    assert.equal(hf.model.merges.length, tok.merges.length);
    assert.deepEqual(
      hf.added_tokens.map((t) => [t.content, t.id]),
      [
        ['<|endoftext|>', 398],
        ['<|pad|>', 399],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a custom split pattern is kept by both file formats', () => {
  const pattern = '\\p{L}+|\\p{N}{1,3}|\\s+|[^\\s\\p{L}\\p{N}]+';
  const tok = trainByteLevelBpe('abc abc 12345 abc!!', { vocabSize: 270, pattern, minFrequency: 1 }).tokenizer;
  assert.equal(trainedBpeFromJson(trainedBpeToJson(tok)).pattern, pattern);
  assert.equal(byteLevelBpeFromHuggingFaceJson(JSON.stringify(toHuggingFaceJson(tok))).pattern, pattern);
});

test('training a 4,096-token vocabulary on Tiny Shakespeare', (t) => {
  if (!haveFiles(t, tokenizerFiles.tinyShakespeare())) return;
  const text = readFileSync(tokenizerFiles.tinyShakespeare(), 'utf8');
  const { tokenizer, stats } = trainByteLevelBpe(text, { vocabSize: 4096 });
  assert.equal(tokenizer.vocabSize, 4096);
  assert.equal(stats.merges, 4096 - 256 - 1);
  const ids = tokenizer.encode(text);
  assert.equal(tokenizer.decode(ids), text);
  assert.ok(text.length / ids.length > 3, `expected > 3 characters per token, got ${(text.length / ids.length).toFixed(2)}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CharTokenizer } from '../../src/tokenizers/char-tokenizer.js';
import { tokenizerFiles } from '../../src/io/data-paths.js';
import { TokenizerFileError } from '../../src/tokenizers/errors.js';
import { gpt2FromStrings, loadGpt2 } from '../../src/tokenizers/gpt2-files.js';
import { byteLevelBpeFromHuggingFaceJson } from '../../src/tokenizers/huggingface-json.js';
import { ProtoWriter } from '../../src/tokenizers/protobuf.js';
import { loadTokenizerFromPath } from '../../src/tokenizers/registry.js';
import { SentencePieceBpe } from '../../src/tokenizers/sentencepiece-bpe.js';
import { loadSentencePieceModel, parseSentencePieceModel } from '../../src/tokenizers/sentencepiece-model.js';
import { trainedBpeFromJson } from '../../src/tokenizers/trained-bpe-file.js';
import { byteToChar } from '../../src/tokenizers/byte-unicode.js';
import { haveFiles } from './helpers.js';

/** A tiny valid SentencePiece BPE model, so the error tests need no shared data. */
export function tinyModel(opts: { pieces?: Array<[string, number, number]>; modelType?: number } = {}): Uint8Array {
  const pieces = opts.pieces ?? [
    ['<unk>', 0, 2],
    ['<s>', 0, 3],
    ['</s>', 0, 3],
    ['▁a', -1, 1],
    ['ab', -2, 1],
    ['▁', -3, 1],
    ['a', -4, 1],
    ['b', -5, 1],
  ];
  const w = new ProtoWriter();
  for (const [piece, score, type] of pieces) {
    const p = new ProtoWriter();
    p.string(1, piece);
    p.float(2, score);
    if (type !== 1) {
      p.tag(3, 0);
      p.varint(type);
    }
    w.bytes(1, p.finish());
  }
  const ts = new ProtoWriter();
  ts.tag(3, 0);
  ts.varint(opts.modelType ?? 2);
  ts.tag(4, 0);
  ts.varint(pieces.length);
  ts.tag(43, 0);
  ts.varint(-1);
  w.bytes(2, ts.finish());
  const ns = new ProtoWriter();
  ns.string(1, 'identity');
  w.bytes(3, ns.finish());
  return w.finish();
}

function expectFileError(fn: () => unknown, file: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TokenizerFileError, `expected TokenizerFileError, got ${String(e)}`);
    assert.ok(e.message.startsWith(file + ':'), `message should start with the file name: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('a tiny SentencePiece model encodes, and negative int32 fields (pad_id = -1) parse', () => {
  const model = parseSentencePieceModel(tinyModel(), 'tiny.model');
  assert.equal(model.trainerSpec.padId, -1);
  const tok = new SentencePieceBpe(model);
  assert.deepEqual(tok.encodeAsPieces('ab a'), ['▁a', 'b', '▁a']);
  assert.deepEqual(tok.encode('xab'), [5, 0, 4]); // no byte fallback: 'x' is <unk>
  assert.deepEqual(tok.encode('xy'), [5, 0], 'a run of unknown characters is one <unk>');
  assert.equal(tok.decode(tok.encode('xab')), ' \u2047 ab');
});

test('truncated or garbage SentencePiece files give a clear error naming the file', () => {
  const good = tinyModel();
  for (const cut of [1, 5, 17, good.length - 3, good.length - 1]) {
    expectFileError(() => parseSentencePieceModel(good.subarray(0, cut), 'cut.model'), 'cut.model', /truncated protobuf|corrupt protobuf|no pieces/);
  }
  expectFileError(() => parseSentencePieceModel(new Uint8Array(0), 'empty.model'), 'empty.model', /empty file/);
  expectFileError(() => parseSentencePieceModel(new TextEncoder().encode('{"not": "a model"}'), 'json.model'), 'json.model', /protobuf/);
  expectFileError(() => parseSentencePieceModel(Uint8Array.of(0x0a, 0x02, 0x0a, 0x00), 'nopiece.model'), 'nopiece.model', /piece 0 .* has no text/);
  expectFileError(() => new SentencePieceBpe(parseSentencePieceModel(tinyModel({ modelType: 1 }), 'uni.model')), 'uni.model', /model_type is UNIGRAM/);
  expectFileError(
    () =>
      new SentencePieceBpe(
        parseSentencePieceModel(
          tinyModel({
            pieces: [
              ['<unk>', 0, 2],
              ['a', 0, 1],
              ['a', 0, 1],
            ],
          }),
          'dup.model',
        ),
      ),
    'dup.model',
    /already defined/,
  );
  expectFileError(() => new SentencePieceBpe(parseSentencePieceModel(tinyModel({ pieces: [['a', 0, 1]] }), 'nounk.model')), 'nounk.model', /UNKNOWN/);
  expectFileError(() => loadSentencePieceModel('/nonexistent/tokenizer.model'), '/nonexistent/tokenizer.model', /cannot read/);
});

test('the real LLaMA model, truncated mid-piece, is reported as truncated', (t) => {
  if (!haveFiles(t, tokenizerFiles.llama())) return;
  const bytes = readFileSync(tokenizerFiles.llama());
  expectFileError(
    () => parseSentencePieceModel(bytes.subarray(0, 250_001), 'llama-cut.model'),
    'llama-cut.model',
    /truncated protobuf: .* byte \d+ needs \d+ more byte/,
  );
});

test('bad JSON in GPT-2, Hugging Face and deepts-bpe files gives an error naming the file', () => {
  expectFileError(() => gpt2FromStrings('{"a": 0,', 'a b', { encoder: 'enc.json', vocab: 'v.bpe' }), 'enc.json', /invalid JSON, expected an object mapping/);
  expectFileError(() => gpt2FromStrings('[1, 2]', 'a b', { encoder: 'enc.json', vocab: 'v.bpe' }), 'enc.json', /expected a JSON object/);
  expectFileError(() => gpt2FromStrings('{"a": "zero"}', 'a b', { encoder: 'enc.json', vocab: 'v.bpe' }), 'enc.json', /expected a non-negative integer/);
  expectFileError(() => byteLevelBpeFromHuggingFaceJson('{"model": ', 'tok.json'), 'tok.json', /invalid JSON/);
  expectFileError(() => byteLevelBpeFromHuggingFaceJson('{"model": {"type": "WordPiece"}}', 'tok.json'), 'tok.json', /only "BPE"/);
  expectFileError(
    () => byteLevelBpeFromHuggingFaceJson('{"model": {"type": "BPE", "vocab": {}, "merges": "x"}}', 'tok.json'),
    'tok.json',
    /model.merges: expected an array/,
  );
  expectFileError(() => trainedBpeFromJson('{"format": "deepts-bpe", "version": 1, ', 'bpe.json'), 'bpe.json', /invalid JSON/);
  expectFileError(() => trainedBpeFromJson('{"format": "other"}', 'bpe.json'), 'bpe.json', /"format": "deepts-bpe"/);
  expectFileError(() => CharTokenizer.fromJson('{"format": "deepts-char", "chars": [1]}', 'chars.json'), 'chars.json', /single-character strings/);
});

// A 256-byte vocabulary plus a few merged tokens, in GPT-2's text form.
function byteVocab(extra: string[]): Record<string, number> {
  const v: Record<string, number> = {};
  byteToChar.forEach((c, i) => (v[c] = i));
  extra.forEach((t, i) => (v[t] = 256 + i));
  return v;
}

test('merges naming unknown tokens are rejected with the line or index', () => {
  const vocab = JSON.stringify(byteVocab(['ab', 'abc']));
  assert.equal(gpt2FromStrings(vocab, '#version: 0.2\na b\nab c\n').encode('abc').length, 1);
  expectFileError(
    () => gpt2FromStrings(vocab, '#version: 0.2\na b\nab zz\n', { encoder: 'e.json', vocab: 'v.bpe' }),
    'v.bpe',
    /line 3: merge "ab zz" names unknown token "zz"/,
  );
  expectFileError(
    () => gpt2FromStrings(vocab, '#version: 0.2\na b\nb c\n', { encoder: 'e.json', vocab: 'v.bpe' }),
    'v.bpe',
    /line 3: merge "b c" makes "bc", which is not in the vocabulary/,
  );
  expectFileError(
    () => gpt2FromStrings(vocab, '#version: 0.2\na  b\n', { encoder: 'e.json', vocab: 'v.bpe' }),
    'v.bpe',
    /line 2: expected a merge of two tokens/,
  );
  const hf = (merges: unknown) =>
    JSON.stringify({
      model: { type: 'BPE', vocab: byteVocab(['ab']), merges },
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true },
    });
  assert.equal(byteLevelBpeFromHuggingFaceJson(hf(['a b'])).encode('ab').length, 1);
  assert.equal(byteLevelBpeFromHuggingFaceJson(hf([['a', 'b']])).encode('ab').length, 1);
  expectFileError(
    () => byteLevelBpeFromHuggingFaceJson(hf(['a b', 'ab Q!']), 'hf.json'),
    'hf.json',
    /model.merges\[1\]: merge "ab Q!" names unknown token "Q!"/,
  );
  expectFileError(
    () => trainedBpeFromJson('{"format": "deepts-bpe", "version": 1, "pattern": "\\\\S+", "merges": [[97, 98], [256, 9999]]}', 'bpe.json'),
    'bpe.json',
    /merges\[1\] = \[256, 9999\] names an unknown token: only ids 0..256 exist/,
  );
  expectFileError(
    () => trainedBpeFromJson('{"format": "deepts-bpe", "version": 1, "pattern": "(", "merges": []}', 'bpe.json'),
    'bpe.json',
    /"pattern": invalid pre-tokenization pattern/,
  );
});

test('loading from a path detects the format and reports unusable paths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-tok-'));
  try {
    writeFileSync(join(dir, 'tiny.model'), tinyModel());
    assert.equal(loadTokenizerFromPath(join(dir, 'tiny.model')).vocabSize, 8);
    writeFileSync(join(dir, 'chars.json'), new CharTokenizer(['a', 'b']).toJson());
    assert.deepEqual(loadTokenizerFromPath(join(dir, 'chars.json')).encode('ba'), [1, 0]);
    expectFileError(() => loadTokenizerFromPath(join(dir, 'missing.json')), join(dir, 'missing.json'), /no such file/);
    expectFileError(() => loadTokenizerFromPath(dir), dir, /folder holds no tokenizer/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expectFileError(() => loadGpt2('/nonexistent/encoder.json', '/nonexistent/vocab.bpe'), '/nonexistent/encoder.json', /cannot read tokenizer file \(ENOENT\)/);
});

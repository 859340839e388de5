// Language-model batches: the lecture's (B, T) = (4, 10) table with GPT-2 ids, random and
// sequential windows, the train/val split, nanoGPT's uint16 token files and BERT's masking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '../../src/index.js';
import { TokenBatcher, trainValSplit, joinDocuments, maskTokens } from '../../src/data/token-batcher.js';
import { readTokenFile, writeTokenFile } from '../../src/data/token-file.js';
import { loadGpt2 } from '../../src/tokenizers/gpt2-files.js';
import { tokenizerFiles } from '../../src/io/data-paths.js';

const LECTURE_TABLE = [
  [4342, 318, 281, 1672, 3188, 352, 4478, 617, 16326, 13],
  [16281, 3188, 362, 50256, 16281, 3188, 513, 50256, 16281, 3188],
  [1212, 318, 617, 4738, 2420, 655, 329, 1672, 50256, 1212],
  [16, 11, 17, 11, 18, 11, 19, 11, 20, 11],
];

test("the lecture's B=4, T=10 batch: documents joined by <|endoftext|>, windows at four offsets, targets shifted by one", {
  skip: !existsSync(tokenizerFiles.gpt2Encoder()) && 'GPT-2 tokenizer files are not in the shared data',
}, () => {
  const gpt2 = loadGpt2();
  const docs = [
    'Here is an example document 1 showing some tokens.',
    'Example document 2',
    'Example document 3',
    'Example document 4 is a longer one.',
    'This is some random text just for example',
    'This one follows it.',
    '1,2,3,4,5,6,7,8,9',
  ];
  const encoded = docs.map((d) => gpt2.encode(d));
  const stream = joinDocuments(encoded, 50256);
  const starts: number[] = [];
  let o = 0;
  for (const e of encoded) {
    starts.push(o);
    o += e.length + 1;
  }
  const batcher = new TokenBatcher(stream, { batchSize: 4, blockSize: 10 });
  const { x, y } = batcher.at([starts[0]!, starts[1]!, starts[4]!, starts[6]!]);
  assert.deepEqual(x.shape, [4, 10]);
  assert.deepEqual(x.toArray(), LECTURE_TABLE);
  // every position's target is the next token of the stream
  const rows = x.toArray() as number[][],
    targets = y.toArray() as number[][];
  assert.deepEqual(targets[0], [...LECTURE_TABLE[0]!.slice(1), 50256]);
  assert.deepEqual(targets[2], [...LECTURE_TABLE[2]!.slice(1), 530]); // " one"
  rows.forEach((r, b) => assert.deepEqual(r.slice(1), targets[b]!.slice(0, 9)));
});

test('TokenBatcher: random windows (seeded, in range, as nanoGPT get_batch), sequential windows in order, wrapping', () => {
  const stream = Int32Array.from({ length: 100 }, (_, i) => i);
  const a = new TokenBatcher(stream, { batchSize: 8, blockSize: 5, generator: new Generator(1) });
  const b = new TokenBatcher(stream, { batchSize: 8, blockSize: 5, generator: new Generator(1) });
  for (let k = 0; k < 20; k++) {
    const p = a.next(),
      q = b.next();
    assert.deepEqual(p.x.toArray(), q.x.toArray());
    const rows = p.x.toArray() as number[][],
      targets = p.y.toArray() as number[][];
    rows.forEach((r, i) => {
      assert.ok(r[0]! >= 0 && r[0]! < 95);
      assert.deepEqual(
        r,
        [0, 1, 2, 3, 4].map((t) => r[0]! + t),
      );
      assert.deepEqual(
        targets[i],
        r.map((v) => v + 1),
      );
    });
  }
  const seq = new TokenBatcher(stream, { batchSize: 3, blockSize: 10, mode: 'sequential' });
  assert.equal(seq.windows, 9);
  assert.deepEqual(
    (seq.next().x.toArray() as number[][]).map((r) => r[0]),
    [0, 10, 20],
  );
  seq.next();
  seq.next();
  assert.deepEqual(
    (seq.next().x.toArray() as number[][]).map((r) => r[0]),
    [0, 10, 20],
    'wraps after 9 windows',
  );
  const u16 = new TokenBatcher(Uint16Array.from([5, 6, 7]), { batchSize: 1, blockSize: 2 });
  assert.deepEqual(u16.next().y.toArray(), [[6, 7]]);
});

test("trainValSplit: the first 90% and the rest, as nanoGPT's prepare.py", () => {
  const t = Int32Array.from({ length: 1000 }, (_, i) => i);
  const { train, val } = trainValSplit(t);
  assert.equal(train.length, 900);
  assert.equal(val[0], 900);
  assert.throws(() => trainValSplit(t, 1), /trainValSplit: trainFraction must be in \(0, 1\), got 1/);
});

test('token files: uint16 little-endian round trip; errors for ids above 65535 and odd sizes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-tokens-'));
  const path = join(dir, 'train.bin');
  writeTokenFile(path, [0, 1, 50256, 65535]);
  assert.deepEqual(Array.from(readTokenFile(path)), [0, 1, 50256, 65535]);
  assert.throws(() => writeTokenFile(join(dir, 'bad.bin'), [1, 65536]), /writeTokenFile: token 65536 at position 1 does not fit in uint16/);
  assert.ok(!existsSync(join(dir, 'bad.bin')));
  writeFileSync(join(dir, 'odd.bin'), new Uint8Array([1, 2, 3]));
  assert.throws(() => readTokenFile(join(dir, 'odd.bin')), /readTokenFile: .*odd\.bin has 3 bytes, not a whole number of uint16 tokens/);
});

test('maskTokens: ~15% chosen, 80/10/10 split, labels −100 elsewhere, never an empty batch', () => {
  const ids = new TokenBatcher(
    Int32Array.from({ length: 5000 }, (_, i) => i % 50),
    { batchSize: 40, blockSize: 100, generator: new Generator(2) },
  ).next().x;
  const { input, labels } = maskTokens(ids, { maskId: 50, vocabSize: 51, generator: new Generator(3) });
  const src = ids.toTypedArray(),
    inp = input.toTypedArray(),
    lab = labels.toTypedArray();
  let chosen = 0,
    masked = 0,
    kept = 0;
  for (let i = 0; i < src.length; i++) {
    if (lab[i] === -100) {
      assert.equal(inp[i], src[i]);
      continue;
    }
    chosen++;
    assert.equal(lab[i], src[i]);
    if (inp[i] === 50) masked++;
    else if (inp[i] === src[i]) kept++;
  }
  assert.ok(Math.abs(chosen / src.length - 0.15) < 0.02, `chosen ${chosen / src.length}`);
  assert.ok(Math.abs(masked / chosen - 0.8) < 0.05, `masked ${masked / chosen}`);
  assert.ok(kept / chosen > 0.05 && kept / chosen < 0.16);
  const one = maskTokens(ids.narrow(0, 0, 1).narrow(1, 0, 1), { maskId: 50, vocabSize: 51, prob: 0.01, generator: new Generator(9) });
  assert.notEqual(one.labels.item(), -100, 'at least one position is chosen');
  assert.throws(() => maskTokens(ids, { maskId: 51, vocabSize: 51 }), /maskTokens: maskId 51 is not an id of a vocabulary of 51/);
});

test('TokenBatcher: bad input is an error naming the sizes', () => {
  assert.throws(
    () => new TokenBatcher(Int32Array.from([1, 2, 3]), { batchSize: 1, blockSize: 3 }),
    /TokenBatcher: a block of 3 tokens and its targets need 4 tokens, the stream has 3/,
  );
  assert.throws(
    () => new TokenBatcher(Int32Array.from([1, 2, 3]), { batchSize: 0, blockSize: 1 }),
    /TokenBatcher: batchSize and blockSize must be positive integers, got 0 and 1/,
  );
  const b = new TokenBatcher(Int32Array.from([1, 2, 3, 4]), { batchSize: 1, blockSize: 2 });
  assert.throws(() => b.at([2]), /TokenBatcher: a window at offset 2 needs tokens up to 4, the stream has 4/);
  assert.throws(
    () => new TokenBatcher(Int32Array.from([1, 2, 3]), { batchSize: 1, blockSize: 1, mode: 'shuffled' as 'random' }),
    /mode must be 'random' or 'sequential', got 'shuffled'/,
  );
});

// The IDX reader, MNIST / Fashion-MNIST loading and validation (each bad-file case has its error),
// and the augmentation. Tests on the real files skip cleanly when the data is not on this machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dt from '../../src/index.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'deepts-mnist-'));
}

/** A tiny MNIST-shaped split in `dir`: `count` images of rows × cols and their labels. */
function writeSplit(
  dir: string,
  split: 'train' | 'test',
  count: number,
  opts: { rows?: number; cols?: number; gzip?: boolean; labelCount?: number } = {},
): void {
  const rows = opts.rows ?? 4,
    cols = opts.cols ?? 3;
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = Array.from({ length: count * rows * cols }, (_, i) => (i * 7) % 256);
  const labels = Array.from({ length: opts.labelCount ?? count }, (_, i) => i % 10);
  const ext = opts.gzip ? '.gz' : '';
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte${ext}`), dt.encodeIdx('uint8', [count, rows, cols], images, { gzip: opts.gzip }));
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${ext}`), dt.encodeIdx('uint8', [labels.length], labels, { gzip: opts.gzip }));
}

test('parseIdx reads every IDX type, raw and gzipped, big-endian', () => {
  for (const type of ['uint8', 'int8', 'int16', 'int32', 'float32', 'float64'] as const) {
    const values = type === 'uint8' ? [0, 1, 255, 128, 7, 9] : type === 'int8' ? [-128, 127, 0, -1, 5, 6] : [-3, 1000, 0, 7, -30000, 2];
    for (const gzip of [false, true]) {
      const f = dt.parseIdx(dt.encodeIdx(type, [2, 3], values, { gzip }), 'x');
      assert.equal(f.type, type);
      assert.deepEqual(f.shape, [2, 3]);
      assert.deepEqual(Array.from(f.data), values);
    }
  }
  // the header is big-endian: 0x00000803 then the sizes
  const b = dt.encodeIdx('uint8', [1, 2, 2], [1, 2, 3, 4]);
  assert.deepEqual(Array.from(b.subarray(0, 8)), [0, 0, 8, 3, 0, 0, 0, 1]);
});

test('bad IDX files: wrong magic, truncated header or data, trailing bytes, corrupt gzip — each a clear error', () => {
  const good = dt.encodeIdx('uint8', [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  const bad = (bytes: Uint8Array, re: RegExp) =>
    assert.throws(
      () => dt.parseIdx(bytes, 'f.idx'),
      (e: Error) => e instanceof dt.IdxError && re.test(e.message),
    );
  const withByte = (i: number, v: number) => {
    const c = good.slice();
    c[i] = v;
    return c;
  };
  bad(withByte(0, 0x1f), /f\.idx: bad magic number 0x1f000803/);
  bad(withByte(2, 0x07), /f\.idx: bad magic number 0x00000703: an IDX file starts with 0x0000, a type byte/);
  bad(new TextEncoder().encode('<html>not found</html>'), /bad magic number 0x3c68746d.*is this an IDX file\?/);
  bad(withByte(3, 0), /declares 0 dimensions/);
  bad(good.subarray(0, 2), /2 bytes is too short for an IDX header/);
  bad(good.subarray(0, 10), /truncated header: 3 dimensions need 16 header bytes, the file has 10/);
  bad(good.subarray(0, 21), /truncated: the header declares uint8 values of shape \(2, 2, 2\) = 24 bytes, the file has 21 \(5 of 8 values\)/);
  bad(new Uint8Array([...good, 0, 0]), /2 bytes after the 8 uint8 values the header declares/);
  const gz = dt.encodeIdx('uint8', [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8], { gzip: true });
  bad(gz.subarray(0, gz.length - 6), /f\.idx: not a valid gzip file .*truncated/);
  assert.throws(() => dt.readIdx('/nonexistent/x-idx3-ubyte'), /readIdx: cannot read \/nonexistent\/x-idx3-ubyte: ENOENT/);
});

test('MNIST validation: count mismatch, swapped files, labels out of range, non-byte images', () => {
  const dir = tempDir();
  writeSplit(dir, 'train', 5, { labelCount: 4 });
  assert.throws(
    () => dt.loadMnistSync('train', { dir }),
    /count mismatch: .*train-images-idx3-ubyte holds 5 images but .*train-labels-idx1-ubyte holds 4 labels/,
  );
  const img = dt.parseIdx(dt.encodeIdx('uint8', [2, 2, 2], new Array(8).fill(0))),
    lab = dt.parseIdx(dt.encodeIdx('uint8', [2], [1, 2]));
  const names = { images: 'i', labels: 'l' };
  assert.throws(
    () => dt.validateMnist(lab, img, names),
    /i: expected an images file \(magic 0x00000803: unsigned bytes, 3 dimensions\), found uint8 with 1 dimension\(s\) \(2\): is this a labels file\?/,
  );
  assert.throws(() => dt.validateMnist(img, dt.parseIdx(dt.encodeIdx('uint8', [2], [3, 12])), names), /l: label 1 is 12, expected a class 0\.\.9/);
  assert.throws(() => dt.validateMnist(dt.parseIdx(dt.encodeIdx('float32', [2, 2, 2], new Array(8).fill(0))), lab, names), /found float32 with 3 dimension/);
  assert.throws(() => dt.validateMnist(img, dt.parseIdx(dt.encodeIdx('int32', [2], [1, 2])), names), /l: expected a labels file \(magic 0x00000801/);
});

test('loadMnistSync reads a folder (raw or .gz), limit, tensors normalized as (v/255 − mean)/std', () => {
  const dir = tempDir();
  writeSplit(dir, 'train', 6, { gzip: true });
  writeSplit(dir, 'test', 3);
  const train = dt.loadMnistSync('train', { dir });
  assert.equal(train.count, 6);
  assert.equal(train.rows, 4);
  assert.equal(train.cols, 3);
  assert.deepEqual(Array.from(train.labels), [0, 1, 2, 3, 4, 5]);
  assert.equal(dt.loadMnistSync('test', { dir }).count, 3);
  assert.equal(dt.loadMnistSync('train', { dir, limit: 2 }).count, 2);
  const { x, y } = dt.mnistTensors(train);
  assert.deepEqual(x.shape, [6, 1, 4, 3]);
  assert.equal(y.dtype, 'int32');
  assert.ok(Math.abs(x.toTypedArray()[1]! - (7 / 255 - 0.1307) / 0.3081) < 1e-6);
  assert.ok(Math.abs(dt.mnistTensors(train, { normalize: false }).x.toTypedArray()[1]! - 7 / 255) < 1e-7);
  // a folder holding mnist/ works too
  const root = tempDir();
  mkdirSync(join(root, 'mnist'));
  writeSplit(join(root, 'mnist'), 'test', 2);
  assert.equal(dt.loadMnistSync('test', { dir: root }).count, 2);
  assert.throws(
    () => dt.loadMnistSync('test', { dir: tempDir() }),
    /loadMnist: the mnist test files \(t10k-images-idx3-ubyte\[\.gz\], t10k-labels-idx1-ubyte\[\.gz\]\) were not found in:[\s\S]*--download/,
  );
  assert.throws(() => dt.loadMnistSync('valid' as 'test', { dir }), /split must be 'train' or 'test'/);
  assert.throws(() => dt.loadMnistSync('test', { dir, dataset: 'cifar' as 'mnist' }), /unknown data set 'cifar', expected one of mnist, fashion-mnist/);
});

const mnistDir = dt.findMnistDir('mnist', 'test');
test('the real MNIST test set: 10,000 images of 28×28, known first labels and pixel statistics', {
  skip: mnistDir ? false : 'MNIST not found (set DEEPTS_DATA)',
}, () => {
  const test10k = dt.loadMnistSync('test');
  assert.equal(test10k.count, 10000);
  assert.equal(test10k.rows, 28);
  assert.equal(test10k.cols, 28);
  assert.deepEqual(Array.from(test10k.labels.subarray(0, 10)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  let s = 0;
  for (const v of test10k.images) s += v;
  assert.ok(Math.abs(s / test10k.images.length / 255 - 0.1325) < 0.001, 'mean pixel of the test set');
});

const fashionDir = dt.findMnistDir('fashion-mnist', 'test');
test('Fashion-MNIST test set (Debian dataset-fashion-mnist or DEEPTS_DATA)', {
  skip: fashionDir ? false : 'Fashion-MNIST not found (apt-get install dataset-fashion-mnist, or DEEPTS_DATA)',
}, () => {
  const f = dt.loadMnistSync('test', { dataset: 'fashion-mnist' });
  assert.equal(f.count, 10000);
  assert.deepEqual(Array.from(f.labels.subarray(0, 5)), [9, 2, 1, 1, 6]);
});

test('randomShift and randomAffine: identity at zero strength, exact integer moves, reproducible, bad arguments', () => {
  const x = dt.rand([3, 1, 6, 5], { generator: new dt.Generator(1) });
  assert.deepEqual(dt.randomShift(x, 0).toTypedArray(), x.toTypedArray());
  const same = dt.randomAffine(x, { degrees: 0, translate: 0, scale: [1, 1] }).toTypedArray();
  const xa = x.toTypedArray();
  for (let i = 0; i < xa.length; i++) assert.ok(Math.abs(same[i]! - xa[i]!) < 1e-6);
  // a one-pixel image moves by exactly the drawn shift
  const dot = dt.zeros([1, 1, 7, 7]);
  dot.storage[3 * 7 + 3] = 1;
  const moved = dt.randomShift(dot, 2, { generator: new dt.Generator(9) }).toTypedArray();
  assert.equal(
    Array.from(moved).reduce((a, b) => a + b, 0),
    1,
  );
  const g1 = dt.randomAffine(x, { generator: new dt.Generator(4) }).toTypedArray(),
    g2 = dt.randomAffine(x, { generator: new dt.Generator(4) }).toTypedArray();
  assert.deepEqual(g1, g2);
  // fill shows where the map reaches outside: a big translation uncovers the border
  const far = dt.randomAffine(dt.ones([1, 1, 8, 8]), { degrees: 0, translate: 3, scale: [1, 1], fill: -5, generator: new dt.Generator(2) }).toTypedArray();
  assert.ok(far.some((v) => v < 0));
  assert.throws(() => dt.randomAffine(dt.ones([8, 8])), /randomAffine: expected a batch \(N, C, H, W\), got \(8,8\)/);
  assert.throws(() => dt.randomAffine(x, { scale: [1.2, 1.1] }), /randomAffine: scale must be \[lo, hi\] with 0 < lo <= hi/);
  assert.throws(() => dt.randomShift(x, 1.5), /randomShift: maxShift must be a non-negative integer/);
});

test('AugmentedLoader: every row once per epoch, reshuffled, labels follow their images, augment applied', () => {
  const x = dt.arange(0, 10, 1, { dtype: 'float32' }).reshape(10, 1, 1, 1),
    y = dt.arange(0, 10);
  const loader = new dt.AugmentedLoader(x, y, { batchSize: 4, generator: new dt.Generator(3), augment: (b) => b.mul(2) });
  assert.equal(loader.length, 3);
  const seen: number[] = [];
  const orders: string[] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    const order: number[] = [];
    for (const [xb, yb] of loader) {
      const xs = xb.toTypedArray(),
        ys = yb.toTypedArray();
      xs.forEach((v, i) => assert.equal(v, 2 * ys[i]!));
      order.push(...ys);
    }
    seen.push(...order);
    orders.push(order.join(','));
  }
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    [...Array(10).keys(), ...Array(10).keys()].sort((a, b) => a - b),
  );
  assert.notEqual(orders[0], orders[1]);
  assert.throws(
    () => new dt.AugmentedLoader(x, dt.arange(0, 3), { batchSize: 2 }),
    /AugmentedLoader: x \(10,1,1,1\) and y \(3,\) must have the same number of rows/,
  );
});

test("fit() trains on the AugmentedLoader's augmented batches (it is an iterable of batches, not {x, y} data)", async () => {
  let calls = 0;
  const y = dt.tensor([0, 1, 0, 1, 0, 1, 0, 1, 0, 1], { dtype: 'int32' });
  const loader = new dt.AugmentedLoader(dt.randn([10, 1, 2, 2]), y, {
    batchSize: 4,
    generator: new dt.Generator(1),
    augment: (b) => {
      calls++;
      return b;
    },
  });
  const model = new dt.nn.Sequential(new dt.nn.Flatten(), new dt.nn.Linear(4, 2));
  const history = await dt.fit(model, loader, {
    epochs: 2,
    optimizer: new dt.optim.SGD(model.parameters(), { lr: 0.1 }),
    loss: 'crossEntropy',
    progress: false,
  });
  assert.equal(calls, 6, 'augment ran on every batch of both epochs');
  assert.equal(history.steps, 6);
});

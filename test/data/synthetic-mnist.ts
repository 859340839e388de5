// A tiny MNIST-format data set for tests that run LeNet: each class is a bar at its own row, plus
// noise, so LeNet learns it in one epoch. Written as idx files (labels gzipped) into `dir`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as dt from '../../src/index.js';

export function syntheticMnist(dir: string, train = 320, testCount = 80): void {
  const gen = new dt.Generator(5);
  const make = (count: number, prefix: string): void => {
    const images = new Uint8Array(count * 784),
      labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const c = i % 10;
      labels[i] = c;
      for (let p = 0; p < 784; p++) images[i * 784 + p] = gen.nextUint32() % 40;
      for (let x = 4; x < 24; x++) for (let t = 0; t < 2; t++) images[i * 784 + (3 + 2 * c + t) * 28 + x] = 255;
    }
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), dt.encodeIdx('uint8', [count, 28, 28], images));
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte.gz`), dt.encodeIdx('uint8', [count], labels, { gzip: true }));
  };
  make(train, 'train');
  make(testCount, 't10k');
}

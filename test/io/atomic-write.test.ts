// src/io/atomic-write.ts, the one atomic write (checkpoints, safetensors, token files, plots):
// temp file beside the target, fsync, rename; bytes, text or a writer callback.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import fs, { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAll, writeFileAtomic } from '../../src/io/atomic-write.js';
import { writePng } from '../../src/train/plots/png.js';
import { writeLossCurve } from '../../src/train/plots/loss-curve.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'deepts-atomic-'));

/** Runs fn with fsyncSync and renameSync recorded (in the order they ran), through node:fs's ESM exports. */
function recordingSyncs(fn: () => void): string[] {
  const events: string[] = [];
  const { fsyncSync, renameSync } = fs;
  mock.method(fs, 'fsyncSync', (fd: number) => {
    events.push('fsync');
    return fsyncSync(fd);
  });
  mock.method(fs, 'renameSync', (from: fs.PathLike, to: fs.PathLike) => {
    events.push(`rename ${String(to).split('/').pop()}`);
    return renameSync(from, to);
  });
  syncBuiltinESMExports();
  try {
    fn();
  } finally {
    mock.restoreAll();
    syncBuiltinESMExports();
  }
  return events;
}

test('writeFileAtomic writes bytes, UTF-8 text or a writer callback, fsyncs the temp file, then renames it into place', () => {
  const dir = tempDir();
  const events = recordingSyncs(() => {
    writeFileAtomic(join(dir, 'a.bin'), Uint8Array.of(1, 2, 3));
    writeFileAtomic(join(dir, 'b.txt'), 'π ≈ 3.14\n');
    writeFileAtomic(join(dir, 'c.bin'), (fd) => {
      writeAll(fd, Uint8Array.of(7));
      writeAll(fd, Uint8Array.of(8, 9));
    });
  });
  assert.deepEqual(events, ['fsync', 'rename a.bin', 'fsync', 'rename b.txt', 'fsync', 'rename c.bin']);
  assert.deepEqual([...readFileSync(join(dir, 'a.bin'))], [1, 2, 3]);
  assert.equal(readFileSync(join(dir, 'b.txt'), 'utf8'), 'π ≈ 3.14\n');
  assert.deepEqual([...readFileSync(join(dir, 'c.bin'))], [7, 8, 9]);
  assert.deepEqual(readdirSync(dir).sort(), ['a.bin', 'b.txt', 'c.bin'], 'no temp files left');
  // replacing an existing file
  writeFileAtomic(join(dir, 'b.txt'), 'new');
  assert.equal(readFileSync(join(dir, 'b.txt'), 'utf8'), 'new');
  assert.throws(() => writeFileAtomic(join(dir, 'missing', 'x.txt'), 'x'), /cannot write .*missing\/x\.txt: directory .*missing does not exist/);
});

test('the plot writers (PNG, SVG and PNG loss curves) go through the same fsynced write and create parent folders', () => {
  const dir = tempDir();
  const series = [
    {
      name: 'train',
      points: [
        [0, 1],
        [1, 0.5],
      ] as [number, number][],
    },
  ];
  const events = recordingSyncs(() => {
    writePng(join(dir, 'img', 'p.png'), 1, 1, Uint8Array.of(255, 0, 0, 255));
    writeLossCurve(join(dir, 'svg', 'loss.svg'), series);
    writeLossCurve(join(dir, 'png', 'loss.png'), series);
  });
  assert.deepEqual(events, ['fsync', 'rename p.png', 'fsync', 'rename loss.svg', 'fsync', 'rename loss.png']);
  assert.deepEqual([...readFileSync(join(dir, 'img', 'p.png')).subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
  assert.match(readFileSync(join(dir, 'svg', 'loss.svg'), 'utf8'), /^<svg /);
  assert.deepEqual(readdirSync(join(dir, 'png')), ['loss.png']);
});

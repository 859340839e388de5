import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { getNumThreads } from '../../src/backend/native/index.js';
import { getBackend } from '../../src/backend/registry.js';
import { join } from 'node:path';
import { deepts } from './helpers.js';

test('deepts info prints version, backend, threads, node and the data folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-data-'));
  const r = deepts(['info'], { DEEPTS_DATA: dir });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^deepts \d+\.\d+\.\d+/);
  assert.match(lines[1]!, /^backend: \S+ — .+ \(.+\)$/);
  assert.equal(
    lines[2],
    getBackend().name === 'native' ? `threads: ${getNumThreads()} (native pool; DEEPTS_NUM_THREADS)` : 'threads: 1 (js backend, main thread)',
  );
  assert.match(lines[3]!, new RegExp(`^node: ${process.version.replace(/\./g, '\\.')} `));
  assert.equal(lines[4], `data: ${dir} (DEEPTS_DATA) — exists`);
  const missing = deepts(['info'], { DEEPTS_DATA: join(dir, 'nope') });
  assert.match(missing.stdout, /data: .*nope \(DEEPTS_DATA\) — does not exist/);
});

test('deepts info rejects flags and arguments it does not know, with exit code 2', () => {
  const r = deepts(['info', '--verbose']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /deepts info: Unknown option '--verbose'/);
  const a = deepts(['info', 'extra']);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /deepts info: takes no arguments, got 'extra'/);
});

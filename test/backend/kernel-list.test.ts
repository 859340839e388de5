// The kernel list's checklist (docs/backends.md, "Adding a kernel"): every backend implements every
// kernel of the js table, and every kernel is called by a conformance test file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listBackends, setBackend, getBackend } from '../../src/index.js';
import { jsKernels } from '../../src/backend/js/index.js';

/** test/backend/ of the repository (this file runs as dist/test/backend/kernel-list.test.js). */
const sourceDir = fileURLToPath(new URL('../../../test/backend/', import.meta.url));
const names = Object.keys(jsKernels).sort();

test('every registered backend implements every kernel of the list', () => {
  const before = getBackend().name;
  try {
    for (const name of listBackends()) {
      setBackend(name);
      const k = getBackend().kernels as unknown as Record<string, unknown>;
      assert.deepEqual(Object.keys(k).sort(), names, `${name}: the kernel table`);
      for (const n of names) assert.equal(typeof k[n], 'function', `${name}.${n}`);
    }
  } finally {
    setBackend(before);
  }
});

test('every kernel has a conformance test (test/backend/conformance*.test.ts calls it)', () => {
  const files = readdirSync(sourceDir).filter((f) => /^conformance.*\.test\.ts$/.test(f));
  assert.ok(files.length >= 3, `conformance files in ${sourceDir}: ${files.join(', ')}`);
  const source = files.map((f) => readFileSync(sourceDir + f, 'utf8')).join('\n');
  const missing = names.filter((n) => !source.includes(`.${n}(`));
  assert.deepEqual(missing, [], `kernels without a conformance test: ${missing.join(', ')}`);
});

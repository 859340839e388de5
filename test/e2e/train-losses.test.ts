// The losses of every `deepts train` command for its default seed are those of the commit recorded
// in fixtures/train/losses.json (written by scripts/train_losses_fixture.mjs from that commit's
// build): the training machinery may change, the numbers may not. Exact equality holds for one
// backend and thread count (kernels are deterministic per thread count), so the test runs with the
// fixture's thread count and skips on another backend or without the shared data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepts } from '../cli/helpers.js';
import { getBackend } from '../../src/backend/registry.js';
import { dataPath } from '../../src/io/data-paths.js';
import { findMnistDir } from '../../src/data/mnist.js';

type Fixture = { commit: string; backend: string; threads: number; runs: Record<string, { args: string[]; log: string; lines: Record<string, unknown>[] }> };
const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/train/losses.json', import.meta.url), 'utf8')) as Fixture;
const dir = mkdtempSync(join(tmpdir(), 'deepts-losses-'));
const needs: Record<string, () => boolean> = {
  lenet: () => findMnistDir('mnist', 'train') !== null,
  gpt: () => existsSync(dataPath('tinyshakespeare', 'input.txt')),
  bert: () => existsSync(dataPath('tinyshakespeare', 'input.txt')),
  albert: () => existsSync(dataPath('tinyshakespeare', 'input.txt')),
};

for (const [name, run] of Object.entries(fixture.runs)) {
  const skip =
    getBackend().name !== fixture.backend ? `the fixture is of the ${fixture.backend} backend` : needs[name] && !needs[name]!() ? 'no shared data' : false;
  test(`deepts ${run.args.join(' ')}: the losses of commit ${fixture.commit}, exactly`, { skip }, () => {
    const out = join(dir, name);
    const r = deepts([...run.args, '--out', out, '--quiet'], { DEEPTS_NUM_THREADS: String(fixture.threads) });
    assert.equal(r.code, 0, r.stderr);
    const lines = readFileSync(join(out, run.log), 'utf8')
      .trim()
      .split('\n')
      .map((l) => {
        const { seconds: _s, ...rest } = JSON.parse(l) as Record<string, unknown>;
        return rest;
      });
    assert.deepEqual(lines, run.lines);
  });
}

// `deepts bench gan`: its report (deepts against PyTorch at the same threads) from a made-up run, and
// one real deepts DCGAN iteration (no reference, no TensorFlow.js, 1 step).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ganMarkdown, runGanBench } from '../../bench/gan.js';
import type { StepRow } from '../../bench/steps.js';
import { nativeBackend } from '../../src/backend/native/index.js';

const row = (name: string, threads: string, medianMs: number): StepRow => ({
  workload: 'dcgan',
  name,
  threads,
  medianMs,
  bestMs: medianMs,
  perS: 64_000 / medianMs,
  bestPerS: 64_000 / medianMs,
  steps: 20,
  load: 1,
});

test('bench gan: each deepts row is compared with PyTorch at its threads', () => {
  const md = ganMarkdown({
    rows: [row('deepts native', '2', 80), row('PyTorch 1.13.0 CPU', '2', 120), row('deepts native', '1', 100), row('PyTorch 1.13.0 CPU', '1', 150)],
    commands: ['python3 scripts/bench_reference.py gan --threads 2'],
  });
  assert.match(md, /one DCGAN iteration at 28×28 .*batch 64/);
  assert.match(md, /\| dcgan \| deepts native \| 2 \| 80\.0 \/ 80\.0 \| 800 \/ 800 \| 20 \| 1\.50× \(load 1\) \|/);
  assert.match(md, /\| dcgan \| deepts native \| 1 \| 100\.0 \/ 100\.0 \| 640 \/ 640 \| 20 \| 1\.50× \(load 1\) \|/);
  assert.match(md, /scripts\/bench_reference\.py gan --threads 2/);
});

test('bench gan: one deepts iteration runs on the public API', { skip: nativeBackend ? false : 'the native addon is not built' }, async () => {
  const report = await runGanBench({ threads: 1, steps: 1, warmup: 1, reference: false, tfjs: false });
  assert.deepEqual(
    report.rows.map((r) => [r.workload, r.name, 'error' in r ? r.error : 'ok']),
    [['dcgan', 'deepts native', 'ok']],
  );
});

// `deepts bench seq2seq`: its report (each workload's rows against PyTorch on the same workload and
// threads) from a made-up run, and one real deepts step of each model (no reference, 1 step).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSeq2SeqBench, seq2seqMarkdown } from '../../bench/seq2seq.js';
import type { StepRow } from '../../bench/steps.js';
import { nativeBackend } from '../../src/backend/native/index.js';

const row = (workload: string, name: string, threads: string, medianMs: number): StepRow => ({
  workload,
  name,
  threads,
  medianMs,
  bestMs: medianMs,
  perS: 768_000 / medianMs,
  bestPerS: 768_000 / medianMs,
  steps: 20,
  load: 1,
});

test('bench seq2seq: each row is compared with PyTorch on its own workload at its threads', () => {
  const md = seq2seqMarkdown({
    rows: [
      row('attention', 'deepts native', '2', 200),
      row('attention', 'PyTorch 1.13.0 CPU', '2', 500),
      row('transformer', 'deepts native', '2', 300),
      row('transformer', 'PyTorch 1.13.0 CPU', '2', 390),
      { name: 'PyTorch CPU', workload: 'transformer', error: 'torch is not installed' },
    ],
    commands: ['python3 scripts/bench_reference.py seq2seq --model attention --threads 2'],
  });
  assert.match(md, /batch 64 pairs of 12 source and 12 target tokens/);
  assert.match(md, /\| attention \| deepts native \| 2 \| 200\.0 \/ 200\.0 \| 3,840 \/ 3,840 \| 20 \| 2\.50× \(load 1\) \|/);
  assert.match(md, /\| transformer \| deepts native \| 2 \| 300\.0 \/ 300\.0 \| 2,560 \/ 2,560 \| 20 \| 1\.30× \(load 1\) \|/);
  assert.match(md, /\| transformer \| PyTorch CPU \| — .*not installed/);
  assert.match(md, /scripts\/bench_reference\.py seq2seq --model attention/);
});

test('bench seq2seq: one deepts step of each model runs on the public API', { skip: nativeBackend ? false : 'the native addon is not built' }, async () => {
  const report = await runSeq2SeqBench({ threads: 1, steps: 1, warmup: 0, reference: false });
  assert.deepEqual(
    report.rows.map((r) => [r.workload, r.name, 'error' in r ? r.error : 'ok']),
    [
      ['attention', 'deepts native', 'ok'],
      ['transformer', 'deepts native', 'ok'],
    ],
  );
});

// `deepts bench rnn`: its report (the step table against PyTorch at the same threads and the
// peak-memory table) from a made-up run, and its flags checked before anything runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rnnMarkdown, type RnnRow } from '../../bench/rnn.js';
import { runBench } from '../../bench/run.js';

const row = (name: string, threads: string, medianMs: number, peakRssMB: number, baseRssMB: number): RnnRow => ({
  name,
  threads,
  medianMs,
  bestMs: medianMs,
  perS: 64_000 / medianMs,
  bestPerS: 64_000 / medianMs,
  steps: 20,
  load: 1,
  memory: { peakRssMB, baseRssMB },
});

test('bench rnn: the step table compares each row with PyTorch at its threads; the memory table lists every measured row', () => {
  const md = rnnMarkdown({
    rows: [
      row('deepts native', '2', 200, 380, 62),
      row('PyTorch 1.13.0 CPU', '2', 300, 450, 228),
      row('deepts native', '1', 400, 370, 62),
      { name: 'TensorFlow.js (cpu backend)', error: '@tensorflow/tfjs is not installed (npm install)' },
    ],
    commands: ['python3 scripts/bench_reference.py rnn --threads 2'],
  });
  assert.match(md, /batch 64, length 100, vocabulary 5000/);
  assert.match(md, /\| deepts native \| 2 \| 200\.0 \/ 200\.0 \| 320 \/ 320 \| 20 \| 1\.50× \(load 1\) \|/);
  assert.match(md, /\| TensorFlow\.js \(cpu backend\) \| — .*not installed/);
  assert.match(md, /\| deepts native \| 2 \| 380 \| 62 \| 318 \|/);
  assert.match(md, /\| PyTorch 1\.13\.0 CPU \| 2 \| 450 \| 228 \| 222 \|/);
  assert.doesNotMatch(md.split('peak RSS MB')[1]!, /TensorFlow/);
  assert.match(md, /scripts\/bench_reference\.py rnn/);
});

test('bench rnn: a bad flag is an error before anything runs', async () => {
  const lines: string[] = [];
  assert.equal(await runBench(['rnn', '--stesp', '2'], (s) => lines.push(s)), 2);
  assert.match(lines.join('\n'), /unknown flag --stesp[\s\S]*usage: deepts bench gemm\|mlp\|gpt\|cnn\|rnn\|seq2seq\|gan\|all/);
});

// runVanishingDemo (`deepts demo vanishing`) at toy sizes: the pictures and results.json are
// written, the results have the documented shapes, clipping leaves at most maxNorm, the same seed
// gives the same numbers, the cell-by-cell unroll computes what the layer computes, and bad
// options are errors. The full default run (~90 s) is not part of the suite; docs/rnn.md has its numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dt from '../../src/index.js';
import { hiddenGradNorms, LongRangeClassifier, longRangeBatch, VANISHING_MODELS } from '../../src/train/recipes/vanishing.js';
import { parseVanishingFlags, VANISHING_FLAGS } from '../../src/cli/commands/demo.js';
import { parseFlags } from '../../src/cli/args.js';
import { readPng } from './plots/png-reader.js';
import { deepts } from '../cli/helpers.js';
import { assertClose } from '../helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'deepts-vanishing-'));

const SMALL = {
  gaps: [4, 6],
  steps: 3,
  repeats: 2,
  hidden: 16,
  embedding: 4,
  batchSize: 8,
  evalSequences: 16,
  gradLength: 12,
  gradSequences: 4,
  clipSteps: 3,
  say: null,
  progress: null,
} as const;

test('runVanishingDemo at toy sizes: PNGs, results.json, shapes, clipping, determinism', async () => {
  const out = tmp();
  const lines: string[] = [];
  const r = await dt.runVanishingDemo({ ...SMALL, out, say: (l) => lines.push(l) });
  for (const f of [r.files.gradNorms, r.files.clipping]) {
    const png = readPng(new Uint8Array(readFileSync(f)));
    assert.ok(png.width >= 200 && png.height >= 150, f);
    assert.ok(
      png.chunks.every((c) => c.crcOk),
      f,
    );
  }
  assert.equal(r.files.gradNorms, join(out, 'grad-norms.png'));
  const saved = JSON.parse(readFileSync(r.files.results, 'utf8'));
  assert.deepEqual(saved.accuracy, r.accuracy);
  assert.deepEqual(saved.config.gaps, [4, 6]);

  assert.deepEqual(r.config.models, [...VANISHING_MODELS]);
  assert.equal(r.config.gateInit, 'chrono');
  for (const m of VANISHING_MODELS) {
    const g = r.gradNorms[m]!;
    assert.equal(g.length, 12, m);
    assert.ok(
      g.every((v) => Number.isFinite(v) && v > 0),
      `${m}: ${g}`,
    );
    assert.equal(r.accuracy[m]!.length, 2);
    assert.ok(r.accuracy[m]!.every((a) => a >= 0 && a <= 1));
    assert.equal(r.solved[m]!.length, 2);
  }
  // at initialization the tanh RNN's gradient at t = 0 is a small fraction of the one at the last step; the exploding one's is larger
  const rnn = r.gradNorms.rnn!,
    ex = r.explodingGradNorms;
  assert.equal(ex.length, 12);
  assert.ok(rnn[0]! < rnn[11]! * 0.1, `tanh RNN ${rnn[0]} vs ${rnn[11]}`);
  assert.ok(ex[0]! > ex[11]!, `exploding ${ex[0]} vs ${ex[11]}`);

  assert.equal(r.runs.length, 3 * 2 * 2);
  for (const run of r.runs) {
    assert.equal(run.steps, 3);
    assert.ok(Number.isFinite(run.loss) && Number.isFinite(run.trainLoss));
  }
  assert.deepEqual(
    r.runs.filter((x) => x.model === 'lstm').map((x) => [x.gap, x.repeat]),
    [
      [4, 0],
      [4, 1],
      [6, 0],
      [6, 1],
    ],
  );

  assert.equal(r.clipping.steps.length, 3);
  assert.equal(r.clipping.maxNorm, 1);
  for (const s of r.clipping.steps) {
    assert.ok(s.normAfter <= r.clipping.maxNorm + 1e-5, `after ${s.normAfter}`);
    if (s.normBefore > 1) assertClose([s.normAfter], [1], 1e-4);
    else assertClose([s.normAfter], [s.normBefore], 1e-5);
  }
  // the first step starts from the same weights and batch in both runs
  assert.equal(r.clipping.steps[0]!.unclippedNorm, r.clipping.steps[0]!.normBefore);
  assert.ok(r.clipping.steps[0]!.normBefore > 1, 'the scaled RNN explodes even at length 12');

  assert.ok(lines.some((l) => /test accuracy by gap/.test(l)));
  assert.ok(lines.some((l) => /^ {2}LSTM +[\d.]+ \(\d\/2\)/.test(l)));
  assert.ok(lines.some((l) => /wrote .*grad-norms\.png, clipping\.png, results\.json/.test(l)));

  const again = await dt.runVanishingDemo({ ...SMALL, out: tmp() });
  assert.deepEqual(again.gradNorms, r.gradNorms);
  assert.deepEqual(again.accuracy, r.accuracy);
  assert.deepEqual(
    again.clipping.steps.map((s) => s.normBefore),
    r.clipping.steps.map((s) => s.normBefore),
  );
});

test('the cell-by-cell unroll computes the layer forward, and its gradients are those of retainGrad', () => {
  const x = longRangeBatch(3, 7, 2, 4, new dt.Generator(3));
  for (const kind of VANISHING_MODELS) {
    const model = new LongRangeClassifier(kind, 6, 4, 5, 2, new dt.Generator(9));
    const { logits, hidden } = model.unrolled(x.x);
    assert.equal(hidden.length, 7);
    assertClose(logits, Array.from(model.forward(x.x).toTypedArray()), 1e-5, kind);
    for (const h of hidden) h.retainGrad();
    dt.crossEntropy(logits, x.y, { reduction: 'sum' }).backward();
    const expected = hidden.map((h) => {
      const g = h.grad!.toTypedArray();
      let mean = 0;
      for (let b = 0; b < 3; b++) {
        let s = 0;
        for (let j = 0; j < 5; j++) s += g[b * 5 + j]! ** 2;
        mean += Math.sqrt(s) / 3;
      }
      return mean;
    });
    assertClose(hiddenGradNorms(model, x.x, x.y), expected, 1e-5, kind);
  }
});

test('longRangeBatch: the first token is the class, the rest filler', () => {
  const { x, y } = longRangeBatch(50, 9, 3, 5, new dt.Generator(1));
  assert.deepEqual(x.shape, [9, 50]);
  const v = x.toTypedArray(),
    labels = y.toTypedArray();
  for (let b = 0; b < 50; b++) {
    assert.equal(v[b], labels[b]);
    assert.ok(labels[b]! >= 0 && labels[b]! < 3);
    for (let t = 1; t < 9; t++) assert.ok(v[t * 50 + b]! >= 3 && v[t * 50 + b]! < 8);
  }
});

test('runVanishingDemo: bad options are errors naming them', async () => {
  const out = tmp();
  await assert.rejects(
    dt.runVanishingDemo({ out, stpes: 3 } as object as dt.VanishingDemoOptions),
    /runVanishingDemo: unknown option 'stpes' \(did you mean 'steps'\?\)/,
  );
  await assert.rejects(dt.runVanishingDemo({} as dt.VanishingDemoOptions), /runVanishingDemo: out must be a folder path/);
  await assert.rejects(
    dt.runVanishingDemo({ out, models: ['lstn' as 'lstm'] }),
    /models\[\] must be one of 'rnn', 'lstm', 'gru', got 'lstn' \(did you mean 'lstm'\?\)/,
  );
  await assert.rejects(dt.runVanishingDemo({ out, models: ['rnn', 'rnn'] }), /models lists a model twice/);
  await assert.rejects(dt.runVanishingDemo({ out, gaps: [1] }), RangeError);
  await assert.rejects(dt.runVanishingDemo({ out, steps: 0 }), /steps must be/);
  await assert.rejects(dt.runVanishingDemo({ out, lr: -1 }), /lr must be a positive number/);
  await assert.rejects(dt.runVanishingDemo({ out, gateInit: 'xavier' as 'chrono' }), /gateInit must be one of 'chrono', 'pytorch'/);
  await assert.rejects(dt.runVanishingDemo({ out, say: 3 as unknown as null }), /say must be a function or null/);
});

test('deepts demo vanishing: flags become the options; bad flags are errors naming the flag', () => {
  const flags = (argv: string[]) => parseFlags('demo vanishing', argv, VANISHING_FLAGS).flags;
  const o = parseVanishingFlags(flags(['--out', 'x', '--models', 'lstm,rnn', '--gaps', '5,7', '--gate-init', 'pytorch', '--seed', '4']));
  assert.deepEqual([o.out, o.models, o.gaps, o.gateInit, o.seed, o.steps, o.repeats], ['x', ['lstm', 'rnn'], [5, 7], 'pytorch', 4, 150, 3]);
  assert.match(parseVanishingFlags(flags([])).out, /^runs[/\\]demo-vanishing-\d{8}-\d{6}/);
  assert.throws(() => parseVanishingFlags(flags(['--gaps', '10,,5'])), /--gaps expects comma-separated integers/);
  assert.throws(() => parseVanishingFlags(flags(['--models', 'rnn,lstn'])), /--models expects a comma-separated list of rnn, lstm, gru/);
  assert.throws(() => parseVanishingFlags(flags(['--lr', '0'])), /--lr expects a positive number/);
  assert.throws(() => parseVanishingFlags(flags(['--gate-init', 'zero'])), /--gate-init expects one of chrono\|pytorch/);
  const r = deepts(['demo', 'vanishing', '--stpes', '3']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /deepts demo vanishing: Unknown option '--stpes'/);
});

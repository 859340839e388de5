// `deepts train sentiment` then `deepts predict`, as a user runs them, on a small synthetic
// ChnSentiCorp-shaped set (test/data/synthetic-sentiment.ts): the run folder's files, the
// metrics, 很棒的旅行! → 正面, and the bad inputs of both commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepts } from '../cli/helpers.js';
import { syntheticSentiment } from '../data/synthetic-sentiment.js';
import * as dt from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'deepts-sentiment-e2e-'));
const data = syntheticSentiment(join(dir, 'data'), 400);
const run = join(dir, 'run');

test('deepts train sentiment writes its run folder; deepts predict labels 很棒的旅行! 正面', () => {
  const r = deepts([
    'train',
    'sentiment',
    '--data',
    data,
    '--model',
    'textcnn',
    '--epochs',
    '5',
    '--batch-size',
    '8',
    '--lr',
    '0.003',
    '--embedding',
    '16',
    '--hidden',
    '16',
    '--out',
    run,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /vocabulary: \d+ characters/);
  assert.match(r.stdout, /test accuracy \d+\.\d+ %/);
  for (const f of [
    'metrics.json',
    'loss.svg',
    'accuracy.svg',
    'confusion.png',
    'vocab.json',
    'model.safetensors',
    'checkpoint.safetensors',
    'config.json',
    'history.jsonl',
  ])
    assert.ok(existsSync(join(run, f)), f);
  const m = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
  assert.ok(m.testAccuracy >= 0.95, `the synthetic set is easy: test accuracy ${m.testAccuracy}`);
  for (const k of ['validationAccuracy', 'seconds']) assert.equal(typeof m[k], 'number', k);
  const p = deepts(['predict', '--run', run, '很棒的旅行!', '房间很差，很失望']);
  assert.equal(p.code, 0, p.stderr);
  const lines = p.stdout.trim().split('\n');
  assert.match(lines[0]!, /^正面\t0\.\d{4}\t很棒的旅行!$/);
  assert.match(lines[1]!, /^负面\t/);
  const file = join(dir, 'texts.txt');
  writeFileSync(file, '很棒的旅行!\n\n不错，喜欢\n');
  const j = deepts(['predict', '--run', run, '--file', file, '--json']);
  assert.equal(j.code, 0, j.stderr);
  const rows = j.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    rows.map((x) => x.label),
    ['正面', '正面'],
  );
  assert.ok(rows.every((x) => x.probability > 0.5 && x.probability <= 1));
  // the library form: the same answer
  assert.equal(dt.predictSentiment(run, ['很棒的旅行!'])[0]!.label, '正面');
});

test('bad input: unknown dataset or model, empty texts, no --run, a run of another command, a missing file', () => {
  const bad = (args: string[], message: RegExp) => {
    const r = deepts(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, message);
  };
  bad(['train', 'sentiment', '--dataset', 'imdb'], /--dataset must be one of chnsenticorp, waimai, sst2|--dataset.*imdb/);
  bad(['train', 'sentiment', '--model', 'transformer'], /--model.*transformer/);
  bad(['train', 'sentiment', '--model', 'textcnn', '--layers', '2'], /--layers is for the RNN models/);
  bad(['predict', '很棒'], /--run DIR is required/);
  bad(['predict', '--run', run], /give the texts as arguments or with --file/);
  bad(['predict', '--run', run, '很棒', '  '], /text 2 is empty/);
  bad(['predict', '--run', run, '--file', join(dir, 'nope.txt')], /cannot read --file .*nope.txt/);
  const other = join(dir, 'other');
  assert.equal(deepts(['train', 'mlp', '--epochs', '2', '--out', other, '--quiet']).code, 0);
  bad(['predict', '--run', other, '很棒'], /train mlp/);
  assert.throws(() => dt.predictSentiment(run, ['']), /text 1 is empty/);
});

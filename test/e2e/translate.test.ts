// `deepts train translate` then `deepts translate`, as a user runs them, on a small synthetic
// cmn.txt (each Chinese character stands for one English word, so the pairs are learnable): the
// run folder's files and metrics, translations on stdout with notes on stderr, the attention map,
// --eval, and the bad inputs of both commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepts } from '../cli/helpers.js';
import * as dt from '../../src/index.js';
import { parseTranslateConfig } from '../../src/cli/commands/train-translate.js';
import { syntheticCmn } from '../data/synthetic-cmn.js';

const dir = mkdtempSync(join(tmpdir(), 'deepts-translate-e2e-'));
const data = syntheticCmn(join(dir, 'data'));
const run = join(dir, 'run');

test('deepts train translate writes its run folder; deepts translate prints translations and draws attention', () => {
  const r = deepts(
    ['train', 'translate', '--data', data, '--epochs', '2', '--batch-size', '16', '--embedding', '16', '--hidden', '32', '--beam', '3', '--out', run],
    { DEEPTS_NUM_THREADS: '1' },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /300 train \/ 1000 validation \/ 1000 test pairs/);
  assert.match(r.stdout, /validation: loss \d+\.\d+, greedy BLEU \d+\.\d+/);
  assert.match(r.stdout, /test: BLEU = \d+\.\d+/);
  assert.match(r.stdout, /nrefs:1\|case:lc\|eff:no\|tok:13a\|smooth:exp/);
  for (const f of [
    'metrics.json',
    'test-translations.tsv',
    'loss.svg',
    'bleu.svg',
    'source-vocab.json',
    'target-vocab.json',
    'model.safetensors',
    'checkpoint.safetensors',
    'config.json',
    'history.jsonl',
  ])
    assert.ok(existsSync(join(run, f)), f);
  const m = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
  for (const k of ['testBleu', 'testBleuGreedy', 'validationBleu', 'chrF', 'seconds']) assert.equal(typeof m[k], 'number', k);
  assert.ok(m.testBleu >= 0 && m.testBleu <= 100);
  assert.equal(readFileSync(join(run, 'test-translations.tsv'), 'utf8').trim().split('\n').length, 1000);

  // one translation a line on stdout; the character never seen in training is a note on stderr
  const png = join(dir, 'attention.png');
  const t = deepts(['translate', '--run', run, '我爱中国。', '他看龍。', '--attention', png]);
  assert.equal(t.code, 0, t.stderr);
  assert.equal(t.stdout.trim().split('\n').length, 2);
  assert.match(t.stderr, /sentence 2 has tokens the model never saw in training, read as <unk>: 龍/);
  assert.ok(existsSync(png) && readFileSync(png).subarray(1, 4).toString() === 'PNG', 'attention map written');
  // --json carries the tokens and the attention rows; the library gives the same translation
  const j = deepts(['translate', '--run', run, '--json', '--beam', '1', '我爱中国。']);
  assert.equal(j.code, 0, j.stderr);
  const row = JSON.parse(j.stdout.trim());
  assert.equal(row.attention.length, row.targetTokens.length);
  assert.equal(row.translation, dt.translateTexts(run, ['我爱中国。'], { beam: 1 })[0]!.translation);
  // a source longer than the model's limit is cut, with a warning
  const long = deepts(['translate', '--run', run, '我'.repeat(80)]);
  assert.equal(long.code, 0, long.stderr);
  assert.match(long.stderr, /sentence 1 is longer than the model's 60 tokens; the rest was cut/);
  // --eval: BLEU and chrF against source<TAB>reference lines
  const evalFile = join(dir, 'eval.tsv');
  writeFileSync(evalFile, '我爱中国。\tI love middle country.\n\n他有猫。\tHe have cat.\n');
  const e = deepts(['translate', '--run', run, '--eval', evalFile]);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, /^BLEU = \d+\.\d+/m);
  assert.match(e.stdout, /^chrF2 = \d+\.\d+/m);
});

test('deepts train translate --model transformer trains, decodes with its caches and translates', () => {
  const tr = join(dir, 'transformer');
  const r = deepts(
    [
      'train',
      'translate',
      '--data',
      data,
      '--model',
      'transformer',
      '--epochs',
      '1',
      '--batch-size',
      '16',
      '--embedding',
      '16',
      '--hidden',
      '32',
      '--layers',
      '1',
      '--heads',
      '2',
      '--beam',
      '2',
      '--out',
      tr,
    ],
    { DEEPTS_NUM_THREADS: '1' },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /model: transformer \(Transformer encoder-decoder\)/);
  assert.match(r.stdout, /noam/);
  const m = JSON.parse(readFileSync(join(tr, 'metrics.json'), 'utf8'));
  assert.equal(m.model, 'transformer');
  assert.equal(typeof m.testBleu, 'number');
  const t = deepts(['translate', '--run', tr, '我爱中国。', '--beam', '3']);
  assert.equal(t.code, 0, t.stderr);
  assert.equal(t.stdout.trim().split('\n').length, 1);
  // --attention: the last layer's map (mean of the heads) and every layer × head beside it
  const a = deepts(['translate', '--run', tr, '我爱中国。', '--attention', join(dir, 'tf.svg')]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stderr, /wrote .*tf\.svg/);
  assert.match(a.stderr, /wrote .*tf-heads\.svg/);
  const grid = readFileSync(join(dir, 'tf-heads.svg'), 'utf8');
  assert.match(grid, /layer 1 head 1/);
  assert.match(grid, /layer 1 head 2/);
  assert.doesNotMatch(grid, /layer 2/);
});

test('bad input: empty sentences, no --run, a run of another command, a malformed --eval file, bad flags', () => {
  const bad = (args: string[], message: RegExp) => {
    const r = deepts(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, message);
  };
  bad(['train', 'translate', '--direction', 'zh-fr'], /--direction.*zh-fr/);
  bad(['train', 'translate', '--model', 'lstm'], /--model.*lstm/);
  bad(['train', 'translate', '--hidden', '33'], /--hidden must be even/);
  bad(['train', 'translate', '--encoder', 'sideways'], /--encoder.*sideways/);
  bad(['train', 'translate', '--model', 'transformer', '--encoder', 'unidirectional'], /--encoder is for the GRU models/);
  // the baseline's encoder is the slide's one left-to-right GRU; the attention models' bidirectional
  const encoder = (args: string[]) => {
    const p = parseTranslateConfig(['--out', join(dir, 'unused'), ...args]);
    return p === 'help' ? null : (p.config.encoder ?? null);
  };
  assert.equal(encoder(['--model', 'seq2seq']), 'unidirectional');
  assert.equal(encoder(['--model', 'attention']), 'bidirectional');
  assert.equal(encoder(['--model', 'seq2seq', '--encoder', 'bidirectional']), 'bidirectional');
  assert.equal(encoder(['--model', 'seq2seq', '--hidden', '33']), 'unidirectional', 'an odd --hidden is fine one-way');
  assert.equal(encoder(['--model', 'transformer']), null);
  bad(['train', 'translate', '--teacher-forcing', '2'], /--teacher-forcing/);
  bad(['train', 'translate', '--model', 'transformer', '--teacher-forcing', '0.5'], /--teacher-forcing is for the GRU models/);
  bad(['train', 'translate', '--model', 'transformer', '--embedding', '30', '--heads', '4'], /--embedding \(30\) must be a multiple of --heads \(4\)/);
  bad(['translate', '我爱中国。'], /--run DIR is required/);
  bad(['translate', '--run', run], /give the sentences as arguments/);
  bad(['translate', '--run', run, '我', '  '], /sentence 2 is empty/);
  bad(['translate', '--run', run, '--beam', '0', '我'], /--beam/);
  const malformed = join(dir, 'bad.tsv');
  writeFileSync(malformed, '我爱中国。\tI love China.\n只有一列\n');
  bad(['translate', '--run', run, '--eval', malformed], /--eval .*bad.tsv line 2: expected 'source<TAB>reference', got 1 field/);
  const other = join(dir, 'other');
  assert.equal(deepts(['train', 'mlp', '--epochs', '2', '--out', other, '--quiet']).code, 0);
  bad(['translate', '--run', other, '我'], /train mlp/);
  assert.throws(() => dt.translateTexts(run, ['']), /sentence 1 is empty/);
  assert.throws(() => dt.translateTexts(run, ['我'], { beam: 2, bogus: 1 } as never), /unknown option 'bogus'/);
});

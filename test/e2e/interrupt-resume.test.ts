// Ctrl-C in every `deepts train` command (mlp, lenet, sentiment, translate, gan, gpt, bert, albert): the process gets a real SIGINT while it trains, stops at
// the end of the step with exit code 130, leaves a checkpoint (and a sidecar that agrees with it)
// and no temporary file, prints how to resume; `--resume` then finishes the run with the same
// weights and the same log, line for line, as a run that was never interrupted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, deepts } from '../cli/helpers.js';
import * as dt from '../../src/index.js';
import { syntheticMnist } from '../data/synthetic-mnist.js';
import { syntheticSentiment } from '../data/synthetic-sentiment.js';
import { syntheticCmn } from '../data/synthetic-cmn.js';

const dir = mkdtempSync(join(tmpdir(), 'deepts-interrupt-'));
const text = join(dir, 'text.txt');
writeFileSync(text, 'First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n'.repeat(40));

const mnist = join(dir, 'mnist');
mkdirSync(mnist);
syntheticMnist(mnist, 320, 64);

const sentiment = syntheticSentiment(join(dir, 'sentiment'), 300);
// the GAN's judge: a LeNet-5 of the synthetic digits
const judge = join(dir, 'judge');
assert.equal(deepts(['train', 'lenet', '--data', mnist, '--epochs', '1', '--batch-size', '32', '--out', judge, '--quiet']).code, 0);
const cmn = syntheticCmn(join(dir, 'cmn'));

type Case = { command: string; flags: string[]; log: string; trigger: RegExp };
const tinyTransformer = ['--data', text, '--block-size', '16', '--batch-size', '4', '--eval-interval', '20', '--eval-iters', '2', '--log-interval', '2'];
const cases: Case[] = [
  { command: 'mlp', flags: ['--dataset', 'circle', '--epochs', '1500', '--num-samples', '100'], log: 'history.jsonl', trigger: /^epoch 1\/1500/m },
  {
    command: 'mlp',
    flags: ['--dataset', 'xor', '--epochs', '1500', '--num-samples', '100', '--patience', '400', '--dropout', '0.1', '--optimizer', 'momentum'],
    log: 'history.jsonl',
    trigger: /^epoch 1\/1500/m,
  },
  { command: 'lenet', flags: ['--data', mnist, '--epochs', '4', '--batch-size', '32'], log: 'history.jsonl', trigger: /^epoch 1\/4/m },
  {
    command: 'sentiment',
    flags: ['--data', sentiment, '--model', 'bilstm', '--epochs', '4', '--embedding', '8', '--hidden', '8', '--batch-size', '8'],
    log: 'history.jsonl',
    trigger: /^epoch 1\/4/m,
  },
  {
    command: 'translate',
    flags: ['--data', cmn, '--model', 'attention', '--epochs', '3', '--batch-size', '16', '--embedding', '8', '--hidden', '8', '--beam', '1'],
    log: 'history.jsonl',
    trigger: /^validation: loss/m,
  },
  {
    command: 'gan',
    flags: [
      '--data',
      mnist,
      '--classifier',
      judge,
      '--model',
      'cdcgan',
      '--iterations',
      '120',
      '--batch-size',
      '16',
      '--width',
      '2',
      '--eval-every',
      '40',
      '--eval-samples',
      '40',
    ],
    log: 'log.jsonl',
    trigger: /^iteration 50\//m,
  },
  {
    command: 'gpt',
    flags: [
      ...tinyTransformer,
      '--n-layer',
      '1',
      '--n-head',
      '2',
      '--n-embd',
      '16',
      '--max-iters',
      '60',
      '--sample-tokens',
      '10',
      '--warmup-iters',
      '2',
      '--lr-decay-iters',
      '60',
    ],
    log: 'log.jsonl',
    trigger: /^iter 4\//m,
  },
  {
    command: 'bert',
    flags: [...tinyTransformer, '--n-layer', '1', '--hidden', '16', '--heads', '2', '--intermediate', '32', '--max-iters', '60'],
    log: 'log.jsonl',
    trigger: /^iter 4\//m,
  },
  {
    command: 'albert',
    flags: [...tinyTransformer, '--n-layer', '2', '--hidden', '16', '--heads', '2', '--intermediate', '32', '--embedding', '8', '--max-iters', '60'],
    log: 'log.jsonl',
    trigger: /^iter 4\//m,
  },
];

/** Runs the command and sends SIGINT when its output first matches `trigger`. */
function runAndInterrupt(args: string[], trigger: RegExp): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, DEEPTS_NUM_THREADS: '1' } });
    let out = '',
      sent = false;
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (!sent && trigger.test(out)) {
        sent = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** The model's weights in a run's checkpoint, as plain arrays. */
function weights(run: string): Record<string, number[]> {
  const { tensors } = dt.loadSafetensors(join(run, 'checkpoint.safetensors'));
  return Object.fromEntries(
    Object.entries(tensors)
      .filter(([k]) => /^(model|G|D|Gema)\./.test(k))
      .map(([k, t]) => [k, Array.from(t.toTypedArray())]),
  );
}

/** The log's lines without their wall-clock seconds. */
function logLines(run: string, log: string): string[] {
  return readFileSync(join(run, log), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const { seconds: _s, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
}

for (const [i, c] of cases.entries()) {
  test(`deepts train ${c.command} (${c.flags
    .filter((f) => f.startsWith('--'))
    .slice(0, 4)
    .join(' ')}): Ctrl-C writes a checkpoint; --resume continues bit-for-bit`, async () => {
    const straight = join(dir, `${c.command}-${i}-straight`),
      split = join(dir, `${c.command}-${i}-split`);
    const env = { DEEPTS_NUM_THREADS: '1' };
    const s = deepts(['train', c.command, ...c.flags, '--out', straight, '--quiet'], env);
    assert.equal(s.code, 0, s.stderr);

    const r = await runAndInterrupt(['train', c.command, ...c.flags, '--out', split], c.trigger);
    assert.equal(r.code, 130, `exit code after SIGINT\n${r.out}`);
    assert.match(r.out, /interrupted by SIGINT at (step|iter|iteration) \d+: checkpoint written to /);
    assert.match(r.out, new RegExp(`resume with: deepts train ${c.command} --resume ${split.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.deepEqual(
      readdirSync(split).filter((f) => f.includes('.tmp')),
      [],
      'no temporary files',
    );
    const ck = dt.loadCheckpoint(join(split, 'checkpoint.safetensors'), { generator: null });
    const sidecar = JSON.parse(readFileSync(join(split, 'checkpoint.safetensors.json'), 'utf8')) as { step: number };
    assert.equal(sidecar.step, ck.step, 'the sidecar agrees with the checkpoint');
    assert.ok(ck.step > 0, 'it trained before the signal');
    assert.ok(!existsSync(join(split, 'metrics.json')), 'an interrupted run has no final metrics yet');

    const resumed = deepts(['train', c.command, '--resume', split, '--quiet'], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    const w = weights(straight);
    assert.ok(Object.keys(w).length > 0, 'the checkpoint holds the weights');
    assert.deepEqual(weights(split), w, 'the same final weights');
    const lines = logLines(split, c.log);
    assert.deepEqual(lines, logLines(straight, c.log), 'the same log, no line twice');
    const ms = JSON.parse(readFileSync(join(split, 'metrics.json'), 'utf8')),
      mt = JSON.parse(readFileSync(join(straight, 'metrics.json'), 'utf8'));
    for (const k of ['trainLoss', 'testLoss', 'valLoss', 'valLossFull', 'testAccuracy', 'testBleu', 'validationBleu', 'inceptionScore', 'fid'])
      if (k in mt) assert.equal(ms[k], mt[k], k);
  });
}

test('--resume refuses the run folder of another command, naming it; warns about --out', () => {
  const gpt = join(dir, 'gpt-any');
  deepts(['train', 'gpt', ...cases.find((c) => c.command === 'gpt')!.flags, '--max-iters', '4', '--out', gpt, '--quiet']);
  const r = deepts(['train', 'bert', '--resume', gpt]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /--resume .*gpt-any: the folder is a run folder of `deepts train gpt`, not of `deepts train bert`; resume it with: deepts train gpt --resume /,
  );
  const m = deepts(['train', 'mlp', '--resume', dir]);
  assert.match(m.stderr, /has no config.json, so it is not a deepts run folder/);
  const w = deepts(['train', 'gpt', '--resume', gpt, '--out', join(dir, 'elsewhere'), '--quiet']);
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stderr, /--out .*elsewhere is ignored: a resumed run writes into its own folder/);
  assert.ok(!existsSync(join(dir, 'elsewhere')));
});

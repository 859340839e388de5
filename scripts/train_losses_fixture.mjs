#!/usr/bin/env node
// Writes fixtures/train/losses.json: the losses of short runs of every `deepts train` command, so
// test/e2e/train-losses.test.ts can hold today's numbers fixed while the training machinery
// changes underneath. Run it from a build of the commit whose numbers are the reference (the file
// records the commit, backend and thread count; the test skips on another backend or thread count):
//   npm run build && DEEPTS_DATA=../shared/data node scripts/train_losses_fixture.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';

export const RUNS = {
  mlp: { args: ['train', 'mlp'], log: 'history.jsonl' },
  lenet: { args: ['train', 'lenet', '--limit', '640', '--test-limit', '256', '--epochs', '2'], log: 'history.jsonl' },
  gpt: { args: ['train', 'gpt', '--max-iters', '40', '--eval-interval', '20', '--eval-iters', '2', '--sample-tokens', '20'], log: 'log.jsonl' },
  bert: { args: ['train', 'bert', '--max-iters', '20', '--eval-interval', '10', '--eval-iters', '2'], log: 'log.jsonl' },
  albert: { args: ['train', 'albert', '--max-iters', '20', '--eval-interval', '10', '--eval-iters', '2'], log: 'log.jsonl' },
};

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'dist', 'src', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'deepts-losses-'));
const out = { commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(), backend: '', threads: 0, runs: {} };
const info = spawnSync(process.execPath, [bin, 'info'], { encoding: 'utf8' }).stdout;
out.backend = /backend: (\w+)/.exec(info)?.[1] ?? 'unknown';
out.threads = Number(process.env.DEEPTS_NUM_THREADS ?? cpus().length);
for (const [name, run] of Object.entries(RUNS)) {
  const dir = join(tmp, name);
  execFileSync(process.execPath, [bin, ...run.args, '--out', dir, '--quiet'], { stdio: 'inherit' });
  const lines = readFileSync(join(dir, run.log), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const { seconds: _s, ...rest } = JSON.parse(l);
      return rest;
    });
  out.runs[name] = { args: run.args, log: run.log, lines };
}
writeFileSync(join(root, 'fixtures', 'train', 'losses.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`wrote fixtures/train/losses.json (${out.backend}, ${out.threads} threads, commit ${out.commit})`);

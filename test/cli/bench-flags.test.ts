// `deepts bench`: a misspelled or unknown flag is an error before anything runs (a bench that
// ignored `--stpes` would run for minutes and overwrite bench/results/ with the wrong run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBench } from '../../bench/run.js';

async function run(argv: string[]): Promise<[number, string]> {
  const lines: string[] = [];
  const rc = await runBench(argv, (s) => lines.push(s));
  return [rc, lines.join('\n')];
}

test('deepts bench: unknown flags, switches given values and non-numbers are errors with the usage', async () => {
  for (const [argv, message] of [
    [['gpt', '--stpes', '3'], /unknown flag --stpes/],
    [['gpt', '--help-me'], /unknown flag --help-me/],
    [['gpt', '--steps', 'many'], /--steps takes a positive number, got 'many'/],
    [['gemm', '--sizes', '128,x'], /--sizes takes a comma-separated list/],
    [['gpt', '--write', 'yes'], /--write is on by default; --no-write turns it off/],
    [['nope'], /unknown bench 'nope'/],
  ] as const) {
    const [rc, out] = await run([...argv]);
    assert.equal(rc, 2, argv.join(' '));
    assert.match(out, message);
    assert.match(out, /usage: deepts bench/);
  }
  assert.deepEqual(await run(['--help']), [0, (await run(['-h']))[1]]);
});

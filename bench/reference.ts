// The reference tools the benches compare against, all optional: numpy/OpenBLAS and PyTorch via
// scripts/bench_reference.py, TensorFlow.js (cpu backend) when installed. Each returns its result
// or the reason it could not run, which the report prints.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Unavailable = { error: string };

const root = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scripts'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
})();

export const PYTHON = process.env.DEEPTS_BENCH_PYTHON || '/usr/bin/python3';

/**
 * Runs scripts/bench_reference.py with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its
 * environment (this machine sets them for everything else; OpenBLAS then picks its own kernel).
 */
export function runPythonReference<T>(args: string[], extraEnv: Record<string, string>, timeoutMs = 600_000): T | Unavailable {
  const script = join(root, 'scripts', 'bench_reference.py');
  if (!existsSync(PYTHON)) return { error: `${PYTHON} not found` };
  const env: Record<string, string | undefined> = { ...process.env, ...extraEnv };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(PYTHON, [script, ...args], { env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: timeoutMs });
  if (r.error) return { error: `${PYTHON} could not run: ${r.error.message}` };
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(line) as T | Unavailable;
    if (r.status !== 0 && !(parsed as Unavailable).error) return { error: `exit code ${r.status}` };
    return parsed;
  } catch {
    return { error: `no result (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}` };
  }
}

/** The shell command equivalent of runPythonReference, for the report. */
export function pythonCommand(args: string[], extraEnv: Record<string, string>): string {
  const vars = Object.entries(extraEnv)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ${vars} ${PYTHON} scripts/bench_reference.py ${args.join(' ')}`;
}

export function isUnavailable(x: unknown): x is Unavailable {
  return typeof x === 'object' && x !== null && 'error' in x;
}

export type Tf = typeof import('@tensorflow/tfjs');

/** TensorFlow.js on its cpu backend (the pure-JS one, as in a browser without WebGL), or why not. */
export async function loadTfjsCpu(): Promise<Tf | Unavailable> {
  let tf: Tf;
  try {
    const mod = (await import('@tensorflow/tfjs')) as Tf & { default?: Tf };
    tf = mod.default ?? mod;
  } catch {
    return { error: '@tensorflow/tfjs is not installed (npm install)' };
  }
  await tf.setBackend('cpu');
  return tf;
}

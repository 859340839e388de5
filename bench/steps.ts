// Shared by the training-step benches (mlp, gpt): time a step function, summarize the times as
// median / best, and format a row against the PyTorch row at the same thread count.
import { getBackend, setBackend } from '../src/backend/registry.js';
import { getNumThreads, setNumThreads } from '../src/backend/native/index.js';
import { load1 } from './timing.js';
import type { Unavailable } from './reference.js';

/** One row of a step bench; `workload` names the workload when a bench has several (cnn: lenet, conv). */
export type StepResult = {
  workload?: string;
  name: string;
  threads: string;
  medianMs: number;
  bestMs: number;
  perS: number;
  bestPerS: number;
  steps: number;
  load: number;
};
export type StepRow = StepResult | (Unavailable & { workload?: string; name: string });

/** PyTorch's side of a step bench, as scripts/bench_reference.py prints it. */
export type TorchStepResult = { tool: string; threads: number; best_step_ms: number; median_step_ms: number; steps: number };

/** Untimed warm-up: at least this long, so the JIT, the allocator and the thread pool have settled (the reference side does the same). */
export const WARMUP_SECONDS = 1;

/** Times `step` `steps` times after at least `warmup` untimed calls and WARMUP_SECONDS; per-step ms. */
export function timeSteps(step: () => void, steps: number, warmup: number): number[] {
  const start = performance.now();
  for (let i = 0; i < warmup || (warmup > 0 && performance.now() - start < WARMUP_SECONDS * 1000); i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return times;
}

/** One turn of the event loop, as deepts' training loops take after each step. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** timeSteps as deepts' training loops run: one event-loop turn a step, inside the timed span. */
export async function timeStepsYielding(step: () => void, steps: number, warmup: number): Promise<number[]> {
  const start = performance.now();
  for (let i = 0; i < warmup || (warmup > 0 && performance.now() - start < WARMUP_SECONDS * 1000); i++) {
    step();
    await turn();
  }
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    await turn();
    times.push(performance.now() - t0);
  }
  return times;
}

/** Runs `fn` on `backend` (native with `threads` in its pool), then puts the previous backend and pool size back. */
async function onBackend<T>(backend: 'native' | 'js', threads: number, fn: () => T | Promise<T>): Promise<T> {
  const prevBackend = getBackend().name,
    prevThreads = getNumThreads();
  setBackend(backend);
  if (backend === 'native') setNumThreads(threads);
  try {
    return await fn();
  } finally {
    setBackend(prevBackend);
    if (backend === 'native') setNumThreads(prevThreads);
  }
}

/**
 * A deepts row: builds a step with `make` on `backend` (native with `threads` in its pool) and times
 * it, in a plain synchronous loop or (`label` set) with a turn of the event loop a step, as the
 * training loops run it (timeStepsYielding); `label` names the row: `deepts native (label)`.
 */
export async function deeptsSteps(
  backend: 'native' | 'js',
  threads: number,
  make: () => () => void,
  steps: number,
  warmup: number,
  itemsPerStep: number,
  workload?: string,
  label?: string,
  yielding = false,
): Promise<StepResult> {
  return onBackend(backend, threads, async () => {
    const step = make();
    const times = yielding ? await timeStepsYielding(step, steps, warmup) : timeSteps(step, steps, warmup);
    const name = `deepts ${backend}${label ? ` (${label})` : ''}`;
    return summarizeSteps(name, backend === 'native' ? String(threads) : '1', times, itemsPerStep, workload);
  });
}

/** Median and best of step times (ms), as items (samples, tokens, images) per second. */
export function summarizeSteps(name: string, threads: string, times: number[], itemsPerStep: number, workload?: string): StepResult {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!,
    best = sorted[0]!;
  return {
    workload,
    name,
    threads,
    medianMs: median,
    bestMs: best,
    perS: (itemsPerStep * 1000) / median,
    bestPerS: (itemsPerStep * 1000) / best,
    steps: times.length,
    load: load1(),
  };
}

export function torchRow(r: TorchStepResult, itemsPerStep: number, workload?: string): StepResult {
  return {
    workload,
    name: r.tool,
    threads: String(r.threads),
    medianMs: r.median_step_ms,
    bestMs: r.best_step_ms,
    perS: (itemsPerStep * 1000) / r.median_step_ms,
    bestPerS: (itemsPerStep * 1000) / r.best_step_ms,
    steps: r.steps,
    load: load1(),
  };
}

/** Rates: whole numbers with separators, two significant digits below 10 (TensorFlow.js's rows). */
const rate = (x: number) => (x < 10 ? x.toPrecision(2) : Math.round(x).toLocaleString('en-US'));
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

export function formatStepRow(r: StepRow, base: StepResult | null, workloadColumn = false): string {
  const lead = workloadColumn ? `| ${r.workload ?? ''} ` : '';
  if ('error' in r) return `${lead}| ${r.name} | — | — | — | — | — (${r.error}) |`;
  const ratio = base ? r.perS / base.perS : 0;
  const vs = base ? `${ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2)}×` : '';
  return `${lead}| ${r.name} | ${r.threads} | ${ms(r.medianMs)} / ${ms(r.bestMs)} | ${rate(r.perS)} / ${rate(r.bestPerS)} | ${r.steps} | ${vs} (load ${r.load}) |`;
}

/** The table: each row against PyTorch on the same workload at the same thread count (median). */
export function stepTable(rows: StepRow[], unit: string, commands: string[], workloadColumn = false): string {
  const torchAt = (r: StepResult) =>
    rows.find((t) => !('error' in t) && t.name.startsWith('PyTorch') && t.threads === r.threads && t.workload === r.workload) as StepResult | undefined;
  return [
    `${workloadColumn ? '| workload ' : ''}| run | threads | step ms | ${unit} | steps | vs PyTorch (same threads, median) |`,
    `${workloadColumn ? '|---' : ''}|---|---:|---:|---:|---:|---|`,
    ...rows.map((r) => formatStepRow(r, 'error' in r || r.name.startsWith('PyTorch') ? null : (torchAt(r) ?? null), workloadColumn)),
    ...(commands.length ? ['', `Reference command${commands.length > 1 ? 's' : ''}:`, '', ...commands.map((c) => `    ${c}`)] : []),
  ].join('\n');
}

// Shared by the training-step benches (mlp, gpt): time a step function, summarize the times as
// median / best, and format a row against the PyTorch row at the same thread count.
import { load1 } from './timing.js';
import type { Unavailable } from './reference.js';

export type StepResult = { name: string; threads: string; medianMs: number; bestMs: number; perS: number; bestPerS: number; steps: number; load: number };
export type StepRow = StepResult | (Unavailable & { name: string });

/** PyTorch's side of a step bench, as scripts/bench_reference.py prints it. */
export type TorchStepResult = { tool: string; threads: number; best_step_ms: number; median_step_ms: number; steps: number };

/** Times `step` `steps` times after `warmup` untimed calls; per-step ms. */
export function timeSteps(step: () => void, steps: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return times;
}

/** Median and best of step times (ms), as items (samples, tokens, images) per second. */
export function summarizeSteps(name: string, threads: string, times: number[], itemsPerStep: number): StepResult {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!, best = sorted[0]!;
  return { name, threads, medianMs: median, bestMs: best, perS: (itemsPerStep * 1000) / median, bestPerS: (itemsPerStep * 1000) / best, steps: times.length, load: load1() };
}

export function torchRow(r: TorchStepResult, itemsPerStep: number): StepResult {
  return { name: r.tool, threads: String(r.threads), medianMs: r.median_step_ms, bestMs: r.best_step_ms, perS: (itemsPerStep * 1000) / r.median_step_ms, bestPerS: (itemsPerStep * 1000) / r.best_step_ms, steps: r.steps, load: load1() };
}

const f0 = (x: number) => Math.round(x).toLocaleString('en-US');

export function formatStepRow(r: StepRow, base: StepResult | null): string {
  if ('error' in r) return `| ${r.name} | — | — | — | — | — (${r.error}) |`;
  const vs = base ? `${(r.perS / base.perS).toFixed(2)}×` : '';
  return `| ${r.name} | ${r.threads} | ${r.medianMs.toFixed(1)} / ${r.bestMs.toFixed(1)} | ${f0(r.perS)} / ${f0(r.bestPerS)} | ${r.steps} | ${vs} (load ${r.load}) |`;
}

/** The table: each row against PyTorch at the same thread count (median). */
export function stepTable(rows: StepRow[], unit: string, commands: string[]): string {
  const torchAt = (threads: string) => rows.find((r) => !('error' in r) && r.name.startsWith('PyTorch') && r.threads === threads) as StepResult | undefined;
  return [
    `| run | threads | step ms | ${unit} | steps | vs PyTorch (same threads, median) |`,
    '|---|---:|---:|---:|---:|---|',
    ...rows.map((r) => formatStepRow(r, 'error' in r || r.name.startsWith('PyTorch') ? null : torchAt(r.threads) ?? null)),
    ...(commands.length ? ['', 'Reference command:', '', ...commands.map((c) => `    ${c}`)] : []),
  ].join('\n');
}

// Timing for the benches: repeat a function for a time budget and keep the best and the median
// repetition. The machine is shared, so every row also carries the load average around it.
import { loadavg } from 'node:os';

export type Timing = { best: number; median: number; reps: number };

/** Runs fn once to warm up, then repeatedly for `seconds` (at least minReps times); seconds per rep. */
export function timeReps(fn: () => void, seconds: number, minReps = 3, maxReps = 1000): Timing {
  fn();
  const times: number[] = [];
  const start = performance.now();
  while ((performance.now() - start < seconds * 1000 || times.length < minReps) && times.length < maxReps) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { best: times[0]!, median: times[Math.floor(times.length / 2)]!, reps: times.length };
}

/** The 1-minute load average, rounded, for the report. */
export function load1(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

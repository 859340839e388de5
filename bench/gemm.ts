// sgemm throughput, C = A·B (float32, n×n), deepts native against numpy/OpenBLAS at 1 and 2
// threads, in one run and interleaved (each size runs deepts, then numpy) so both see the same
// machine load. GFLOP/s = 2n³ / seconds; best and median of the repetitions.
import type { View } from '../src/backend/kernels.js';
import { jsKernels } from '../src/backend/js/index.js';
import { nativeBackend, nativeUnavailable, setNumThreads, getNumThreads, nativeAddon } from '../src/backend/native/index.js';
import { isUnavailable, pythonCommand, runPythonReference, type Unavailable } from './reference.js';
import { load1, timeReps } from './timing.js';

export type GemmOptions = { sizes: number[]; threads: number[]; seconds: number; reference: boolean; jsUpTo: number };

type Rate = { best: number; median: number };
type NumpyResult = { tool: string; blas: string; threads: string; rows: { n: number; best_gflops: number; median_gflops: number }[] };

export type GemmRow = { n: number; threads: number; deepts: Rate | null; numpy: Rate | Unavailable; js: Rate | null; load: number };

export type GemmReport = { rows: GemmRow[]; kernel: string | null; numpy: string | null; notes: string[]; commands: string[] };

function view(data: Float32Array, n: number): View {
  return { data, dtype: 'float32', offset: 0, shape: [1, n, n], strides: [0, n, 1] };
}

function rate(n: number, t: { best: number; median: number }): Rate {
  const flops = 2 * n ** 3;
  return { best: flops / t.best / 1e9, median: flops / t.median / 1e9 };
}

export function runGemmBench(opts: GemmOptions, log: (line: string) => void = () => {}): GemmReport {
  const notes: string[] = [];
  const commands: string[] = [];
  if (!nativeBackend) notes.push(`deepts native: not available (${nativeUnavailable})`);
  let numpyTool: string | null = null;
  const rows: GemmRow[] = [];
  const before = getNumThreads();
  for (const threads of opts.threads) {
    if (nativeBackend) setNumThreads(threads);
    for (const n of opts.sizes) {
      const a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i) * 0.5);
      const b = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i * 0.7) * 0.5);
      const c = new Float32Array(n * n);
      let deepts: Rate | null = null;
      if (nativeBackend) {
        const k = nativeBackend.kernels;
        deepts = rate(
          n,
          timeReps(() => k.matmul(view(a, n), view(b, n), c), opts.seconds),
        );
      }
      let numpy: Rate | Unavailable = { error: 'skipped (--no-reference)' };
      if (opts.reference) {
        const args = ['gemm', '--sizes', String(n), '--seconds', String(opts.seconds)];
        const env = { OPENBLAS_NUM_THREADS: String(threads) };
        if (n === opts.sizes[0]) commands.push(pythonCommand(['gemm', '--sizes', opts.sizes.join(','), '--seconds', String(opts.seconds)], env));
        const r = runPythonReference<NumpyResult>(args, env);
        if (isUnavailable(r)) numpy = r;
        else {
          numpyTool = `${r.tool}, ${r.blas}`;
          numpy = { best: r.rows[0]!.best_gflops, median: r.rows[0]!.median_gflops };
        }
      }
      let js: Rate | null = null;
      if (threads === 1 && n <= opts.jsUpTo)
        js = rate(
          n,
          timeReps(() => jsKernels.matmul(view(a, n), view(b, n), c), opts.seconds, 2, 50),
        );
      const row = { n, threads, deepts, numpy, js, load: load1() };
      rows.push(row);
      log(formatRow(row));
    }
  }
  if (nativeBackend) setNumThreads(before);
  if (opts.reference && rows.every((r) => isUnavailable(r.numpy)))
    notes.push(`numpy reference: ${(rows[0]?.numpy as Unavailable | undefined)?.error ?? 'not run'}`);
  return { rows, kernel: nativeAddon ? nativeAddon.sgemmKernel() : null, numpy: numpyTool, notes, commands };
}

const f1 = (x: number) => x.toFixed(1);

function formatRow(r: GemmRow): string {
  const np = isUnavailable(r.numpy) ? `— (${r.numpy.error})` : `${f1(r.numpy.best)} / ${f1(r.numpy.median)}`;
  const ratio = r.deepts && !isUnavailable(r.numpy) ? `${(r.deepts.best / r.numpy.best).toFixed(2)}× / ${(r.deepts.median / r.numpy.median).toFixed(2)}×` : '—';
  return `| ${r.n} | ${r.threads} | ${r.deepts ? `${f1(r.deepts.best)} / ${f1(r.deepts.median)}` : '—'} | ${np} | ${ratio} | ${r.js ? f1(r.js.best) : '—'} | ${r.load} |`;
}

export function gemmMarkdown(report: GemmReport): string {
  return [
    `sgemm C = A·B, float32, n×n; GFLOP/s as best / median of the repetitions. deepts: ${report.kernel ?? 'native unavailable'}; reference: ${report.numpy ?? 'numpy unavailable'}.`,
    '',
    '| n | threads | deepts native | numpy (OpenBLAS) | deepts / numpy | deepts js | load |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...report.rows.map(formatRow),
    ...(report.notes.length ? ['', ...report.notes.map((n) => `- ${n}`)] : []),
    ...(report.commands.length ? ['', 'Reference command (one per size and thread count):', '', ...report.commands.map((c) => `    ${c}`)] : []),
  ].join('\n');
}

// JS matmul throughput: the register-blocked kernel of the js backend against a naive triple loop,
// same process, same inputs. Run: node dist/bench/matmul-js.js [sizes...]
import { jsKernels } from '../src/backend/js/index.js';

function naive(a: Float32Array, b: Float32Array, out: Float32Array, n: number): void {
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * b[k * n + j]!;
      out[i * n + j] = s;
    }
}

function gflops(n: number, fn: () => void): number {
  fn(); // warm up
  let reps = 0;
  const start = performance.now();
  while (performance.now() - start < 1000) {
    fn();
    reps++;
  }
  const sec = (performance.now() - start) / 1000;
  return (2 * n ** 3 * reps) / sec / 1e9;
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((x) => x > 0);
const rows: string[] = ['| n | naive GFLOP/s | js backend GFLOP/s | speed-up |', '|---|---|---|---|'];
for (const n of sizes.length ? sizes : [128, 256, 512]) {
  const a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i));
  const out = new Float32Array(n * n);
  const view = (d: Float32Array) => ({ data: d, dtype: 'float32' as const, offset: 0, shape: [1, n, n], strides: [0, n, 1] });
  const g0 = gflops(n, () => naive(a, b, out, n));
  const g1 = gflops(n, () => jsKernels.matmul(view(a), view(b), out));
  rows.push(`| ${n} | ${g0.toFixed(2)} | ${g1.toFixed(2)} | ${(g1 / g0).toFixed(1)}x |`);
}
console.log(rows.join('\n'));

// Batched matmul for the js backend. Operands are packed into 4-wide panels (which also absorbs
// any strides, so transposed operands cost no extra copy) and multiplied with a 4x4 block of
// accumulators held in locals: several times the naive triple loop's throughput (`node
// dist/bench/matmul-js.js`; figures in bench/results/notes.md and the js column of bench/results/gemm.md).
import type { View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';

const MR = 4,
  NR = 4;

export function matmul(a: View, b: View, out: TypedArray): void {
  const [B, M, K] = a.shape as [number, number, number];
  const N = b.shape[2]!;
  const [sab, sam, sak] = a.strides as [number, number, number];
  const [sbb, sbk, sbn] = b.strides as [number, number, number];
  const mBlocks = Math.ceil(M / MR),
    nBlocks = Math.ceil(N / NR);
  const aPanel = new Float64Array(K * MR);
  const bPanels = new Float64Array(nBlocks * K * NR);
  const A = a.data,
    Bd = b.data;
  for (let batch = 0; batch < B; batch++) {
    const aBase = a.offset + batch * sab,
      bBase = b.offset + batch * sbb,
      oBase = batch * M * N;
    if (K === 0) {
      out.fill(0, oBase, oBase + M * N);
      continue;
    }
    // pack B: panel jb holds columns jb*4..jb*4+3 as bPanels[(jb*K + k)*4 + c]
    if (batch === 0 || sbb !== 0) {
      bPanels.fill(0);
      for (let jb = 0; jb < nBlocks; jb++) {
        const cols = Math.min(NR, N - jb * NR);
        for (let k = 0; k < K; k++) {
          const dst = (jb * K + k) * NR;
          let src = bBase + k * sbk + jb * NR * sbn;
          for (let c = 0; c < cols; c++, src += sbn) bPanels[dst + c] = Bd[src]!;
        }
      }
    }
    for (let ib = 0; ib < mBlocks; ib++) {
      const rows = Math.min(MR, M - ib * MR);
      aPanel.fill(0);
      for (let r = 0; r < rows; r++) {
        let src = aBase + (ib * MR + r) * sam;
        for (let k = 0; k < K; k++, src += sak) aPanel[k * MR + r] = A[src]!;
      }
      for (let jb = 0; jb < nBlocks; jb++) {
        let c00 = 0,
          c01 = 0,
          c02 = 0,
          c03 = 0,
          c10 = 0,
          c11 = 0,
          c12 = 0,
          c13 = 0;
        let c20 = 0,
          c21 = 0,
          c22 = 0,
          c23 = 0,
          c30 = 0,
          c31 = 0,
          c32 = 0,
          c33 = 0;
        let pb = jb * K * NR;
        for (let k = 0, pa = 0; k < K; k++, pa += MR, pb += NR) {
          const a0 = aPanel[pa]!,
            a1 = aPanel[pa + 1]!,
            a2 = aPanel[pa + 2]!,
            a3 = aPanel[pa + 3]!;
          const b0 = bPanels[pb]!,
            b1 = bPanels[pb + 1]!,
            b2 = bPanels[pb + 2]!,
            b3 = bPanels[pb + 3]!;
          c00 += a0 * b0;
          c01 += a0 * b1;
          c02 += a0 * b2;
          c03 += a0 * b3;
          c10 += a1 * b0;
          c11 += a1 * b1;
          c12 += a1 * b2;
          c13 += a1 * b3;
          c20 += a2 * b0;
          c21 += a2 * b1;
          c22 += a2 * b2;
          c23 += a2 * b3;
          c30 += a3 * b0;
          c31 += a3 * b1;
          c32 += a3 * b2;
          c33 += a3 * b3;
        }
        const cols = Math.min(NR, N - jb * NR);
        const acc = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let r = 0; r < rows; r++) {
          const o = oBase + (ib * MR + r) * N + jb * NR;
          for (let c = 0; c < cols; c++) out[o + c] = acc[r * 4 + c]!;
        }
      }
    }
  }
}

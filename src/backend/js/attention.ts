// Fused scaled dot-product attention for the js backend: per (batch, head), scores, softmax and the
// weighted sum of values in one pass over strided q/k/v views (a head split costs no copy), with
// causal rows cut short so half the work is skipped. The backward uses the saved probabilities:
//   dV = Pᵀ·dO,  dP = dO·Vᵀ,  dS = P ⊙ (dP − rowsum(P ⊙ dP)),  dQ = scale·dS·K,  dK = scale·dSᵀ·Q.
import type { View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';

function dims4(v: View): [number, number, number, number] {
  return [v.strides[0]!, v.strides[1]!, v.strides[2]!, v.strides[3]!];
}

/** Copies the (T, D) matrix of head (b, h) of a (B, H, T, D) view into a contiguous float64 tile. */
function packHead(v: View, b: number, h: number, rows: number, cols: number, tile: Float64Array): void {
  const [sb, sh, st, sd] = dims4(v);
  const src = v.data;
  let o = 0;
  for (let t = 0, base = v.offset + b * sb + h * sh; t < rows; t++, base += st) {
    if (sd === 1) for (let d = 0; d < cols; d++) tile[o++] = src[base + d]!;
    else for (let d = 0, i = base; d < cols; d++, i += sd) tile[o++] = src[i]!;
  }
}

export function attention(q: View, k: View, v: View, mask: View | null, causal: boolean, scale: number, out: TypedArray, probs: TypedArray): void {
  const [B, H, Tq, D] = q.shape as [number, number, number, number];
  const Tk = k.shape[2]!,
    Dv = v.shape[3]!;
  const [mb, mh, mt, mk] = mask ? dims4(mask) : [0, 0, 0, 0];
  const M = mask ? mask.data : null;
  // per head: q, k, v packed into contiguous float64 tiles, so the inner loops run with unit stride
  const Qt = new Float64Array(Tq * D),
    Kt = new Float64Array(Tk * D),
    Vt = new Float64Array(Tk * Dv);
  const row = new Float64Array(Tk);
  const acc = new Float64Array(Dv);
  const shift = Tk - Tq;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      packHead(q, b, h, Tq, D, Qt);
      packHead(k, b, h, Tk, D, Kt);
      packHead(v, b, h, Tk, Dv, Vt);
      const mBase = mask ? mask.offset + b * mb + h * mh : 0;
      const bh = b * H + h;
      for (let i = 0; i < Tq; i++) {
        const jmax = causal ? Math.max(0, Math.min(Tk, i + shift + 1)) : Tk;
        const qo = i * D;
        let max = -Infinity;
        for (let j = 0; j < jmax; j++) {
          const ko = j * D;
          let s = 0;
          for (let d = 0; d < D; d++) s += Qt[qo + d]! * Kt[ko + d]!;
          s *= scale;
          if (M) s += M[mBase + i * mt + j * mk]!;
          row[j] = s;
          if (s > max) max = s;
        }
        const pBase = (bh * Tq + i) * Tk,
          oBase = (bh * Tq + i) * Dv;
        if (max === -Infinity) {
          // every key masked: no attention at all
          for (let j = 0; j < Tk; j++) probs[pBase + j] = 0;
          for (let e = 0; e < Dv; e++) out[oBase + e] = 0;
          continue;
        }
        let sum = 0;
        for (let j = 0; j < jmax; j++) {
          const e = Math.exp(row[j]! - max);
          row[j] = e;
          sum += e;
        }
        const inv = 1 / sum;
        acc.fill(0);
        for (let j = 0; j < jmax; j++) {
          const p = row[j]! * inv;
          probs[pBase + j] = p;
          if (p === 0) continue;
          const vo = j * Dv;
          for (let e = 0; e < Dv; e++) acc[e] += p * Vt[vo + e]!;
        }
        for (let j = jmax; j < Tk; j++) probs[pBase + j] = 0;
        for (let e = 0; e < Dv; e++) out[oBase + e] = acc[e]!;
      }
    }
  }
}

export function attentionBackward(
  q: View,
  k: View,
  v: View,
  probs: TypedArray,
  dOut: View,
  scale: number,
  dq: TypedArray,
  dk: TypedArray,
  dv: TypedArray,
): void {
  const [B, H, Tq, D] = q.shape as [number, number, number, number];
  const Tk = k.shape[2]!,
    Dv = v.shape[3]!;
  const Qt = new Float64Array(Tq * D),
    Kt = new Float64Array(Tk * D),
    Vt = new Float64Array(Tk * Dv),
    Ot = new Float64Array(Tq * Dv);
  const dP = new Float64Array(Tk);
  const dqRow = new Float64Array(D);
  const dkAcc = new Float64Array(Tk * D),
    dvAcc = new Float64Array(Tk * Dv);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      packHead(q, b, h, Tq, D, Qt);
      packHead(k, b, h, Tk, D, Kt);
      packHead(v, b, h, Tk, Dv, Vt);
      packHead(dOut, b, h, Tq, Dv, Ot);
      const bh = b * H + h;
      dkAcc.fill(0);
      dvAcc.fill(0);
      for (let i = 0; i < Tq; i++) {
        const pBase = (bh * Tq + i) * Tk;
        const oo = i * Dv;
        // the last key with a non-zero probability bounds the row (causal rows end early)
        let jmax = Tk;
        while (jmax > 0 && probs[pBase + jmax - 1] === 0) jmax--;
        let rowDot = 0;
        for (let j = 0; j < jmax; j++) {
          const p = probs[pBase + j]!;
          if (p === 0) {
            dP[j] = 0;
            continue;
          }
          const vo = j * Dv;
          let s = 0;
          for (let e = 0; e < Dv; e++) {
            const g = Ot[oo + e]!;
            s += g * Vt[vo + e]!;
            dvAcc[vo + e] += p * g;
          }
          dP[j] = s;
          rowDot += p * s;
        }
        dqRow.fill(0);
        const qo = i * D;
        for (let j = 0; j < jmax; j++) {
          const p = probs[pBase + j]!;
          if (p === 0) continue;
          const ds = p * (dP[j]! - rowDot) * scale;
          const ko = j * D;
          for (let d = 0; d < D; d++) {
            dqRow[d] += ds * Kt[ko + d]!;
            dkAcc[ko + d] += ds * Qt[qo + d]!;
          }
        }
        const dqo = (bh * Tq + i) * D;
        for (let d = 0; d < D; d++) dq[dqo + d] = dqRow[d]!;
      }
      const dko = bh * Tk * D,
        dvo = bh * Tk * Dv;
      for (let x = 0; x < Tk * D; x++) dk[dko + x] = dkAcc[x]!;
      for (let x = 0; x < Tk * Dv; x++) dv[dvo + x] = dvAcc[x]!;
    }
  }
}

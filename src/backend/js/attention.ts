// Fused scaled dot-product attention for the js backend: per (batch, head), scores, softmax and the
// weighted sum of values in one pass over strided q/k/v views (a head split costs no copy), with
// causal rows cut short so half the work is skipped. The backward uses the saved probabilities:
//   dV = Pᵀ·dO,  dP = dO·Vᵀ,  dS = P ⊙ (dP − rowsum(P ⊙ dP)),  dQ = scale·dS·K,  dK = scale·dSᵀ·Q.
import type { View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';

function dims4(v: View): [number, number, number, number] {
  return [v.strides[0]!, v.strides[1]!, v.strides[2]!, v.strides[3]!];
}

export function attention(q: View, k: View, v: View, mask: View | null, causal: boolean, scale: number, out: TypedArray, probs: TypedArray): void {
  const [B, H, Tq, D] = q.shape as [number, number, number, number];
  const Tk = k.shape[2]!, Dv = v.shape[3]!;
  const [qb, qh, qt, qd] = dims4(q), [kb, kh, kt, kd] = dims4(k), [vb, vh, vt, vd] = dims4(v);
  const [mb, mh, mt, mk] = mask ? dims4(mask) : [0, 0, 0, 0];
  const Q = q.data, K = k.data, V = v.data, M = mask ? mask.data : null;
  const row = new Float64Array(Tk);
  const acc = new Float64Array(Dv);
  const shift = Tk - Tq;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const qBase = q.offset + b * qb + h * qh, kBase = k.offset + b * kb + h * kh, vBase = v.offset + b * vb + h * vh;
      const mBase = mask ? mask.offset + b * mb + h * mh : 0;
      const bh = b * H + h;
      for (let i = 0; i < Tq; i++) {
        const jmax = causal ? Math.max(0, Math.min(Tk, i + shift + 1)) : Tk;
        const qo = qBase + i * qt;
        let max = -Infinity;
        for (let j = 0; j < jmax; j++) {
          const ko = kBase + j * kt;
          let s = 0;
          for (let d = 0; d < D; d++) s += Q[qo + d * qd]! * K[ko + d * kd]!;
          s *= scale;
          if (M) s += M[mBase + i * mt + j * mk]!;
          row[j] = s;
          if (s > max) max = s;
        }
        const pBase = (bh * Tq + i) * Tk, oBase = (bh * Tq + i) * Dv;
        if (max === -Infinity) {
          // every key masked: no attention at all
          for (let j = 0; j < Tk; j++) probs[pBase + j] = 0;
          for (let e = 0; e < Dv; e++) out[oBase + e] = 0;
          continue;
        }
        let sum = 0;
        for (let j = 0; j < jmax; j++) { const e = Math.exp(row[j]! - max); row[j] = e; sum += e; }
        const inv = 1 / sum;
        acc.fill(0);
        for (let j = 0; j < jmax; j++) {
          const p = row[j]! * inv;
          probs[pBase + j] = p;
          if (p === 0) continue;
          const vo = vBase + j * vt;
          for (let e = 0; e < Dv; e++) acc[e] += p * V[vo + e * vd]!;
        }
        for (let j = jmax; j < Tk; j++) probs[pBase + j] = 0;
        for (let e = 0; e < Dv; e++) out[oBase + e] = acc[e]!;
      }
    }
  }
}

export function attentionBackward(q: View, k: View, v: View, probs: TypedArray, dOut: View, scale: number, dq: TypedArray, dk: TypedArray, dv: TypedArray): void {
  const [B, H, Tq, D] = q.shape as [number, number, number, number];
  const Tk = k.shape[2]!, Dv = v.shape[3]!;
  const [qb, qh, qt, qd] = dims4(q), [kb, kh, kt, kd] = dims4(k), [vb, vh, vt, vd] = dims4(v), [ob, oh, ot, od] = dims4(dOut);
  const Q = q.data, K = k.data, V = v.data, O = dOut.data;
  const dP = new Float64Array(Tk);
  const dqRow = new Float64Array(D);
  const dkAcc = new Float64Array(Tk * D), dvAcc = new Float64Array(Tk * Dv);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const qBase = q.offset + b * qb + h * qh, kBase = k.offset + b * kb + h * kh, vBase = v.offset + b * vb + h * vh;
      const oBase = dOut.offset + b * ob + h * oh;
      const bh = b * H + h;
      dkAcc.fill(0);
      dvAcc.fill(0);
      for (let i = 0; i < Tq; i++) {
        const pBase = (bh * Tq + i) * Tk;
        const oo = oBase + i * ot;
        // the last key with a non-zero probability bounds the row (causal rows end early)
        let jmax = Tk;
        while (jmax > 0 && probs[pBase + jmax - 1] === 0) jmax--;
        let rowDot = 0;
        for (let j = 0; j < jmax; j++) {
          const p = probs[pBase + j]!;
          if (p === 0) { dP[j] = 0; continue; }
          const vo = vBase + j * vt;
          let s = 0;
          for (let e = 0; e < Dv; e++) {
            const g = O[oo + e * od]!;
            s += g * V[vo + e * vd]!;
            dvAcc[j * Dv + e] += p * g;
          }
          dP[j] = s;
          rowDot += p * s;
        }
        dqRow.fill(0);
        const qo = qBase + i * qt;
        for (let j = 0; j < jmax; j++) {
          const p = probs[pBase + j]!;
          if (p === 0) continue;
          const ds = p * (dP[j]! - rowDot) * scale;
          const ko = kBase + j * kt;
          for (let d = 0; d < D; d++) {
            dqRow[d] += ds * K[ko + d * kd]!;
            dkAcc[j * D + d] += ds * Q[qo + d * qd]!;
          }
        }
        const dqo = (bh * Tq + i) * D;
        for (let d = 0; d < D; d++) dq[dqo + d] = dqRow[d]!;
      }
      const dko = bh * Tk * D, dvo = bh * Tk * Dv;
      for (let x = 0; x < Tk * D; x++) dk[dko + x] = dkAcc[x]!;
      for (let x = 0; x < Tk * Dv; x++) dv[dvo + x] = dvAcc[x]!;
    }
  }
}

// Batch normalization for the js backend over (N, C, S) views: per-channel statistics in two
// passes (mean, then the centred sum of squares, so large offsets cost no precision), and the
// fused backward dx = w·invStd/M · (M·g − Σg − x̂·Σ(g·x̂)) with M = N·S.
import type { BatchNormParams, View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';

function channelValue(v: View | null, c: number, fallback: number): number {
  return v ? v.data[v.offset + c * v.strides[0]!]! : fallback;
}

export function batchNorm(
  x: View,
  weight: View | null,
  bias: View | null,
  runningMean: TypedArray | null,
  runningVar: TypedArray | null,
  p: BatchNormParams,
  out: TypedArray,
  saveMean: TypedArray,
  saveInvStd: TypedArray,
): void {
  const [N, C, S] = x.shape as [number, number, number];
  const [sn, sc, ss] = x.strides as [number, number, number];
  const X = x.data,
    M = N * S;
  for (let c = 0; c < C; c++) {
    let mean: number, invStd: number;
    if (p.training) {
      let sum = 0;
      for (let n = 0; n < N; n++) {
        let o = x.offset + n * sn + c * sc;
        for (let s = 0; s < S; s++, o += ss) sum += X[o]!;
      }
      mean = M > 0 ? sum / M : 0;
      let sq = 0;
      for (let n = 0; n < N; n++) {
        let o = x.offset + n * sn + c * sc;
        for (let s = 0; s < S; s++, o += ss) {
          const d = X[o]! - mean;
          sq += d * d;
        }
      }
      const variance = M > 0 ? sq / M : 0;
      invStd = 1 / Math.sqrt(variance + p.eps);
      if (runningMean) runningMean[c] = (1 - p.momentum) * runningMean[c]! + p.momentum * mean;
      if (runningVar) runningVar[c] = (1 - p.momentum) * runningVar[c]! + p.momentum * (M > 1 ? sq / (M - 1) : variance);
    } else {
      mean = runningMean![c]!;
      invStd = 1 / Math.sqrt(runningVar![c]! + p.eps);
    }
    saveMean[c] = mean;
    saveInvStd[c] = invStd;
    const scale = channelValue(weight, c, 1) * invStd,
      shift = channelValue(bias, c, 0) - mean * scale;
    for (let n = 0; n < N; n++) {
      let o = x.offset + n * sn + c * sc,
        d = (n * C + c) * S;
      for (let s = 0; s < S; s++, o += ss, d++) out[d] = X[o]! * scale + shift;
    }
  }
}

export function batchNormBackward(
  gradOut: View,
  x: View,
  weight: View | null,
  saveMean: TypedArray,
  saveInvStd: TypedArray,
  training: boolean,
  gradInput: TypedArray | null,
  gradWeight: TypedArray | null,
  gradBias: TypedArray | null,
): void {
  const [N, C, S] = x.shape as [number, number, number];
  const [sn, sc, ss] = x.strides as [number, number, number];
  const [gn, gc, gs] = gradOut.strides as [number, number, number];
  const X = x.data,
    G = gradOut.data,
    M = N * S;
  for (let c = 0; c < C; c++) {
    const mean = saveMean[c]!,
      invStd = saveInvStd[c]!;
    let sumG = 0,
      sumGX = 0;
    for (let n = 0; n < N; n++) {
      let o = x.offset + n * sn + c * sc,
        q = gradOut.offset + n * gn + c * gc;
      for (let s = 0; s < S; s++, o += ss, q += gs) {
        const g = G[q]!;
        sumG += g;
        sumGX += g * (X[o]! - mean) * invStd;
      }
    }
    if (gradWeight) gradWeight[c] = sumGX;
    if (gradBias) gradBias[c] = sumG;
    if (!gradInput) continue;
    const w = channelValue(weight, c, 1);
    const k = w * invStd;
    const meanG = M > 0 ? sumG / M : 0,
      meanGX = M > 0 ? sumGX / M : 0;
    for (let n = 0; n < N; n++) {
      let o = x.offset + n * sn + c * sc,
        q = gradOut.offset + n * gn + c * gc,
        d = (n * C + c) * S;
      if (training) {
        for (let s = 0; s < S; s++, o += ss, q += gs, d++) gradInput[d] = k * (G[q]! - meanG - (X[o]! - mean) * invStd * meanGX);
      } else {
        for (let s = 0; s < S; s++, q += gs, d++) gradInput[d] = k * G[q]!;
      }
    }
  }
}

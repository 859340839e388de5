// Layer norm and RMS norm over the last axis of contiguous rows, forward and fused backward. The
// statistics are computed in float64 (two passes for the variance), and the forward saves
// mean/rstd so the backward needs no recomputation.
import type { TypedArray } from '../../tensor/dtype.js';

export function layerNorm(
  x: TypedArray,
  rows: number,
  cols: number,
  weight: TypedArray | null,
  bias: TypedArray | null,
  eps: number,
  out: TypedArray,
  mean: TypedArray,
  rstd: TypedArray,
): void {
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += x[base + c]!;
    const mu = s / cols;
    let v = 0;
    for (let c = 0; c < cols; c++) {
      const d = x[base + c]! - mu;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = mu;
    rstd[r] = rs;
    if (weight && bias) for (let c = 0; c < cols; c++) out[base + c] = (x[base + c]! - mu) * rs * weight[c]! + bias[c]!;
    else if (weight) for (let c = 0; c < cols; c++) out[base + c] = (x[base + c]! - mu) * rs * weight[c]!;
    else if (bias) for (let c = 0; c < cols; c++) out[base + c] = (x[base + c]! - mu) * rs + bias[c]!;
    else for (let c = 0; c < cols; c++) out[base + c] = (x[base + c]! - mu) * rs;
  }
}

/**
 * x̂ = (x − μ)·rstd, g = dy·w:  dx = rstd·(g − mean(g) − x̂·mean(g·x̂)),  dw = Σ_rows dy·x̂,  db = Σ_rows dy.
 */
export function layerNormBackward(
  dy: TypedArray,
  x: TypedArray,
  rows: number,
  cols: number,
  weight: TypedArray | null,
  mean: TypedArray,
  rstd: TypedArray,
  dx: TypedArray,
  dweight: TypedArray | null,
  dbias: TypedArray | null,
): void {
  const dw = dweight ? new Float64Array(cols) : null;
  const db = dbias ? new Float64Array(cols) : null;
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    const mu = mean[r]!,
      rs = rstd[r]!;
    let sg = 0,
      sgx = 0;
    for (let c = 0; c < cols; c++) {
      const d = dy[base + c]!;
      const xh = (x[base + c]! - mu) * rs;
      const g = weight ? d * weight[c]! : d;
      sg += g;
      sgx += g * xh;
      if (dw) dw[c] += d * xh;
      if (db) db[c] += d;
    }
    const mg = sg / cols,
      mgx = sgx / cols;
    for (let c = 0; c < cols; c++) {
      const xh = (x[base + c]! - mu) * rs;
      const g = weight ? dy[base + c]! * weight[c]! : dy[base + c]!;
      dx[base + c] = rs * (g - mg - xh * mgx);
    }
  }
  if (dweight && dw) for (let c = 0; c < cols; c++) dweight[c] = dw[c]!;
  if (dbias && db) for (let c = 0; c < cols; c++) dbias[c] = db[c]!;
}

export function rmsNorm(x: TypedArray, rows: number, cols: number, weight: TypedArray | null, eps: number, out: TypedArray, rstd: TypedArray): void {
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const v = x[base + c]!;
      s += v * v;
    }
    const rs = 1 / Math.sqrt(s / cols + eps);
    rstd[r] = rs;
    if (weight) for (let c = 0; c < cols; c++) out[base + c] = x[base + c]! * rs * weight[c]!;
    else for (let c = 0; c < cols; c++) out[base + c] = x[base + c]! * rs;
  }
}

/** g = dy·w:  dx = rstd·g − x·rstd³·mean(g·x),  dw = Σ_rows dy·x·rstd. */
export function rmsNormBackward(
  dy: TypedArray,
  x: TypedArray,
  rows: number,
  cols: number,
  weight: TypedArray | null,
  rstd: TypedArray,
  dx: TypedArray,
  dweight: TypedArray | null,
): void {
  const dw = dweight ? new Float64Array(cols) : null;
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    const rs = rstd[r]!;
    let sgx = 0;
    for (let c = 0; c < cols; c++) {
      const d = dy[base + c]!,
        xv = x[base + c]!;
      sgx += (weight ? d * weight[c]! : d) * xv;
      if (dw) dw[c] += d * xv * rs;
    }
    const k = (rs * rs * rs * sgx) / cols;
    for (let c = 0; c < cols; c++) {
      const g = weight ? dy[base + c]! * weight[c]! : dy[base + c]!;
      dx[base + c] = rs * g - x[base + c]! * k;
    }
  }
  if (dweight && dw) for (let c = 0; c < cols; c++) dweight[c] = dw[c]!;
}

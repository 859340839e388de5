// Convolution for the js backend: conv2d forward, its input gradient and its filter gradient, each
// as a matrix product over im2col panels. The image patches are written straight into the 4-wide
// panel layout the 4×4 register-blocked micro-kernel reads (so there is no separate im2col matrix
// and no packing pass), one sample and one group at a time, in float64 (exact for float64 tensors,
// one rounding at the end for float32).
//
//   forward        out[o, p]  = Σ_k W[o, k] · col[k, p]        (k = (c, ky, kx), p = (oy, ox))
//   filter grad    dW[o, k]  += Σ_p dY[o, p] · col[k, p]       summed over the samples
//   input grad     dcol[k, p] = Σ_o W[o, k] · dY[o, p]         scattered back into dx (col2im)
//
// For stride 1 the input gradient is instead the forward convolution of the padded dY with the
// flipped, transposed filters (no scatter), which is what LeNet's and ResNet's 3×3 layers use.
import type { Conv2dParams, View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';

/** Rows and columns of the micro-kernel's register block. */
const MR = 4, NR = 4;

/** Scratch buffers, grown on demand and reused, so a training step allocates no panels. */
const scratch: Record<'a' | 'b' | 'acc' | 'sum', Float64Array> = {
  a: new Float64Array(0), b: new Float64Array(0), acc: new Float64Array(16), sum: new Float64Array(0),
};
function buffer(name: 'a' | 'b' | 'sum', n: number): Float64Array {
  if (scratch[name].length < n) scratch[name] = new Float64Array(Math.max(n, Math.ceil(scratch[name].length * 1.5)));
  return scratch[name];
}

/**
 * acc (4×4, row-major) = Σ_i A[pa + 4i + r] · B[pb + 4i + c] over i < n: the register-blocked
 * inner loop every conv product runs (16 accumulators in locals).
 */
function microKernel(A: Float64Array, pa: number, B: Float64Array, pb: number, n: number, acc: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let i = 0; i < n; i++, pa += MR, pb += NR) {
    const a0 = A[pa]!, a1 = A[pa + 1]!, a2 = A[pa + 2]!, a3 = A[pa + 3]!;
    const b0 = B[pb]!, b1 = B[pb + 1]!, b2 = B[pb + 2]!, b3 = B[pb + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  acc[0] = c00; acc[1] = c01; acc[2] = c02; acc[3] = c03;
  acc[4] = c10; acc[5] = c11; acc[6] = c12; acc[7] = c13;
  acc[8] = c20; acc[9] = c21; acc[10] = c22; acc[11] = c23;
  acc[12] = c30; acc[13] = c31; acc[14] = c32; acc[15] = c33;
}

/** The output size of a convolution along one axis (torch's formula). */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Per-call geometry: the patch offsets of every k = (c, ky, kx) and every output position p. */
type Geometry = {
  K: number; P: number; H: number; W: number; Ho: number; Wo: number;
  /** input row / column offset of k's tap relative to the window's corner */
  kDy: Int32Array; kDx: Int32Array;
  /** element offset of k's tap in x (channel within the group, ky, kx) relative to the window's corner */
  kOff: Float64Array;
  /** top row / left column of p's window (may be negative: padding) */
  pIy: Int32Array; pIx: Int32Array;
};

function geometry(cg: number, kH: number, kW: number, H: number, W: number, Ho: number, Wo: number, p: Conv2dParams, sc: number, sh: number, sw: number): Geometry {
  const K = cg * kH * kW, P = Ho * Wo;
  const [strideH, strideW] = p.stride, [padH, padW] = p.padding, [dilH, dilW] = p.dilation;
  const kDy = new Int32Array(K), kDx = new Int32Array(K), kOff = new Float64Array(K);
  for (let c = 0, k = 0; c < cg; c++) {
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++, k++) {
        kDy[k] = ky * dilH; kDx[k] = kx * dilW;
        kOff[k] = c * sc + ky * dilH * sh + kx * dilW * sw;
      }
    }
  }
  const pIy = new Int32Array(P), pIx = new Int32Array(P);
  for (let oy = 0, q = 0; oy < Ho; oy++) {
    for (let ox = 0; ox < Wo; ox++, q++) { pIy[q] = oy * strideH - padH; pIx[q] = ox * strideW - padW; }
  }
  return { K, P, H, W, Ho, Wo, kDy, kDx, kOff, pIy, pIx };
}

/**
 * Writes sample n's patches into `panel` in the micro-kernel's layout. kMajor: panels of 4 output
 * positions, panel[(p/4·K + k)·4 + p%4] (the forward's B operand); else panels of 4 taps,
 * panel[(k/4·P + p)·4 + k%4] (the filter gradient's B operand). Taps in the padding read 0; the
 * tail of the last panel is zero.
 */
function im2col(X: TypedArray, base: number, sh: number, sw: number, g: Geometry, panel: Float64Array, kMajor: boolean): void {
  const { K, P, H, W, Ho, Wo, kDy, kDx, kOff, pIy, pIx } = g;
  const blocks = kMajor ? Math.ceil(P / 4) : Math.ceil(K / 4);
  const len = blocks * 4 * (kMajor ? K : P);
  panel.fill(0, 0, len);
  for (let k = 0; k < K; k++) {
    const dy = kDy[k]!, dx = kDx[k]!, kb = base + kOff[k]!;
    for (let oy = 0; oy < Ho; oy++) {
      const q0 = oy * Wo;
      const iy = pIy[q0]! + dy;
      if (iy < 0 || iy >= H) continue; // the whole output row reads padding
      const rowBase = kb + pIy[q0]! * sh;
      if (kMajor) {
        for (let ox = 0; ox < Wo; ox++) {
          const q = q0 + ox, ix = pIx[q]! + dx;
          if (ix >= 0 && ix < W) panel[((q >> 2) * K + k) * 4 + (q & 3)] = X[rowBase + pIx[q]! * sw]!;
        }
      } else {
        const dst = (k >> 2) * P * 4 + (k & 3);
        for (let ox = 0; ox < Wo; ox++) {
          const q = q0 + ox, ix = pIx[q]! + dx;
          if (ix >= 0 && ix < W) panel[dst + q * 4] = X[rowBase + pIx[q]! * sw]!;
        }
      }
    }
  }
}

/** Packs rows r0..r0+rows-1 of a (rows, cols) strided matrix into 4-row panels: panel[(r/4·cols + j)·4 + r%4]. */
function packRows(M: TypedArray, base: number, rowStride: number, colStride: number, rows: number, cols: number, panel: Float64Array): void {
  const blocks = Math.ceil(rows / 4);
  panel.fill(0, 0, blocks * 4 * cols);
  for (let r = 0; r < rows; r++) {
    let src = base + r * rowStride;
    let dst = (r >> 2) * cols * 4 + (r & 3);
    for (let j = 0; j < cols; j++, src += colStride, dst += 4) panel[dst] = M[src]!;
  }
}

function checkGroups(op: string, C: number, O: number, groups: number): void {
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0 || O % groups !== 0) {
    throw new RangeError(`${op}: ${C} input and ${O} output channels are not divisible by groups=${groups}`);
  }
}

export function conv2d(x: View, weight: View, bias: View | null, p: Conv2dParams, out: TypedArray): void {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, cg, kH, kW] = weight.shape as [number, number, number, number];
  const G = p.groups;
  checkGroups('conv2d', C, O, G);
  const Ho = convOutputSize(H, kH, p.stride[0], p.padding[0], p.dilation[0]);
  const Wo = convOutputSize(W, kW, p.stride[1], p.padding[1], p.dilation[1]);
  const [sn, sc, sh, sw] = x.strides as [number, number, number, number];
  const [wo, wc, wh, ww] = weight.strides as [number, number, number, number];
  const og = O / G, P = Ho * Wo;
  if (N * O * P === 0) return;
  const g = geometry(cg, kH, kW, H, W, Ho, Wo, p, sc, sh, sw);
  const K = g.K;
  const oBlocks = Math.ceil(og / MR), pBlocks = Math.ceil(P / NR);
  const acc = scratch.acc;
  const biasValues = new Float64Array(O);
  if (bias) for (let o = 0; o < O; o++) biasValues[o] = bias.data[bias.offset + o * bias.strides[0]!]!;
  // the filters of all groups, packed once: (og, K) row-major per group, viewed as (og, K) with K = (c, ky, kx)
  const wPanels = new Float64Array(G * oBlocks * K * MR);
  const wGroup = new Float64Array(og * K);
  for (let grp = 0; grp < G; grp++) {
    for (let o = 0, i = 0; o < og; o++) {
      for (let c = 0; c < cg; c++) for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++) {
        wGroup[i++] = weight.data[weight.offset + (grp * og + o) * wo + c * wc + ky * wh + kx * ww]!;
      }
    }
    packRows(wGroup, 0, K, 1, og, K, wPanels.subarray(grp * oBlocks * K * MR));
  }
  const colPanel = buffer('b', pBlocks * K * NR);
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < G; grp++) {
      im2col(x.data, x.offset + n * sn + grp * cg * sc, sh, sw, g, colPanel, true);
      const wBase = grp * oBlocks * K * MR;
      const outBase = (n * O + grp * og) * P;
      for (let pb = 0; pb < pBlocks; pb++) {
        const cols = Math.min(NR, P - pb * NR);
        for (let ob = 0; ob < oBlocks; ob++) {
          microKernel(wPanels, wBase + ob * K * MR, colPanel, pb * K * NR, K, acc);
          const rows = Math.min(MR, og - ob * MR);
          for (let r = 0; r < rows; r++) {
            const o = ob * MR + r, b = biasValues[grp * og + o]!;
            const dst = outBase + o * P + pb * NR;
            for (let c = 0; c < cols; c++) out[dst + c] = acc[r * 4 + c]! + b;
          }
        }
      }
    }
  }
}

export function conv2dBackwardWeight(x: View, gradOut: View, weightShape: readonly number[], p: Conv2dParams, out: TypedArray): void {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, cg, kH, kW] = weightShape as [number, number, number, number];
  const G = p.groups;
  checkGroups('conv2dBackwardWeight', C, O, G);
  const [, , Ho, Wo] = gradOut.shape as [number, number, number, number];
  const [sn, sc, sh, sw] = x.strides as [number, number, number, number];
  const [gn, gc, gh, gw] = gradOut.strides as [number, number, number, number];
  const og = O / G, P = Ho * Wo;
  const g = geometry(cg, kH, kW, H, W, Ho, Wo, p, sc, sh, sw);
  const K = g.K;
  const sum = buffer('sum', O * K);
  sum.fill(0, 0, O * K);
  const oBlocks = Math.ceil(og / MR), kBlocks = Math.ceil(K / NR);
  const acc = scratch.acc;
  const dyPanel = buffer('a', oBlocks * P * MR);
  const colPanel = buffer('b', kBlocks * P * NR);
  const dyRows = new Float64Array(og * P);
  if (P > 0 && K > 0) {
    for (let n = 0; n < N; n++) {
      for (let grp = 0; grp < G; grp++) {
        // dY rows of this group as (og, P), packed in 4-row panels over p
        const gBase = gradOut.offset + n * gn + grp * og * gc;
        for (let o = 0, i = 0; o < og; o++) {
          for (let oy = 0; oy < Ho; oy++) {
            let src = gBase + o * gc + oy * gh;
            for (let ox = 0; ox < Wo; ox++, src += gw) dyRows[i++] = gradOut.data[src]!;
          }
        }
        packRows(dyRows, 0, P, 1, og, P, dyPanel);
        im2col(x.data, x.offset + n * sn + grp * cg * sc, sh, sw, g, colPanel, false);
        for (let ob = 0; ob < oBlocks; ob++) {
          const rows = Math.min(MR, og - ob * MR);
          for (let kb = 0; kb < kBlocks; kb++) {
            microKernel(dyPanel, ob * P * MR, colPanel, kb * P * NR, P, acc);
            const cols = Math.min(NR, K - kb * NR);
            for (let r = 0; r < rows; r++) {
              const dst = (grp * og + ob * MR + r) * K + kb * NR;
              for (let c = 0; c < cols; c++) sum[dst + c]! += acc[r * 4 + c]!;
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < O * K; i++) out[i] = sum[i]!;
}

export function conv2dBackwardInput(gradOut: View, weight: View, inputShape: readonly number[], p: Conv2dParams, out: TypedArray): void {
  const [N, C, H, W] = inputShape as [number, number, number, number];
  const [O, cg, kH, kW] = weight.shape as [number, number, number, number];
  const G = p.groups;
  checkGroups('conv2dBackwardInput', C, O, G);
  const [, , Ho, Wo] = gradOut.shape as [number, number, number, number];
  if (p.stride[0] === 1 && p.stride[1] === 1) {
    backwardInputStride1(gradOut, weight, inputShape, p, out);
    return;
  }
  const [gn, gc, gh, gw] = gradOut.strides as [number, number, number, number];
  const [wo, wc, wh, ww] = weight.strides as [number, number, number, number];
  const og = O / G, P = Ho * Wo, HW = H * W;
  // offsets in the contiguous dx: sc = HW, sh = W, sw = 1
  const g = geometry(cg, kH, kW, H, W, Ho, Wo, p, HW, W, 1);
  const { K, kDy, kDx, kOff, pIy, pIx } = g;
  const kBlocks = Math.ceil(K / MR), pBlocks = Math.ceil(P / NR);
  const acc = scratch.acc;
  // Wᵀ per group: rows k, reduction over o
  const wtPanels = new Float64Array(G * kBlocks * og * MR);
  const wt = new Float64Array(K * og);
  for (let grp = 0; grp < G; grp++) {
    for (let c = 0, k = 0; c < cg; c++) for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++, k++) {
      for (let o = 0; o < og; o++) wt[k * og + o] = weight.data[weight.offset + (grp * og + o) * wo + c * wc + ky * wh + kx * ww]!;
    }
    packRows(wt, 0, og, 1, K, og, wtPanels.subarray(grp * kBlocks * og * MR));
  }
  const dyPanel = buffer('b', pBlocks * og * NR);
  const dx = buffer('sum', C * HW);
  const dyT = new Float64Array(P * og);
  for (let n = 0; n < N; n++) {
    dx.fill(0, 0, C * HW);
    for (let grp = 0; grp < G; grp++) {
      // dYᵀ (P, og) packed in 4-row panels over o
      const gBase = gradOut.offset + n * gn + grp * og * gc;
      for (let o = 0; o < og; o++) {
        for (let oy = 0, q = 0; oy < Ho; oy++) {
          let src = gBase + o * gc + oy * gh;
          for (let ox = 0; ox < Wo; ox++, q++, src += gw) dyT[q * og + o] = gradOut.data[src]!;
        }
      }
      packRows(dyT, 0, og, 1, P, og, dyPanel);
      const dxBase = grp * cg * HW;
      for (let kb = 0; kb < kBlocks; kb++) {
        const rows = Math.min(MR, K - kb * MR);
        for (let pb = 0; pb < pBlocks; pb++) {
          microKernel(wtPanels, grp * kBlocks * og * MR + kb * og * MR, dyPanel, pb * og * NR, og, acc);
          const cols = Math.min(NR, P - pb * NR);
          for (let r = 0; r < rows; r++) {
            const k = kb * MR + r, dy = kDy[k]!, dxk = kDx[k]!, off = dxBase + kOff[k]!;
            for (let c = 0; c < cols; c++) {
              const q = pb * NR + c, iy = pIy[q]! + dy, ix = pIx[q]! + dxk;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W) dx[off + pIy[q]! * W + pIx[q]!]! += acc[r * 4 + c]!;
            }
          }
        }
      }
    }
    const base = n * C * HW;
    for (let i = 0; i < C * HW; i++) out[base + i] = dx[i]!;
  }
}

/**
 * The stride-1 input gradient as a forward convolution: dx[c, iy, ix] = Σ_{o, ky, kx} dY[o, iy + padH − ky·dilH,
 * ix + padW − kx·dilW] · W[o, c, ky, kx], i.e. conv2d of dY with the filters transposed (c ↔ o) and
 * flipped, padding dil·(k − 1) − pad. Padding larger than the taps' reach (pad > dil·(k − 1)) makes the
 * equivalent padding negative, which the window offsets below express directly.
 */
function backwardInputStride1(gradOut: View, weight: View, inputShape: readonly number[], p: Conv2dParams, out: TypedArray): void {
  const [N, C, H, W] = inputShape as [number, number, number, number];
  const [O, cg, kH, kW] = weight.shape as [number, number, number, number];
  const [, , Ho, Wo] = gradOut.shape as [number, number, number, number];
  const G = p.groups, og = O / G;
  const [dilH, dilW] = p.dilation;
  const padH = dilH * (kH - 1) - p.padding[0], padW = dilW * (kW - 1) - p.padding[1];
  // flipped transposed filters (C, og, kH, kW) per group, as a contiguous view the forward reads
  const flipped = new Float64Array(C * og * kH * kW);
  const [wo, wc, wh, ww] = weight.strides as [number, number, number, number];
  for (let grp = 0; grp < G; grp++) {
    for (let c = 0; c < cg; c++) for (let o = 0; o < og; o++) for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++) {
      flipped[(((grp * cg + c) * og + o) * kH + ky) * kW + kx] =
        weight.data[weight.offset + (grp * og + o) * wo + c * wc + (kH - 1 - ky) * wh + (kW - 1 - kx) * ww]!;
    }
  }
  const fview: View = { data: flipped, dtype: 'float64', offset: 0, shape: [C, og, kH, kW], strides: [og * kH * kW, kH * kW, kW, 1] };
  if (padH >= 0 && padW >= 0 && convOutputSize(Ho, kH, 1, padH, dilH) === H && convOutputSize(Wo, kW, 1, padW, dilW) === W) {
    conv2d(gradOut, fview, null, { stride: [1, 1], padding: [padH, padW], dilation: [dilH, dilW], groups: G }, out);
    return;
  }
  // negative equivalent padding or an input taller than the output implies (output padding):
  // run the forward on a zero-padded copy of dY that makes the geometry exact
  // frame[fy] = dY[fy − padH]: dx[iy] = Σ_ky frame[iy + ky·dilH] · flipped[ky], an unpadded convolution of output size H
  const frameH = H + dilH * (kH - 1), frameW = W + dilW * (kW - 1);
  const frame = new Float64Array(N * O * frameH * frameW);
  const [gn, gc, gh, gw] = gradOut.strides as [number, number, number, number];
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) {
    for (let oy = 0; oy < Ho; oy++) {
      const fy = oy + padH;
      if (fy < 0 || fy >= frameH) continue;
      for (let ox = 0; ox < Wo; ox++) {
        const fx = ox + padW;
        if (fx < 0 || fx >= frameW) continue;
        frame[((n * O + o) * frameH + fy) * frameW + fx] = gradOut.data[gradOut.offset + n * gn + o * gc + oy * gh + ox * gw]!;
      }
    }
  }
  const frameView: View = { data: frame, dtype: 'float64', offset: 0, shape: [N, O, frameH, frameW], strides: [O * frameH * frameW, frameH * frameW, frameW, 1] };
  conv2d(frameView, fview, null, { stride: [1, 1], padding: [0, 0], dilation: [dilH, dilW], groups: G }, out);
}

// Convolution for the js backend: conv2d forward, its input gradient and its filter gradient, as
// register-blocked matrix products read straight from a zero-padded copy of each sample (a
// "frame"), so there is no im2col matrix and no bounds check in the inner loops. One sample and
// one group at a time, in float64 (exact for float64 tensors, one rounding at the end for float32).
//
// With k = (c, ky, kx) a filter tap and p = (oy, ox) an output position, the input value tap k sees
// at p sits at frame[kOff[k] + pOff[p]], kOff[k] = c·Hp·Wp + ky·dilH·Wp + kx·dilW and
// pOff[p] = oy·strideH·Wp + ox·strideW (Hp, Wp: the padded size). Then
//
//   forward        out[o, p]  = Σ_k W[o, k] · frame[kOff[k] + pOff[p]]     tiles of 4 filters × 4 positions
//   filter grad    dW[o, k]  += Σ_p dY[o, p] · frame[kOff[k] + pOff[p]]    tiles of 4 filters × 4 taps
//   input grad     dframe[kOff[k] + pOff[p]] += Σ_o W[o, k] · dY[o, p]      tiles of 4 taps × 4 positions
//
// (The input gradient as a forward convolution of dY with flipped filters would need no scatter,
// but multiplies the padding's zeros too: on LeNet's second layer it measured slower, see
// bench/results/notes.md.)
import type { Conv2dParams, View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';

/** Scratch buffers, grown on demand and reused, so a training step allocates no panels or frames. */
type Scratch = 'panel' | 'frame' | 'sum' | 'filters' | 'rows';
const scratch: Record<Scratch, Float64Array> = {
  panel: new Float64Array(0),
  frame: new Float64Array(0),
  sum: new Float64Array(0),
  filters: new Float64Array(0),
  rows: new Float64Array(0),
};
function buffer(name: Scratch, n: number): Float64Array {
  if (scratch[name].length < n) scratch[name] = new Float64Array(Math.max(n, Math.ceil(scratch[name].length * 1.5)));
  return scratch[name];
}
const acc = new Float64Array(16);

/** The output size of a convolution along one axis (torch's formula). */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

function checkGroups(op: string, C: number, O: number, groups: number): void {
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0 || O % groups !== 0) {
    throw new RangeError(`${op}: ${C} input and ${O} output channels are not divisible by groups=${groups}`);
  }
}

/** The frame geometry of one conv call: padded sizes, tap offsets and output-position offsets. */
type Frame = {
  Hp: number;
  Wp: number;
  size: number;
  /** frame offset of tap k relative to a window's corner */
  kOff: Int32Array;
  /** frame offset of output position p's window corner */
  pOff: Int32Array;
};

function frameGeometry(cg: number, kH: number, kW: number, H: number, W: number, Ho: number, Wo: number, p: Conv2dParams): Frame {
  const [strideH, strideW] = p.stride,
    [padH, padW] = p.padding,
    [dilH, dilW] = p.dilation;
  const Hp = H + 2 * padH,
    Wp = W + 2 * padW;
  const K = cg * kH * kW;
  const kOff = new Int32Array(K);
  for (let c = 0, k = 0; c < cg; c++) for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++, k++) kOff[k] = c * Hp * Wp + ky * dilH * Wp + kx * dilW;
  const pOff = new Int32Array(Ho * Wo);
  for (let oy = 0, q = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++, q++) pOff[q] = oy * strideH * Wp + ox * strideW;
  return { Hp, Wp, size: cg * Hp * Wp, kOff, pOff };
}

/** Copies channels [c0, c0 + cg) of sample n into `frame`, zero-padded. */
function fillFrame(x: View, n: number, c0: number, cg: number, H: number, W: number, padH: number, padW: number, f: Frame, frame: Float64Array): void {
  const [sn, sc, sh, sw] = x.strides as [number, number, number, number];
  const X = x.data,
    { Hp, Wp } = f;
  frame.fill(0, 0, f.size);
  for (let c = 0; c < cg; c++) {
    const src0 = x.offset + n * sn + (c0 + c) * sc;
    for (let y = 0; y < H; y++) {
      let src = src0 + y * sh,
        dst = c * Hp * Wp + (y + padH) * Wp + padW;
      if (sw === 1) for (let i = 0; i < W; i++) frame[dst++] = X[src++]!;
      else for (let i = 0; i < W; i++, src += sw) frame[dst++] = X[src]!;
    }
  }
}

/** Packs a (rows, cols) strided matrix into 4-row panels: panel[(r/4·cols + j)·4 + r%4] (zero rows pad the last panel). */
function packRows(M: ArrayLike<number>, base: number, rowStride: number, colStride: number, rows: number, cols: number, panel: Float64Array, at = 0): void {
  panel.fill(0, at, at + Math.ceil(rows / 4) * 4 * cols);
  for (let r = 0; r < rows; r++) {
    let src = base + r * rowStride;
    let dst = at + (r >> 2) * cols * 4 + (r & 3);
    for (let j = 0; j < cols; j++, src += colStride, dst += 4) panel[dst] = M[src]!;
  }
}

/** The filters (O, cg, kH, kW) of every group as 4-row panels over k: group g's panels start at g·oBlocks·K·4. */
function filterPanels(weight: View, G: number, og: number, K: number): Float64Array {
  const [, cg, kH, kW] = weight.shape as [number, number, number, number];
  const [wo, wc, wh, ww] = weight.strides as [number, number, number, number];
  const oBlocks = Math.ceil(og / 4);
  const panels = buffer('filters', G * oBlocks * K * 4);
  const rows = buffer('rows', og * K);
  for (let grp = 0; grp < G; grp++) {
    for (let o = 0, i = 0; o < og; o++) {
      for (let c = 0; c < cg; c++)
        for (let ky = 0; ky < kH; ky++)
          for (let kx = 0; kx < kW; kx++) {
            rows[i++] = weight.data[weight.offset + (grp * og + o) * wo + c * wc + ky * wh + kx * ww]!;
          }
    }
    packRows(rows, 0, K, 1, og, K, panels, grp * oBlocks * K * 4);
  }
  return panels;
}

/**
 * The tile both the forward and the filter gradient run: acc[r·4 + c] = Σ_i A[pa + 4i + r] · F[idx[i] + o_c]
 * over i < n, i.e. 4 rows of a packed panel against 4 gathered columns of the frame. Forward: i runs
 * over the taps (idx = kOff) and o_c are 4 output positions' offsets; filter gradient: i runs over
 * the output positions (idx = pOff) and o_c are 4 taps' offsets.
 */
function gatherTile(A: Float64Array, pa: number, F: Float64Array, idx: Int32Array, n: number, o0: number, o1: number, o2: number, o3: number): void {
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
  for (let i = 0; i < n; i++, pa += 4) {
    const q = idx[i]!;
    const a0 = A[pa]!,
      a1 = A[pa + 1]!,
      a2 = A[pa + 2]!,
      a3 = A[pa + 3]!;
    const b0 = F[q + o0]!,
      b1 = F[q + o1]!,
      b2 = F[q + o2]!,
      b3 = F[q + o3]!;
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
  acc[0] = c00;
  acc[1] = c01;
  acc[2] = c02;
  acc[3] = c03;
  acc[4] = c10;
  acc[5] = c11;
  acc[6] = c12;
  acc[7] = c13;
  acc[8] = c20;
  acc[9] = c21;
  acc[10] = c22;
  acc[11] = c23;
  acc[12] = c30;
  acc[13] = c31;
  acc[14] = c32;
  acc[15] = c33;
}

/** Packed-panel tile: acc[r·4 + c] = Σ_i A[pa + 4i + r] · B[pb + 4i + c] over i < n. */
function panelTile(A: Float64Array, pa: number, B: Float64Array, pb: number, n: number): void {
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
  for (let i = 0; i < n; i++, pa += 4, pb += 4) {
    const a0 = A[pa]!,
      a1 = A[pa + 1]!,
      a2 = A[pa + 2]!,
      a3 = A[pa + 3]!;
    const b0 = B[pb]!,
      b1 = B[pb + 1]!,
      b2 = B[pb + 2]!,
      b3 = B[pb + 3]!;
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
  acc[0] = c00;
  acc[1] = c01;
  acc[2] = c02;
  acc[3] = c03;
  acc[4] = c10;
  acc[5] = c11;
  acc[6] = c12;
  acc[7] = c13;
  acc[8] = c20;
  acc[9] = c21;
  acc[10] = c22;
  acc[11] = c23;
  acc[12] = c30;
  acc[13] = c31;
  acc[14] = c32;
  acc[15] = c33;
}

export function conv2d(x: View, weight: View, bias: View | null, p: Conv2dParams, out: TypedArray): void {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, cg, kH, kW] = weight.shape as [number, number, number, number];
  const G = p.groups;
  checkGroups('conv2d', C, O, G);
  const Ho = convOutputSize(H, kH, p.stride[0], p.padding[0], p.dilation[0]);
  const Wo = convOutputSize(W, kW, p.stride[1], p.padding[1], p.dilation[1]);
  const og = O / G,
    P = Ho * Wo,
    K = cg * kH * kW;
  if (N * O * P === 0) return;
  const f = frameGeometry(cg, kH, kW, H, W, Ho, Wo, p);
  const { kOff, pOff } = f;
  const oBlocks = Math.ceil(og / 4),
    pBlocks = Math.ceil(P / 4);
  const biasValues = new Float64Array(O);
  if (bias) for (let o = 0; o < O; o++) biasValues[o] = bias.data[bias.offset + o * bias.strides[0]!]!;
  const panels = filterPanels(weight, G, og, K);
  const frame = buffer('frame', f.size);
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < G; grp++) {
      fillFrame(x, n, grp * cg, cg, H, W, p.padding[0], p.padding[1], f, frame);
      const pBase = grp * oBlocks * K * 4,
        outBase = (n * O + grp * og) * P;
      for (let pb = 0; pb < pBlocks; pb++) {
        // 4 consecutive output positions (across row ends too); positions past P repeat the first
        const p0 = pb * 4,
          cols = Math.min(4, P - p0);
        const q0 = pOff[p0]!,
          q1 = pOff[p0 + (cols > 1 ? 1 : 0)]!,
          q2 = pOff[p0 + (cols > 2 ? 2 : 0)]!,
          q3 = pOff[p0 + (cols > 3 ? 3 : 0)]!;
        for (let ob = 0; ob < oBlocks; ob++) {
          gatherTile(panels, pBase + ob * K * 4, frame, kOff, K, q0, q1, q2, q3);
          const rows = Math.min(4, og - ob * 4);
          for (let r = 0; r < rows; r++) {
            const o = ob * 4 + r,
              b = biasValues[grp * og + o]!;
            const dst = outBase + o * P + p0;
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
  const [gn, gc, gh, gw] = gradOut.strides as [number, number, number, number];
  const og = O / G,
    P = Ho * Wo,
    K = cg * kH * kW;
  const sum = buffer('sum', O * K);
  sum.fill(0, 0, O * K);
  if (P > 0 && K > 0) {
    const f = frameGeometry(cg, kH, kW, H, W, Ho, Wo, p);
    const { kOff, pOff } = f;
    const oBlocks = Math.ceil(og / 4),
      kBlocks = Math.ceil(K / 4);
    const dyPanel = buffer('panel', oBlocks * P * 4);
    const frame = buffer('frame', f.size);
    const G0 = gradOut.data;
    for (let n = 0; n < N; n++) {
      for (let grp = 0; grp < G; grp++) {
        fillFrame(x, n, grp * cg, cg, H, W, p.padding[0], p.padding[1], f, frame);
        // dY of this group, (og, P), in 4-row panels over p
        dyPanel.fill(0, 0, oBlocks * P * 4);
        for (let o = 0; o < og; o++) {
          const src0 = gradOut.offset + n * gn + (grp * og + o) * gc;
          let dst = (o >> 2) * P * 4 + (o & 3);
          for (let oy = 0; oy < Ho; oy++) {
            let src = src0 + oy * gh;
            for (let ox = 0; ox < Wo; ox++, src += gw, dst += 4) dyPanel[dst] = G0[src]!;
          }
        }
        for (let ob = 0; ob < oBlocks; ob++) {
          const rows = Math.min(4, og - ob * 4);
          for (let kb = 0; kb < kBlocks; kb++) {
            const k0 = kb * 4,
              cols = Math.min(4, K - k0);
            // taps past K read tap k0's values; their results are dropped
            gatherTile(
              dyPanel,
              ob * P * 4,
              frame,
              pOff,
              P,
              kOff[k0]!,
              kOff[k0 + (cols > 1 ? 1 : 0)]!,
              kOff[k0 + (cols > 2 ? 2 : 0)]!,
              kOff[k0 + (cols > 3 ? 3 : 0)]!,
            );
            for (let r = 0; r < rows; r++) {
              const dst = (grp * og + ob * 4 + r) * K + k0;
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
  const [gn, gc, gh, gw] = gradOut.strides as [number, number, number, number];
  const [wo, wc, wh, ww] = weight.strides as [number, number, number, number];
  const og = O / G,
    P = Ho * Wo,
    K = cg * kH * kW,
    HW = H * W;
  out.fill(0, 0, N * C * HW);
  if (P === 0 || K === 0 || og === 0) return;
  const f = frameGeometry(cg, kH, kW, H, W, Ho, Wo, p);
  const { kOff, pOff, Hp, Wp } = f;
  const [padH, padW] = p.padding;
  const kBlocks = Math.ceil(K / 4),
    pBlocks = Math.ceil(P / 4);
  // Wᵀ per group: rows k, reduction over o
  const wtPanels = buffer('filters', G * kBlocks * og * 4);
  const wt = buffer('rows', K * og);
  for (let grp = 0; grp < G; grp++) {
    for (let c = 0, k = 0; c < cg; c++)
      for (let ky = 0; ky < kH; ky++)
        for (let kx = 0; kx < kW; kx++, k++) {
          for (let o = 0; o < og; o++) wt[k * og + o] = weight.data[weight.offset + (grp * og + o) * wo + c * wc + ky * wh + kx * ww]!;
        }
    packRows(wt, 0, og, 1, K, og, wtPanels, grp * kBlocks * og * 4);
  }
  const dyPanel = buffer('panel', pBlocks * og * 4);
  const dframe = buffer('frame', f.size);
  const G0 = gradOut.data;
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < G; grp++) {
      // dYᵀ (P, og) in 4-row panels over o
      dyPanel.fill(0, 0, pBlocks * og * 4);
      for (let o = 0; o < og; o++) {
        const src0 = gradOut.offset + n * gn + (grp * og + o) * gc;
        for (let oy = 0, q = 0; oy < Ho; oy++) {
          let src = src0 + oy * gh;
          for (let ox = 0; ox < Wo; ox++, q++, src += gw) dyPanel[(q >> 2) * og * 4 + o * 4 + (q & 3)] = G0[src]!;
        }
      }
      dframe.fill(0, 0, f.size);
      const wBase = grp * kBlocks * og * 4;
      for (let kb = 0; kb < kBlocks; kb++) {
        const rows = Math.min(4, K - kb * 4);
        for (let pb = 0; pb < pBlocks; pb++) {
          panelTile(wtPanels, wBase + kb * og * 4, dyPanel, pb * og * 4, og);
          const cols = Math.min(4, P - pb * 4);
          for (let r = 0; r < rows; r++) {
            const ko = kOff[kb * 4 + r]!;
            for (let c = 0; c < cols; c++) dframe[ko + pOff[pb * 4 + c]!]! += acc[r * 4 + c]!;
          }
        }
      }
      // the frame's interior is dx; the padding's gradient is dropped
      for (let c = 0; c < cg; c++) {
        const dst0 = (n * C + grp * cg + c) * HW;
        for (let y = 0; y < H; y++) {
          let src = c * Hp * Wp + (y + padH) * Wp + padW,
            dst = dst0 + y * W;
          for (let i = 0; i < W; i++) out[dst++] = dframe[src++]!;
        }
      }
    }
  }
}

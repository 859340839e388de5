// Pooling for the js backend: max pooling (with the argmax indices its backward routes through),
// average pooling with torch's divisor rules, and adaptive average pooling. Every kernel walks one
// (H, W) plane per (n, c); inputs may be strided views.
import type { AvgPool2dParams, MaxPool2dParams, View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';

export function maxPool2d(x: View, p: MaxPool2dParams, out: TypedArray, indices: Int32Array): void {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [sn, sc, sh, sw] = x.strides as [number, number, number, number];
  const [kH, kW] = p.kernelSize,
    [strideH, strideW] = p.stride,
    [padH, padW] = p.padding,
    [dilH, dilW] = p.dilation;
  const [Ho, Wo] = p.outputSize;
  const X = x.data;
  let o = 0;
  // the common LeNet/VGG case, 2×2 windows at stride 2 without padding, unrolled
  const twoByTwo = kH === 2 && kW === 2 && strideH === 2 && strideW === 2 && padH === 0 && padW === 0 && dilH === 1 && dilW === 1 && 2 * Ho <= H && 2 * Wo <= W;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = x.offset + n * sn + c * sc;
      if (twoByTwo) {
        for (let oy = 0; oy < Ho; oy++) {
          const iy = 2 * oy;
          for (let ox = 0; ox < Wo; ox++, o++) {
            const ix = 2 * ox,
              a = plane + iy * sh + ix * sw;
            let best = X[a]!,
              at = iy * W + ix;
            const v1 = X[a + sw]!,
              v2 = X[a + sh]!,
              v3 = X[a + sh + sw]!;
            if (v1 > best || Number.isNaN(v1)) {
              best = v1;
              at = iy * W + ix + 1;
            }
            if (v2 > best || Number.isNaN(v2)) {
              best = v2;
              at = (iy + 1) * W + ix;
            }
            if (v3 > best || Number.isNaN(v3)) {
              best = v3;
              at = (iy + 1) * W + ix + 1;
            }
            out[o] = best;
            indices[o] = at;
          }
        }
        continue;
      }
      for (let oy = 0; oy < Ho; oy++) {
        const y0 = oy * strideH - padH;
        for (let ox = 0; ox < Wo; ox++, o++) {
          const x0 = ox * strideW - padW;
          let best = -Infinity,
            at = -1;
          for (let ky = 0; ky < kH; ky++) {
            const iy = y0 + ky * dilH;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < kW; kx++) {
              const ix = x0 + kx * dilW;
              if (ix < 0 || ix >= W) continue;
              const v = X[plane + iy * sh + ix * sw]!;
              // the first maximum wins, a NaN always (the last one), as torch's kernel
              if (at < 0 || v > best || Number.isNaN(v)) {
                best = v;
                at = iy * W + ix;
              }
            }
          }
          out[o] = best;
          indices[o] = at;
        }
      }
    }
  }
}

export function maxPool2dBackward(gradOut: View, indices: View, inputShape: readonly number[], out: TypedArray): void {
  const [N, C, H, W] = inputShape as [number, number, number, number];
  const [, , Ho, Wo] = gradOut.shape as [number, number, number, number];
  const [gn, gc, gh, gw] = gradOut.strides as [number, number, number, number];
  const [inN, inC, inH, inW] = indices.strides as [number, number, number, number];
  const G = gradOut.data,
    I = indices.data,
    HW = H * W;
  out.fill(0, 0, N * C * HW);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * HW;
      const gBase = gradOut.offset + n * gn + c * gc,
        iBase = indices.offset + n * inN + c * inC;
      for (let oy = 0; oy < Ho; oy++) {
        for (let ox = 0; ox < Wo; ox++) {
          const at = I[iBase + oy * inH + ox * inW]!;
          if (at >= 0 && at < HW) out[base + at]! += G[gBase + oy * gh + ox * gw]!;
        }
      }
    }
  }
}

/** torch's window of output cell (oy, ox) along one axis: [start, end) clipped, and the unclipped-to-input size for countIncludePad. */
function avgWindow(o: number, stride: number, pad: number, kernel: number, size: number): [number, number, number] {
  let start = o * stride - pad;
  let end = Math.min(start + kernel, size + pad);
  const padded = end - start;
  start = Math.max(start, 0);
  end = Math.min(end, size);
  return [start, end, padded];
}

function avgDivisor(p: AvgPool2dParams, hs: number, he: number, hp: number, ws: number, we: number, wp: number): number {
  if (p.divisorOverride) return p.divisorOverride;
  return p.countIncludePad ? hp * wp : (he - hs) * (we - ws);
}

export function avgPool2d(x: View, p: AvgPool2dParams, out: TypedArray): void {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [sn, sc, sh, sw] = x.strides as [number, number, number, number];
  const [kH, kW] = p.kernelSize,
    [strideH, strideW] = p.stride,
    [padH, padW] = p.padding;
  const [Ho, Wo] = p.outputSize;
  const X = x.data;
  let o = 0;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = x.offset + n * sn + c * sc;
      for (let oy = 0; oy < Ho; oy++) {
        const [hs, he, hp] = avgWindow(oy, strideH, padH, kH, H);
        for (let ox = 0; ox < Wo; ox++, o++) {
          const [ws, we, wp] = avgWindow(ox, strideW, padW, kW, W);
          let s = 0;
          for (let iy = hs; iy < he; iy++) for (let ix = ws; ix < we; ix++) s += X[plane + iy * sh + ix * sw]!;
          out[o] = s / avgDivisor(p, hs, he, hp, ws, we, wp);
        }
      }
    }
  }
}

export function avgPool2dBackward(gradOut: View, inputShape: readonly number[], p: AvgPool2dParams, out: TypedArray): void {
  const [N, C, H, W] = inputShape as [number, number, number, number];
  const [gn, gc, gh, gw] = gradOut.strides as [number, number, number, number];
  const [kH, kW] = p.kernelSize,
    [strideH, strideW] = p.stride,
    [padH, padW] = p.padding;
  const [Ho, Wo] = p.outputSize;
  const G = gradOut.data,
    HW = H * W;
  out.fill(0, 0, N * C * HW);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * HW,
        gBase = gradOut.offset + n * gn + c * gc;
      for (let oy = 0; oy < Ho; oy++) {
        const [hs, he, hp] = avgWindow(oy, strideH, padH, kH, H);
        for (let ox = 0; ox < Wo; ox++) {
          const [ws, we, wp] = avgWindow(ox, strideW, padW, kW, W);
          const g = G[gBase + oy * gh + ox * gw]! / avgDivisor(p, hs, he, hp, ws, we, wp);
          for (let iy = hs; iy < he; iy++) for (let ix = ws; ix < we; ix++) out[base + iy * W + ix]! += g;
        }
      }
    }
  }
}

/** torch's adaptive window along one axis for output cell i of `outSize` over `inSize`. */
function adaptiveStart(i: number, outSize: number, inSize: number): number {
  return Math.floor((i * inSize) / outSize);
}
function adaptiveEnd(i: number, outSize: number, inSize: number): number {
  return Math.ceil(((i + 1) * inSize) / outSize);
}

export function adaptiveAvgPool2d(x: View, outputSize: readonly [number, number], out: TypedArray): void {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [sn, sc, sh, sw] = x.strides as [number, number, number, number];
  const [Ho, Wo] = outputSize;
  const X = x.data;
  let o = 0;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = x.offset + n * sn + c * sc;
      for (let oy = 0; oy < Ho; oy++) {
        const hs = adaptiveStart(oy, Ho, H),
          he = adaptiveEnd(oy, Ho, H);
        for (let ox = 0; ox < Wo; ox++, o++) {
          const ws = adaptiveStart(ox, Wo, W),
            we = adaptiveEnd(ox, Wo, W);
          let s = 0;
          for (let iy = hs; iy < he; iy++) for (let ix = ws; ix < we; ix++) s += X[plane + iy * sh + ix * sw]!;
          out[o] = s / ((he - hs) * (we - ws));
        }
      }
    }
  }
}

export function adaptiveAvgPool2dBackward(gradOut: View, inputShape: readonly number[], out: TypedArray): void {
  const [N, C, H, W] = inputShape as [number, number, number, number];
  const [, , Ho, Wo] = gradOut.shape as [number, number, number, number];
  const [gn, gc, gh, gw] = gradOut.strides as [number, number, number, number];
  const G = gradOut.data,
    HW = H * W;
  out.fill(0, 0, N * C * HW);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * HW,
        gBase = gradOut.offset + n * gn + c * gc;
      for (let oy = 0; oy < Ho; oy++) {
        const hs = adaptiveStart(oy, Ho, H),
          he = adaptiveEnd(oy, Ho, H);
        for (let ox = 0; ox < Wo; ox++) {
          const ws = adaptiveStart(ox, Wo, W),
            we = adaptiveEnd(ox, Wo, W);
          const g = G[gBase + oy * gh + ox * gw]! / ((he - hs) * (we - ws));
          for (let iy = hs; iy < he; iy++) for (let ix = ws; ix < we; ix++) out[base + iy * W + ix]! += g;
        }
      }
    }
  }
}

// Backend conformance for the CNN kernels (convolution, pooling, batch norm): every registered
// backend against the plain loops below, written from the definitions (not from the js kernels),
// over strides, padding, dilation, groups, odd sizes and strided input views. A backend other
// than js is also compared with js directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listBackends, setBackend, getBackend } from '../../src/backend/registry.js';
import type { Conv2dParams, Kernels, View } from '../../src/backend/kernels.js';
import { jsKernels } from '../../src/backend/js/index.js';
import { allocate, type DType, type TypedArray } from '../../src/tensor/dtype.js';
import { Generator } from '../../src/tensor/generator.js';
import { randomView as stridedView, type Layout } from './views.js';
import { contiguousStrides, numel } from '../../src/tensor/shape.js';

const gen = new Generator(11);
const rnd = () => gen.nextUint32() / 4294967296;

/** A random view of `shape` (test/backend/views.ts): contiguous, the last two axes of a parent swapped, or every other element of a larger parent. */
function randomView(shape: number[], dtype: DType, layout: Layout, fill: () => number = () => rnd() * 4 - 2): View {
  return stridedView(shape, dtype, layout, fill, 'swapLast');
}
/** The element at coordinates c of a view. */
function at(v: View, ...c: number[]): number {
  let o = v.offset;
  c.forEach((x, d) => {
    o += x * v.strides[d]!;
  });
  return v.data[o]!;
}
function assertClose(actual: TypedArray, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    if (Number.isNaN(e) ? !Number.isNaN(a) : !(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) {
      assert.fail(`${what}: element ${i} is ${a}, expected ${e}`);
    }
  }
}
const tolFor = (dtype: DType) => (dtype === 'float32' ? 2e-5 : 1e-11);

// ---- reference loops ----

function outSize(size: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;
}

function convRef(x: View, w: View, b: View | null, p: Conv2dParams): Float64Array {
  const [N, _C, H, W] = x.shape as number[] as [number, number, number, number];
  const [O, cg, kH, kW] = w.shape as number[] as [number, number, number, number];
  const Ho = outSize(H, kH, p.stride[0], p.padding[0], p.dilation[0]),
    Wo = outSize(W, kW, p.stride[1], p.padding[1], p.dilation[1]);
  const og = O / p.groups;
  const out = new Float64Array(N * O * Ho * Wo);
  let i = 0;
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++) {
          let s = b ? at(b, o) : 0;
          const g = Math.floor(o / og);
          for (let c = 0; c < cg; c++)
            for (let ky = 0; ky < kH; ky++)
              for (let kx = 0; kx < kW; kx++) {
                const iy = oy * p.stride[0] - p.padding[0] + ky * p.dilation[0],
                  ix = ox * p.stride[1] - p.padding[1] + kx * p.dilation[1];
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                s += at(x, n, g * cg + c, iy, ix) * at(w, o, c, ky, kx);
              }
          out[i++] = s;
        }
  return out;
}

function convBackwardInputRef(gy: View, w: View, inputShape: number[], p: Conv2dParams): Float64Array {
  const [N, C, H, W] = inputShape as [number, number, number, number];
  const [O, cg, kH, kW] = w.shape as number[] as [number, number, number, number];
  const [, , Ho, Wo] = gy.shape as number[] as [number, number, number, number];
  const og = O / p.groups;
  const dx = new Float64Array(N * C * H * W);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++) {
          const g = Math.floor(o / og),
            v = at(gy, n, o, oy, ox);
          for (let c = 0; c < cg; c++)
            for (let ky = 0; ky < kH; ky++)
              for (let kx = 0; kx < kW; kx++) {
                const iy = oy * p.stride[0] - p.padding[0] + ky * p.dilation[0],
                  ix = ox * p.stride[1] - p.padding[1] + kx * p.dilation[1];
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                dx[((n * C + g * cg + c) * H + iy) * W + ix] += v * at(w, o, c, ky, kx);
              }
        }
  return dx;
}

function convBackwardWeightRef(x: View, gy: View, weightShape: number[], p: Conv2dParams): Float64Array {
  const [N, , H, W] = x.shape as number[] as [number, number, number, number];
  const [O, cg, kH, kW] = weightShape as [number, number, number, number];
  const [, , Ho, Wo] = gy.shape as number[] as [number, number, number, number];
  const og = O / p.groups;
  const dw = new Float64Array(O * cg * kH * kW);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++) {
          const g = Math.floor(o / og),
            v = at(gy, n, o, oy, ox);
          for (let c = 0; c < cg; c++)
            for (let ky = 0; ky < kH; ky++)
              for (let kx = 0; kx < kW; kx++) {
                const iy = oy * p.stride[0] - p.padding[0] + ky * p.dilation[0],
                  ix = ox * p.stride[1] - p.padding[1] + kx * p.dilation[1];
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                dw[((o * cg + c) * kH + ky) * kW + kx] += v * at(x, n, g * cg + c, iy, ix);
              }
        }
  return dw;
}

type ConvCase = { x: number[]; w: number[]; p: Conv2dParams; bias: boolean; extra?: [number, number] };
const P = (s: [number, number], pad: [number, number], d: [number, number], groups: number): Conv2dParams => ({ stride: s, padding: pad, dilation: d, groups });
const CONV_CASES: ConvCase[] = [
  { x: [2, 3, 7, 6], w: [5, 3, 3, 3], p: P([1, 1], [0, 0], [1, 1], 1), bias: true },
  { x: [2, 3, 7, 6], w: [5, 3, 3, 3], p: P([1, 1], [1, 1], [1, 1], 1), bias: false },
  { x: [1, 4, 9, 8], w: [6, 2, 3, 2], p: P([2, 1], [1, 0], [1, 2], 2), bias: true }, // stride 2, dilation 2, groups 2
  { x: [2, 4, 10, 10], w: [4, 2, 3, 3], p: P([2, 2], [1, 1], [2, 2], 2), bias: true }, // the torch fixture's geometry
  { x: [3, 1, 12, 11], w: [6, 1, 5, 5], p: P([1, 1], [2, 2], [1, 1], 1), bias: true }, // LeNet conv1
  { x: [2, 6, 14, 14], w: [16, 6, 5, 5], p: P([1, 1], [0, 0], [1, 1], 1), bias: true }, // LeNet conv2
  { x: [1, 6, 5, 5], w: [6, 1, 3, 3], p: P([1, 1], [1, 1], [1, 1], 6), bias: true }, // depthwise
  { x: [2, 5, 4, 4], w: [7, 5, 1, 1], p: P([1, 1], [0, 0], [1, 1], 1), bias: true }, // 1×1
  { x: [1, 3, 11, 9], w: [4, 3, 7, 7], p: P([2, 2], [3, 3], [1, 1], 1), bias: true }, // ResNet stem-like
  { x: [1, 2, 5, 5], w: [3, 2, 3, 3], p: P([1, 1], [3, 2], [1, 1], 1), bias: false }, // padding past the taps' reach
  { x: [1, 2, 6, 5], w: [3, 2, 2, 3], p: P([3, 2], [0, 1], [1, 1], 1), bias: false }, // stride larger than kernel: rows never read
  { x: [1, 1, 1, 9], w: [2, 1, 1, 4], p: P([1, 2], [0, 1], [1, 1], 1), bias: true }, // conv1d as conv2d
];

// ---- pooling references ----
function maxPoolRef(
  x: View,
  k: [number, number],
  s: [number, number],
  pad: [number, number],
  d: [number, number],
  outHW: [number, number],
): [Float64Array, Int32Array] {
  const [N, C, H, W] = x.shape as number[] as [number, number, number, number];
  const [Ho, Wo] = outHW;
  const out = new Float64Array(N * C * Ho * Wo),
    idx = new Int32Array(out.length);
  let i = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++, i++) {
          let best = -Infinity,
            where = -1;
          for (let ky = 0; ky < k[0]; ky++)
            for (let kx = 0; kx < k[1]; kx++) {
              const iy = oy * s[0] - pad[0] + ky * d[0],
                ix = ox * s[1] - pad[1] + kx * d[1];
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              const v = at(x, n, c, iy, ix);
              if (where < 0 || v > best || Number.isNaN(v)) {
                best = v;
                where = iy * W + ix;
              }
            }
          out[i] = best;
          idx[i] = where;
        }
  return [out, idx];
}

function avgPoolRef(
  x: View,
  k: [number, number],
  s: [number, number],
  pad: [number, number],
  outHW: [number, number],
  countIncludePad: boolean,
  divisorOverride: number,
): Float64Array {
  const [N, C, H, W] = x.shape as number[] as [number, number, number, number];
  const [Ho, Wo] = outHW;
  const out = new Float64Array(N * C * Ho * Wo);
  let i = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++, i++) {
          // torch: the window, clipped at input + padding for the padded count, then at the input
          const y0 = oy * s[0] - pad[0],
            x0 = ox * s[1] - pad[1];
          const y1 = Math.min(y0 + k[0], H + pad[0]),
            x1 = Math.min(x0 + k[1], W + pad[1]);
          const padded = (y1 - y0) * (x1 - x0);
          let sum = 0,
            count = 0;
          for (let iy = Math.max(y0, 0); iy < Math.min(y1, H); iy++)
            for (let ix = Math.max(x0, 0); ix < Math.min(x1, W); ix++) {
              sum += at(x, n, c, iy, ix);
              count++;
            }
          out[i] = sum / (divisorOverride || (countIncludePad ? padded : count));
        }
  return out;
}

function adaptiveRef(x: View, outHW: [number, number]): Float64Array {
  const [N, C, H, W] = x.shape as number[] as [number, number, number, number];
  const [Ho, Wo] = outHW;
  const out = new Float64Array(N * C * Ho * Wo);
  let i = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++, i++) {
          const y0 = Math.floor((oy * H) / Ho),
            y1 = Math.ceil(((oy + 1) * H) / Ho);
          const x0 = Math.floor((ox * W) / Wo),
            x1 = Math.ceil(((ox + 1) * W) / Wo);
          let s = 0;
          for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) s += at(x, n, c, iy, ix);
          out[i] = s / ((y1 - y0) * (x1 - x0));
        }
  return out;
}

/** The input gradient of any linear map f, as the transpose applied to gy by brute force: dx[j] = Σ_i gy[i]·f(e_j)[i]. */
function linearBackwardRef(f: (x: View) => ArrayLike<number>, inputShape: number[], gy: View, dtype: DType): Float64Array {
  const n = numel(inputShape);
  const dx = new Float64Array(n);
  const gyFlat = Float64Array.from({ length: numel(gy.shape) }, (_, i) => {
    const c: number[] = [];
    let r = i;
    for (let d = gy.shape.length - 1; d >= 0; d--) {
      c[d] = r % gy.shape[d]!;
      r = Math.floor(r / gy.shape[d]!);
    }
    return at(gy, ...c);
  });
  for (let j = 0; j < n; j++) {
    const e = allocate(dtype, n);
    e[j] = 1;
    const y = f({ data: e, dtype, offset: 0, shape: inputShape, strides: contiguousStrides(inputShape) });
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i]! * gyFlat[i]!;
    dx[j] = s;
  }
  return dx;
}

for (const name of listBackends()) {
  const k = (): Kernels => getBackend().kernels;
  const withBackend = (fn: () => void) => () => {
    const prev = getBackend().name;
    setBackend(name);
    try {
      fn();
    } finally {
      setBackend(prev);
    }
  };

  test(
    `[${name}] conv2d forward, input gradient and filter gradient: stride, padding, dilation, groups, layouts`,
    withBackend(() => {
      for (const dtype of ['float64', 'float32'] as const) {
        for (const c of CONV_CASES)
          for (const layout of ['contiguous', 'permuted', 'sliced'] as const) {
            const what = `${dtype} x${c.x} w${c.w} ${JSON.stringify(c.p)} ${layout}`;
            const x = randomView(c.x, dtype, layout),
              w = randomView(c.w, dtype, layout === 'permuted' ? 'sliced' : layout);
            const b = c.bias ? randomView([c.w[0]!], dtype, layout === 'sliced' ? 'sliced' : 'contiguous') : null;
            const y = convRef(x, w, b, c.p);
            const out = allocate(dtype, y.length);
            k().conv2d(x, w, b, c.p, out);
            assertClose(out, y, tolFor(dtype), `conv2d ${what}`);
            const outShape = [
              c.x[0]!,
              c.w[0]!,
              outSize(c.x[2]!, c.w[2]!, c.p.stride[0], c.p.padding[0], c.p.dilation[0]),
              outSize(c.x[3]!, c.w[3]!, c.p.stride[1], c.p.padding[1], c.p.dilation[1]),
            ];
            const gy = randomView(outShape, dtype, layout);
            const dx = allocate(dtype, numel(c.x));
            k().conv2dBackwardInput(gy, w, c.x, c.p, dx);
            assertClose(dx, convBackwardInputRef(gy, w, c.x, c.p), tolFor(dtype), `conv2dBackwardInput ${what}`);
            const dw = allocate(dtype, numel(c.w));
            k().conv2dBackwardWeight(x, gy, c.w, c.p, dw);
            assertClose(dw, convBackwardWeightRef(x, gy, c.w, c.p), tolFor(dtype), `conv2dBackwardWeight ${what}`);
          }
      }
    }),
  );

  test(
    `[${name}] conv2dBackwardInput writes an input taller than the output implies (conv-transpose output padding)`,
    withBackend(() => {
      for (const [stride, pad] of [
        [2, 1],
        [1, 0],
        [3, 2],
      ] as const) {
        const p = P([stride, stride], [pad, pad], [1, 1], 1);
        const gy = randomView([1, 3, 4, 4], 'float64', 'contiguous'),
          w = randomView([3, 2, 3, 3], 'float64', 'contiguous');
        const H = (4 - 1) * stride - 2 * pad + 3 + (stride - 1); // the largest H whose conv output is still 4
        const dx = new Float64Array(2 * H * H);
        k().conv2dBackwardInput(gy, w, [1, 2, H, H], p, dx);
        assertClose(dx, convBackwardInputRef(gy, w, [1, 2, H, H], p), 1e-12, `stride ${stride} pad ${pad} H ${H}`);
      }
    }),
  );

  test(
    `[${name}] conv2d gradients are the transposes of the forward (brute force)`,
    withBackend(() => {
      const p = P([2, 1], [1, 2], [2, 1], 1);
      const xShape = [1, 2, 5, 4],
        w = randomView([3, 2, 2, 3], 'float64', 'contiguous');
      const fwd = (x: View) => {
        const o = new Float64Array(1 * 3 * 3 * 6);
        k().conv2d(x, w, null, p, o);
        return o;
      };
      const gy = randomView([1, 3, 3, 6], 'float64', 'contiguous');
      const dx = new Float64Array(numel(xShape));
      k().conv2dBackwardInput(gy, w, xShape, p, dx);
      assertClose(dx, linearBackwardRef(fwd, xShape, gy, 'float64'), 1e-12, 'dx vs transpose');
    }),
  );

  test(
    `[${name}] maxPool2d and its backward: kernel, stride, padding, dilation, NaN, ties, layouts`,
    withBackend(() => {
      const cases: { x: number[]; k: [number, number]; s: [number, number]; pad: [number, number]; d: [number, number]; out: [number, number] }[] = [
        { x: [2, 3, 8, 8], k: [2, 2], s: [2, 2], pad: [0, 0], d: [1, 1], out: [4, 4] },
        { x: [1, 2, 7, 9], k: [2, 2], s: [2, 2], pad: [0, 0], d: [1, 1], out: [3, 4] }, // odd sizes: last row/col dropped
        { x: [1, 2, 7, 9], k: [2, 2], s: [2, 2], pad: [0, 0], d: [1, 1], out: [4, 5] }, // ceil mode
        { x: [2, 2, 9, 7], k: [3, 3], s: [2, 2], pad: [1, 1], d: [1, 1], out: [5, 4] }, // ResNet's
        { x: [1, 3, 10, 10], k: [3, 2], s: [1, 2], pad: [1, 0], d: [2, 1], out: [8, 5] }, // dilation
        { x: [1, 1, 5, 5], k: [3, 3], s: [1, 1], pad: [1, 1], d: [1, 1], out: [5, 5] }, // overlapping windows
      ];
      for (const dtype of ['float64', 'float32'] as const)
        for (const c of cases)
          for (const layout of ['contiguous', 'permuted', 'sliced'] as const) {
            // a few repeated values make ties; a NaN tests propagation
            const x = randomView(c.x, dtype, layout, () => Math.round(rnd() * 8) / 2);
            x.data[x.offset + x.strides[3]! * 1] = NaN;
            const [ref, refIdx] = maxPoolRef(x, c.k, c.s, c.pad, c.d, c.out);
            const out = allocate(dtype, ref.length),
              idx = new Int32Array(ref.length);
            k().maxPool2d(x, { kernelSize: c.k, stride: c.s, padding: c.pad, dilation: c.d, outputSize: c.out }, out, idx);
            const what = `maxPool2d ${dtype} ${JSON.stringify(c)} ${layout}`;
            assertClose(out, ref, 0, what);
            assert.deepEqual([...idx], [...refIdx], `${what}: indices`);
            const outShape = [c.x[0]!, c.x[1]!, ...c.out];
            const gy = randomView(outShape, dtype, layout);
            const dx = allocate(dtype, numel(c.x));
            k().maxPool2dBackward(gy, { data: idx, dtype: 'int32', offset: 0, shape: outShape, strides: contiguousStrides(outShape) }, c.x, dx);
            const expected = new Float64Array(numel(c.x));
            const HW = c.x[2]! * c.x[3]!;
            let i = 0;
            for (let n = 0; n < c.x[0]!; n++)
              for (let ch = 0; ch < c.x[1]!; ch++)
                for (let oy = 0; oy < c.out[0]; oy++)
                  for (let ox = 0; ox < c.out[1]; ox++, i++) {
                    expected[(n * c.x[1]! + ch) * HW + refIdx[i]!] += at(gy, n, ch, oy, ox);
                  }
            assertClose(dx, expected, tolFor(dtype), `${what}: backward`);
          }
    }),
  );

  test(
    `[${name}] avgPool2d and its backward: padding, countIncludePad, ceil mode, divisorOverride`,
    withBackend(() => {
      const cases: { x: number[]; k: [number, number]; s: [number, number]; pad: [number, number]; out: [number, number]; cip: boolean; div: number }[] = [
        { x: [2, 3, 8, 8], k: [2, 2], s: [2, 2], pad: [0, 0], out: [4, 4], cip: true, div: 0 },
        { x: [1, 2, 7, 9], k: [3, 3], s: [2, 2], pad: [1, 1], out: [4, 5], cip: true, div: 0 },
        { x: [1, 2, 7, 9], k: [3, 3], s: [2, 2], pad: [1, 1], out: [4, 5], cip: false, div: 0 },
        { x: [1, 2, 7, 9], k: [2, 2], s: [2, 2], pad: [0, 0], out: [4, 5], cip: true, div: 0 }, // ceil mode: clipped last window
        { x: [1, 2, 6, 6], k: [3, 2], s: [1, 2], pad: [1, 1], out: [6, 4], cip: true, div: 5 },
      ];
      for (const dtype of ['float64', 'float32'] as const)
        for (const c of cases)
          for (const layout of ['contiguous', 'sliced'] as const) {
            const x = randomView(c.x, dtype, layout);
            const p = { kernelSize: c.k, stride: c.s, padding: c.pad, outputSize: c.out, countIncludePad: c.cip, divisorOverride: c.div };
            const ref = avgPoolRef(x, c.k, c.s, c.pad, c.out, c.cip, c.div);
            const out = allocate(dtype, ref.length);
            k().avgPool2d(x, p, out);
            const what = `avgPool2d ${dtype} ${JSON.stringify(c)} ${layout}`;
            assertClose(out, ref, tolFor(dtype), what);
            const outShape = [c.x[0]!, c.x[1]!, ...c.out];
            const gy = randomView(outShape, dtype, layout);
            const dx = allocate(dtype, numel(c.x));
            k().avgPool2dBackward(gy, c.x, p, dx);
            const fwd = (v: View) => {
              const o = new Float64Array(ref.length);
              k().avgPool2d(v, p, o);
              return o;
            };
            assertClose(dx, linearBackwardRef(fwd, c.x, gy, 'float64'), tolFor(dtype), `${what}: backward`);
          }
    }),
  );

  test(
    `[${name}] adaptiveAvgPool2d and its backward: divisible, uneven and global`,
    withBackend(() => {
      const cases: { x: number[]; out: [number, number] }[] = [
        { x: [2, 3, 8, 8], out: [4, 4] },
        { x: [1, 2, 7, 5], out: [3, 2] },
        { x: [2, 4, 7, 7], out: [1, 1] },
        { x: [1, 2, 3, 3], out: [5, 4] },
      ];
      for (const dtype of ['float64', 'float32'] as const)
        for (const c of cases)
          for (const layout of ['contiguous', 'permuted'] as const) {
            const x = randomView(c.x, dtype, layout);
            const ref = adaptiveRef(x, c.out);
            const out = allocate(dtype, ref.length);
            k().adaptiveAvgPool2d(x, c.out, out);
            const what = `adaptiveAvgPool2d ${dtype} ${JSON.stringify(c)} ${layout}`;
            assertClose(out, ref, tolFor(dtype), what);
            const outShape = [c.x[0]!, c.x[1]!, ...c.out];
            const gy = randomView(outShape, dtype, layout);
            const dx = allocate(dtype, numel(c.x));
            k().adaptiveAvgPool2dBackward(gy, c.x, dx);
            const fwd = (v: View) => {
              const o = new Float64Array(ref.length);
              k().adaptiveAvgPool2d(v, c.out, o);
              return o;
            };
            assertClose(dx, linearBackwardRef(fwd, c.x, gy, 'float64'), tolFor(dtype), `${what}: backward`);
          }
    }),
  );

  test(
    `[${name}] batchNorm forward (training and eval, running statistics) and backward`,
    withBackend(() => {
      for (const dtype of ['float64', 'float32'] as const)
        for (const shape of [
          [4, 3, 5],
          [7, 2, 1],
          [2, 5, 9],
        ])
          for (const layout of ['contiguous', 'sliced'] as const)
            for (const affine of [true, false]) {
              const [N, C, S] = shape as [number, number, number];
              const M = N * S;
              const x = randomView(shape, dtype, layout, () => rnd() * 6 + 3); // offset values: precision of the variance
              const w = affine ? randomView([C], dtype, layout) : null,
                b = affine ? randomView([C], dtype, layout) : null;
              const rm = allocate(dtype, C).map(() => rnd()),
                rv = allocate(dtype, C).map(() => rnd() + 0.5);
              const rm0 = Float64Array.from(rm),
                rv0 = Float64Array.from(rv);
              const eps = 1e-5,
                momentum = 0.1;
              const out = allocate(dtype, N * C * S),
                mean = allocate(dtype, C),
                invStd = allocate(dtype, C);
              k().batchNorm(x, w, b, rm, rv, { training: true, momentum, eps }, out, mean, invStd);
              const expOut = new Float64Array(N * C * S),
                expMean = new Float64Array(C),
                expInv = new Float64Array(C);
              for (let c = 0; c < C; c++) {
                let s = 0;
                for (let n = 0; n < N; n++) for (let j = 0; j < S; j++) s += at(x, n, c, j);
                const m = s / M;
                let q = 0;
                for (let n = 0; n < N; n++) for (let j = 0; j < S; j++) q += (at(x, n, c, j) - m) ** 2;
                expMean[c] = m;
                expInv[c] = 1 / Math.sqrt(q / M + eps);
                for (let n = 0; n < N; n++)
                  for (let j = 0; j < S; j++) expOut[(n * C + c) * S + j] = (at(x, n, c, j) - m) * expInv[c]! * (w ? at(w, c) : 1) + (b ? at(b, c) : 0);
                assert.ok(Math.abs(rm[c]! - (0.9 * rm0[c]! + 0.1 * m)) < tolFor(dtype), 'running mean');
                assert.ok(Math.abs(rv[c]! - (0.9 * rv0[c]! + 0.1 * (M > 1 ? q / (M - 1) : q / M))) < tolFor(dtype) * 10, 'running var (unbiased)');
              }
              const what = `batchNorm ${dtype} ${shape} ${layout} affine=${affine}`;
              assertClose(out, expOut, tolFor(dtype) * 10, what);
              assertClose(mean, expMean, tolFor(dtype), `${what}: mean`);
              assertClose(invStd, expInv, tolFor(dtype) * 10, `${what}: invStd`);
              // backward in training: numerical transpose through the normalization with the statistics recomputed
              const gy = randomView(shape, dtype, layout);
              const dx = allocate(dtype, N * C * S),
                dw = allocate(dtype, C),
                db = allocate(dtype, C);
              k().batchNormBackward(gy, x, w, mean, invStd, true, dx, affine ? dw : null, affine ? db : null);
              const expDx = new Float64Array(N * C * S);
              for (let c = 0; c < C; c++) {
                let sg = 0,
                  sgx = 0;
                for (let n = 0; n < N; n++)
                  for (let j = 0; j < S; j++) {
                    const g = at(gy, n, c, j);
                    sg += g;
                    sgx += g * (at(x, n, c, j) - expMean[c]!) * expInv[c]!;
                  }
                if (affine) {
                  assert.ok(Math.abs(db[c]! - sg) < tolFor(dtype) * 10 * Math.max(1, Math.abs(sg)), 'gradBias');
                  assert.ok(Math.abs(dw[c]! - sgx) < tolFor(dtype) * 10 * Math.max(1, Math.abs(sgx)), 'gradWeight');
                }
                for (let n = 0; n < N; n++)
                  for (let j = 0; j < S; j++) {
                    const xh = (at(x, n, c, j) - expMean[c]!) * expInv[c]!;
                    expDx[(n * C + c) * S + j] = (((w ? at(w, c) : 1) * expInv[c]!) / M) * (M * at(gy, n, c, j) - sg - xh * sgx);
                  }
              }
              assertClose(dx, expDx, tolFor(dtype) * 50, `${what}: backward`);
              // eval: running statistics, gradient g·w·invStd
              const out2 = allocate(dtype, N * C * S);
              k().batchNorm(x, w, b, rm, rv, { training: false, momentum, eps }, out2, mean, invStd);
              const exp2 = new Float64Array(N * C * S);
              for (let c = 0; c < C; c++)
                for (let n = 0; n < N; n++)
                  for (let j = 0; j < S; j++) {
                    exp2[(n * C + c) * S + j] = ((at(x, n, c, j) - rm[c]!) / Math.sqrt(rv[c]! + eps)) * (w ? at(w, c) : 1) + (b ? at(b, c) : 0);
                  }
              assertClose(out2, exp2, tolFor(dtype) * 10, `${what}: eval`);
              const dx2 = allocate(dtype, N * C * S);
              k().batchNormBackward(gy, x, w, mean, invStd, false, dx2, null, null);
              const expDx2 = new Float64Array(N * C * S);
              for (let c = 0; c < C; c++)
                for (let n = 0; n < N; n++)
                  for (let j = 0; j < S; j++) expDx2[(n * C + c) * S + j] = (at(gy, n, c, j) * (w ? at(w, c) : 1)) / Math.sqrt(rv[c]! + eps);
              assertClose(dx2, expDx2, tolFor(dtype) * 10, `${what}: eval backward`);
            }
    }),
  );

  if (name !== 'js') {
    test(
      `[${name}] CNN kernels agree with js on a ResNet-style layer`,
      withBackend(() => {
        const p = P([1, 1], [1, 1], [1, 1], 1);
        const x = randomView([2, 16, 14, 14], 'float32', 'contiguous'),
          w = randomView([32, 16, 3, 3], 'float32', 'contiguous');
        const a = new Float32Array(2 * 32 * 14 * 14),
          b = new Float32Array(a.length);
        k().conv2d(x, w, null, p, a);
        jsKernels.conv2d(x, w, null, p, b);
        assertClose(a, b, 1e-5, 'conv2d vs js');
      }),
    );

    // A sample whose K × P columns exceed a backend's cache budget (native: 512 KiB) may be run in
    // bands of output rows, each a conv with the padding shifted: forward, input and filter
    // gradients, unit and non-unit stride, float32 and float64, against js.
    test(
      `[${name}] convolutions over large samples (banded) agree with js`,
      withBackend(() => {
        const cases: { x: number[]; w: number[]; p: Conv2dParams }[] = [
          { x: [2, 16, 33, 31], w: [8, 16, 3, 3], p: P([1, 1], [1, 1], [1, 1], 1) }, // K·P = 144 × 1,023
          { x: [1, 16, 65, 63], w: [8, 16, 3, 3], p: P([2, 2], [1, 1], [1, 1], 1) }, // stride 2: 144 × 33 × 32
        ];
        for (const dtype of ['float32', 'float64'] as const) {
          for (const c of cases) {
            const [N, C, H, W] = c.x as [number, number, number, number];
            const [O, , kH, kW] = c.w as [number, number, number, number];
            const Ho = Math.floor((H + 2 * c.p.padding[0] - kH) / c.p.stride[0]) + 1,
              Wo = Math.floor((W + 2 * c.p.padding[1] - kW) / c.p.stride[1]) + 1;
            const x = randomView(c.x, dtype, 'contiguous'),
              w = randomView(c.w, dtype, 'contiguous'),
              gy = randomView([N, O, Ho, Wo], dtype, 'contiguous');
            const what = `${dtype} x ${c.x} stride ${c.p.stride[0]}`;
            const both = (run: (kk: Kernels, out: TypedArray) => void, n: number, label: string, tol = tolFor(dtype)) => {
              const got = allocate(dtype, n),
                want = allocate(dtype, n);
              run(k(), got);
              run(jsKernels, want);
              assertClose(got, want, tol, `${label} ${what}`);
            };
            both((kk, out) => kk.conv2d(x, w, null, c.p, out), N * O * Ho * Wo, 'conv2d');
            both((kk, out) => kk.conv2dBackwardInput(gy, w, c.x, c.p, out), N * C * H * W, 'conv2dBackwardInput');
            // each filter-gradient entry sums N·Ho·Wo ≈ 2,000 products: float32 accumulation (js sums in double)
            both((kk, out) => kk.conv2dBackwardWeight(x, gy, c.w, c.p, out), numel(c.w), 'conv2dBackwardWeight', tolFor(dtype) * 10);
          }
        }
      }),
    );
  }
}

// The transformer kernels (layer/RMS norm, embedding, GELU backward, attention) on the native addon
// (native/src/transformer.cc). Row kernels take their arrays and sizes as arguments; the kernels
// with strided views write them into one small Float64Array (`geom`: ndim, offset, shape...,
// strides... per view, in the order native/src/transformer_addon.cc reads them). The addon returns
// false for a dtype it has no loop for, and an addon built before these kernels existed has none of
// them: both run the js kernel, as do calls below NATIVE_THRESHOLDS (N-API overhead dominates).
import type { Kernels, View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { NATIVE_THRESHOLDS as T } from './thresholds.js';

type Arr = TypedArray;
/** The addon's transformer functions (all return false for an unsupported dtype). */
export interface NativeTransformerAddon {
  layerNorm(x: Arr, w: Arr | null, b: Arr | null, out: Arr, mean: Arr, rstd: Arr, rows: number, cols: number, eps: number): boolean;
  layerNormBackward(dy: Arr, x: Arr, w: Arr | null, mean: Arr, rstd: Arr, dx: Arr, dw: Arr | null, db: Arr | null, rows: number, cols: number): boolean;
  rmsNorm(x: Arr, w: Arr | null, out: Arr, rstd: Arr, rows: number, cols: number, eps: number): boolean;
  rmsNormBackward(dy: Arr, x: Arr, w: Arr | null, rstd: Arr, dx: Arr, dw: Arr | null, rows: number, cols: number): boolean;
  /** Throws a RangeError naming the first out-of-range id. */
  embedding(weight: Arr, ids: Arr, out: Arr, rows: number, cols: number, geom: Float64Array): boolean;
  embeddingBackward(dy: Arr, ids: Arr, dweight: Arr, rows: number, cols: number, paddingIdx: number, geom: Float64Array): boolean;
  geluBackward(x: Arr, dy: Arr, out: Arr, tanh: boolean, geom: Float64Array): boolean;
  attention(q: Arr, k: Arr, v: Arr, mask: Arr | null, out: Arr, probs: Arr, causal: boolean, scale: number, geom: Float64Array): boolean;
  attentionBackward(q: Arr, k: Arr, v: Arr, probs: Arr, dOut: Arr, dq: Arr, dk: Arr, dv: Arr, scale: number, geom: Float64Array): boolean;
}

/** Builds the view buffer: per view ndim, offset, shape..., strides... */
class Geom {
  private buf = new Float64Array(64);
  private n = 0;
  reset(): this {
    this.n = 0;
    return this;
  }
  view(v: View): this {
    const nd = v.shape.length;
    if (this.n + 2 + 2 * nd > this.buf.length) {
      const bigger = new Float64Array(Math.max(this.buf.length * 2, this.n + 2 + 2 * nd));
      bigger.set(this.buf.subarray(0, this.n));
      this.buf = bigger;
    }
    const b = this.buf;
    b[this.n++] = nd;
    b[this.n++] = v.offset;
    for (let d = 0; d < nd; d++) b[this.n++] = v.shape[d]!;
    for (let d = 0; d < nd; d++) b[this.n++] = v.strides[d]!;
    return this;
  }
  get buffer(): Float64Array {
    return this.buf;
  }
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** The addon's transformer kernels over the js ones, or {} when the addon has none. */
export function createNativeTransformerKernels(addon: object, js: Kernels): Partial<Kernels> {
  const a = addon as Partial<NativeTransformerAddon>;
  if (typeof a.layerNorm !== 'function' || typeof a.attentionBackward !== 'function') return {};
  const n = a as NativeTransformerAddon;
  const g = new Geom();
  return {
    layerNorm(x, rows, cols, weight, bias, eps, out, mean, rstd): void {
      if (rows * cols < T.norm || !n.layerNorm(x, weight, bias, out, mean, rstd, rows, cols, eps))
        js.layerNorm(x, rows, cols, weight, bias, eps, out, mean, rstd);
    },
    layerNormBackward(dy, x, rows, cols, weight, mean, rstd, dx, dweight, dbias): void {
      if (rows * cols < T.norm || !n.layerNormBackward(dy, x, weight, mean, rstd, dx, dweight, dbias, rows, cols)) {
        js.layerNormBackward(dy, x, rows, cols, weight, mean, rstd, dx, dweight, dbias);
      }
    },
    rmsNorm(x, rows, cols, weight, eps, out, rstd): void {
      if (rows * cols < T.norm || !n.rmsNorm(x, weight, out, rstd, rows, cols, eps)) js.rmsNorm(x, rows, cols, weight, eps, out, rstd);
    },
    rmsNormBackward(dy, x, rows, cols, weight, rstd, dx, dweight): void {
      if (rows * cols < T.norm || !n.rmsNormBackward(dy, x, weight, rstd, dx, dweight, rows, cols))
        js.rmsNormBackward(dy, x, rows, cols, weight, rstd, dx, dweight);
    },
    embedding(weight, rows, cols, ids, out): void {
      if (numel(ids.shape) * cols < T.gather || !n.embedding(weight, ids.data, out, rows, cols, g.reset().view(ids).buffer))
        js.embedding(weight, rows, cols, ids, out);
    },
    embeddingBackward(dy, ids, rows, cols, paddingIdx, dweight): void {
      if (numel(ids.shape) * cols < T.gather || !n.embeddingBackward(dy, ids.data, dweight, rows, cols, paddingIdx, g.reset().view(ids).buffer)) {
        js.embeddingBackward(dy, ids, rows, cols, paddingIdx, dweight);
      }
    },
    geluBackward(x, dy, p, out): void {
      if (numel(x.shape) < T.elementwiseCostly || !n.geluBackward(x.data, dy.data, out, p.approximate === 'tanh', g.reset().view(x).view(dy).buffer)) {
        js.geluBackward(x, dy, p, out);
      }
    },
    attention(q, k, v, mask, causal, scale, out, probs): void {
      const work = numel(q.shape) * k.shape[2]!;
      if (work < T.attention) {
        js.attention(q, k, v, mask, causal, scale, out, probs);
        return;
      }
      g.reset().view(q).view(k).view(v);
      if (mask) g.view(mask);
      if (!n.attention(q.data, k.data, v.data, mask ? mask.data : null, out, probs, causal, scale, g.buffer))
        js.attention(q, k, v, mask, causal, scale, out, probs);
    },
    attentionBackward(q, k, v, probs, dOut, scale, dq, dk, dv): void {
      const work = numel(q.shape) * k.shape[2]!;
      if (
        work < T.attention ||
        !n.attentionBackward(q.data, k.data, v.data, probs, dOut.data, dq, dk, dv, scale, g.reset().view(q).view(k).view(v).view(dOut).buffer)
      ) {
        js.attentionBackward(q, k, v, probs, dOut, scale, dq, dk, dv);
      }
    },
  };
}

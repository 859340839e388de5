// Reductions over any set of axes: the kept axes are walked row by row, the reduced region through
// a precomputed list of relative offsets.
import type { ReduceOp, View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { forEachRow, relativeOffsets } from './strided.js';

export function reduce(op: ReduceOp, x: View, axes: readonly number[], out: TypedArray): void {
  const keptShape: number[] = [],
    keptStrides: number[] = [];
  const redShape: number[] = [],
    redStrides: number[] = [];
  for (let d = 0; d < x.shape.length; d++) {
    if (axes.includes(d)) {
      redShape.push(x.shape[d]!);
      redStrides.push(x.strides[d]!);
    } else {
      keptShape.push(x.shape[d]!);
      keptStrides.push(x.strides[d]!);
    }
  }
  const rel = relativeOffsets(redShape, redStrides);
  const m = rel.length;
  const src = x.data;
  let io = 0;
  const reduceAt = (base: number): number => {
    switch (op) {
      case 'sum': {
        let s = 0;
        for (let k = 0; k < m; k++) s += src[base + rel[k]!]!;
        return s;
      }
      case 'prod': {
        let s = 1;
        for (let k = 0; k < m; k++) s *= src[base + rel[k]!]!;
        return s;
      }
      case 'max': {
        let s = -Infinity;
        for (let k = 0; k < m; k++) {
          const v = src[base + rel[k]!]!;
          if (v > s || v !== v) {
            s = v;
            if (v !== v) break;
          }
        }
        return s;
      }
      case 'min': {
        let s = Infinity;
        for (let k = 0; k < m; k++) {
          const v = src[base + rel[k]!]!;
          if (v < s || v !== v) {
            s = v;
            if (v !== v) break;
          }
        }
        return s;
      }
      case 'argmax': {
        let best = -Infinity,
          bi = 0;
        for (let k = 0; k < m; k++) {
          const v = src[base + rel[k]!]!;
          if (v > best || (v !== v && best === best)) {
            best = v;
            bi = k;
            if (v !== v) break;
          }
        }
        return bi;
      }
      case 'argmin': {
        let best = Infinity,
          bi = 0;
        for (let k = 0; k < m; k++) {
          const v = src[base + rel[k]!]!;
          if (v < best || (v !== v && best === best)) {
            best = v;
            bi = k;
            if (v !== v) break;
          }
        }
        return bi;
      }
    }
  };
  forEachRow(keptShape, [{ offset: x.offset, strides: keptStrides }], (offs, n) => {
    const s = keptStrides.length ? keptStrides[keptStrides.length - 1]! : 0;
    let base = offs[0]!;
    for (let j = 0; j < n; j++, base += s) out[io++] = reduceAt(base);
  });
}

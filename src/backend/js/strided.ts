// Walking strided views: the helpers every js kernel shares.
import type { View } from '../kernels.js';

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function isContiguousView(v: View): boolean {
  let expected = 1;
  for (let d = v.shape.length - 1; d >= 0; d--) {
    if (v.shape[d] !== 1 && v.strides[d] !== expected) return false;
    expected *= v.shape[d]!;
  }
  return true;
}

/**
 * Calls `row(offsets, n)` once per row of the last axis, in row-major order, where offsets[k] is
 * the start of the row in views[k] and n the row length. Rows are walked with a counter over the
 * leading axes, so a view of any strides costs one call per row, not per element.
 */
export function forEachRow(
  shape: readonly number[],
  views: readonly { offset: number; strides: readonly number[] }[],
  row: (offsets: number[], n: number) => void,
): void {
  const nd = shape.length;
  const total = numel(shape);
  if (total === 0) return;
  const offsets = views.map((v) => v.offset);
  if (nd === 0) {
    row(offsets, 1);
    return;
  }
  const n = shape[nd - 1]!;
  const rows = total / n;
  const counter = new Array<number>(nd - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    row(offsets, n);
    // advance the counter over the leading axes, updating every view's row start
    for (let d = nd - 2; d >= 0; d--) {
      counter[d]!++;
      for (let k = 0; k < views.length; k++) offsets[k]! += views[k]!.strides[d]!;
      if (counter[d]! < shape[d]!) break;
      for (let k = 0; k < views.length; k++) offsets[k]! -= views[k]!.strides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}

/** The element offsets (relative to the view's start) of a shape/strides region, in row-major order. */
export function relativeOffsets(shape: readonly number[], strides: readonly number[]): Int32Array | Float64Array {
  const total = numel(shape);
  const out = total < 2 ** 31 ? new Int32Array(total) : new Float64Array(total);
  let i = 0;
  forEachRow(shape, [{ offset: 0, strides }], (offs, n) => {
    const s = shape.length ? strides[shape.length - 1]! : 0;
    let o = offs[0]!;
    for (let j = 0; j < n; j++, o += s) out[i++] = o;
  });
  return out;
}

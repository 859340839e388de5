// gather / scatter-add along one axis (PyTorch semantics), with bounds checks that name the op.
import type { AxisParams, ScatterAddParams, View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { numel } from './strided.js';

function walk(shape: readonly number[], visit: (coords: number[], i: number) => void): void {
  const total = numel(shape);
  const coords = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < total; i++) {
    visit(coords, i);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coords[d]! < shape[d]!) break;
      coords[d] = 0;
    }
  }
}

function indexAt(index: View, coords: number[]): number {
  let o = index.offset;
  for (let d = 0; d < coords.length; d++) o += coords[d]! * index.strides[d]!;
  return index.data[o]!;
}

export function gather(x: View, index: View, { axis }: AxisParams, out: TypedArray): void {
  const size = x.shape[axis]!;
  walk(index.shape, (coords, i) => {
    let k = indexAt(index, coords);
    if (k < -size || k >= size) throw new RangeError(`gather: index ${k} is out of range for dimension ${axis} of size ${size}`);
    if (k < 0) k += size;
    let o = x.offset;
    for (let d = 0; d < coords.length; d++) o += (d === axis ? k : coords[d]!) * x.strides[d]!;
    out[i] = x.data[o]!;
  });
}

export function scatterAdd(index: View, src: View, { axis, outShape }: ScatterAddParams, out: TypedArray): void {
  const size = outShape[axis]!;
  const outStrides = new Array<number>(outShape.length);
  for (let d = outShape.length - 1, s = 1; d >= 0; d--) {
    outStrides[d] = s;
    s *= outShape[d]!;
  }
  walk(index.shape, (coords) => {
    let k = indexAt(index, coords);
    if (k < -size || k >= size) throw new RangeError(`scatterAdd: index ${k} is out of range for dimension ${axis} of size ${size}`);
    if (k < 0) k += size;
    let o = 0,
      s = src.offset;
    for (let d = 0; d < coords.length; d++) {
      o += (d === axis ? k : coords[d]!) * outStrides[d]!;
      s += coords[d]! * src.strides[d]!;
    }
    out[o] = out[o]! + src.data[s]!;
  });
}

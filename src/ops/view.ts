// View ops: new shapes and strides over the same storage, no copy. Each gradient undoes the view.
import { Tensor, uninitializedTensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { checkShape, contiguousStrides, normAxis, numel, sameShape, shapeStr } from '../tensor/shape.js';
import { record } from './record.js';
import { RegionGrad } from '../autograd/node.js';
import { kernels } from './util.js';
import { sumTo } from './reduce.js';
import { checkDtype } from '../util/options.js';

/** A raw view sharing t's storage (no autograd). */
function rawView(t: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(t.storage, t.dtype, shape, strides, offset);
}

/** Copies t into a new contiguous tensor of `dtype` (no autograd). */
function rawCopy(t: Tensor, dtype: DType = t.dtype): Tensor {
  const out = uninitializedTensor(t.shape, dtype);
  kernels().copy(t.kernelView(), out.kernelView());
  return out;
}

/** Resolves a requested shape with at most one -1 against numel. */
function resolveShape(op: string, t: Tensor, shape: readonly number[]): number[] {
  const n = t.numel();
  const free = shape.filter((d) => d === -1).length;
  if (free > 1) throw new RangeError(`${op}: only one dimension can be -1, got ${shapeStr(shape)}`);
  const known = shape.filter((d) => d !== -1);
  checkShape(op, known);
  const prod = numel(known);
  const out = shape.map((d) => (d === -1 ? (prod === 0 ? 0 : n / prod) : d));
  if (numel(out) !== n || out.some((d) => !Number.isInteger(d))) {
    throw new RangeError(`${op}: shape ${shapeStr(shape)} is invalid for input of shape ${shapeStr(t.shape)} (${n} elements)`);
  }
  return out;
}

export function contiguous(t: Tensor): Tensor {
  if (t.isContiguous()) return t;
  return record(rawCopy(t), 'Contiguous', [t], (g) => [g]);
}

export function clone(t: Tensor): Tensor {
  return record(rawCopy(t), 'Clone', [t], (g) => [g]);
}

/** A tensor sharing t's storage with no graph history. */
export function detach(t: Tensor): Tensor {
  return rawView(t, t.shape, t.strides, t.offset);
}

/** Casts to another dtype (a copy; the same tensor when the dtype already matches). */
export function to(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  checkDtype('to', dtype);
  return record(rawCopy(t, dtype), 'To', [t], (g) => [to(g, t.dtype)]);
}

/** A view with a new shape; the tensor must be contiguous (use reshape otherwise). */
export function view(t: Tensor, ...shape: number[]): Tensor {
  const s = resolveShape('view', t, shape);
  if (!t.isContiguous()) throw new Error(`view: the tensor of shape ${shapeStr(t.shape)} is not contiguous; use reshape() or contiguous()`);
  const out = rawView(t, s, contiguousStrides(s), t.offset);
  return record(out, 'View', [t], (g) => [reshape(g, ...t.shape)]);
}

/** A new shape: a view when possible, else a copy. */
export function reshape(t: Tensor, ...shape: number[]): Tensor {
  const s = resolveShape('reshape', t, shape);
  if (sameShape(s, t.shape)) return t;
  return view(contiguous(t), ...s);
}

export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  if (t.ndim === 0) return reshape(t, 1);
  const s = normAxis('flatten', startDim, t.ndim),
    e = normAxis('flatten', endDim, t.ndim);
  if (e < s) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...t.shape.slice(0, s), numel(t.shape.slice(s, e + 1)), ...t.shape.slice(e + 1)];
  return reshape(t, ...shape);
}

export function unflatten(t: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normAxis('unflatten', dim, t.ndim);
  return reshape(t, ...t.shape.slice(0, d), ...sizes, ...t.shape.slice(d + 1));
}

export function permute(t: Tensor, ...dims: number[]): Tensor {
  if (dims.length !== t.ndim) throw new RangeError(`permute: got ${dims.length} dims [${dims.join(', ')}] for a tensor of ${t.ndim} dimensions`);
  const p = dims.map((d) => normAxis('permute', d, t.ndim));
  if (new Set(p).size !== p.length) throw new RangeError(`permute: dims [${dims.join(', ')}] repeat a dimension`);
  const out = rawView(
    t,
    p.map((d) => t.shape[d]!),
    p.map((d) => t.strides[d]!),
    t.offset,
  );
  const inverse = new Array<number>(p.length);
  p.forEach((d, i) => {
    inverse[d] = i;
  });
  return record(out, 'Permute', [t], (g) => [permute(g, ...inverse)]);
}

export function transpose(t: Tensor, dim0 = -2, dim1 = -1): Tensor {
  if (t.ndim < 2 && dim0 === -2 && dim1 === -1) return t;
  const a = normAxis('transpose', dim0, t.ndim),
    b = normAxis('transpose', dim1, t.ndim);
  const dims = [...Array(t.ndim).keys()];
  dims[a] = b;
  dims[b] = a;
  return permute(t, ...dims);
}

/** Moves dimension `source` to position `destination`. */
export function movedim(t: Tensor, source: number, destination: number): Tensor {
  const s = normAxis('movedim', source, t.ndim),
    d = normAxis('movedim', destination, t.ndim);
  const dims = [...Array(t.ndim).keys()].filter((x) => x !== s);
  dims.splice(d, 0, s);
  return permute(t, ...dims);
}

export function squeeze(t: Tensor, dim?: number | readonly number[]): Tensor {
  const dims =
    dim === undefined
      ? t.shape.map((_, i) => i).filter((i) => t.shape[i] === 1)
      : (typeof dim === 'number' ? [dim] : dim).map((d) => normAxis('squeeze', d, t.ndim)).filter((d) => t.shape[d] === 1);
  if (!dims.length) return t;
  const keep = t.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const out = rawView(
    t,
    keep.map((i) => t.shape[i]!),
    keep.map((i) => t.strides[i]!),
    t.offset,
  );
  return record(out, 'Squeeze', [t], (g) => [reshape(g, ...t.shape)]);
}

export function unsqueeze(t: Tensor, dim: number): Tensor {
  const d = normAxis('unsqueeze', dim, t.ndim + 1);
  const shape = [...t.shape],
    strides = [...t.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < t.ndim ? t.strides[d]! * t.shape[d]! : 1);
  const out = rawView(t, shape, strides, t.offset);
  return record(out, 'Unsqueeze', [t], (g) => [reshape(g, ...t.shape)]);
}

/** Broadcasts to a larger shape without copying (-1 keeps a size). */
export function expand(t: Tensor, ...shape: number[]): Tensor {
  if (shape.length < t.ndim) throw new RangeError(`expand: target ${shapeStr(shape)} has fewer dimensions than the tensor ${shapeStr(t.shape)}`);
  const lead = shape.length - t.ndim;
  const strides = new Array<number>(shape.length);
  const target = shape.map((s, i) => {
    const d = i - lead;
    const size = d >= 0 ? t.shape[d]! : 1;
    const want = s === -1 ? size : s;
    if (d < 0) {
      if (s === -1) throw new RangeError('expand: -1 is not allowed for a new leading dimension');
      strides[i] = 0;
      return want;
    }
    if (size === want) {
      strides[i] = t.strides[d]!;
      return want;
    }
    if (size !== 1) throw new RangeError(`expand: cannot expand ${shapeStr(t.shape)} to ${shapeStr(shape)}: dimension ${i} is ${size}, not 1`);
    strides[i] = 0;
    return want;
  });
  if (sameShape(target, t.shape)) return t;
  const out = rawView(t, target, strides, t.offset);
  return record(out, 'Expand', [t], (g) => [sumTo(g, t.shape)]);
}

export function expandAs(t: Tensor, other: Tensor): Tensor {
  return expand(t, ...other.shape);
}

/**
 * Python-style slice of one dimension: start/end may be negative and are clamped; step > 0.
 * A view; its gradient writes g into the same slice of zeros.
 */
export function slice(t: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  const d = normAxis('slice', dim, t.ndim);
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slice: step must be a positive integer, got ${step}`);
  const size = t.shape[d]!;
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clampIdx(start),
    e = clampIdx(end ?? size);
  const len = Math.max(0, Math.ceil((e - s) / step));
  const shape = [...t.shape],
    strides = [...t.strides];
  shape[d] = len;
  strides[d] = t.strides[d]! * step;
  const out = rawView(t, shape, strides, t.offset + s * t.strides[d]!);
  return record(out, 'Slice', [t], (g) => {
    // g at the slice's place in a contiguous tensor of t's shape, zero elsewhere (the engine writes it)
    const full = contiguousStrides(t.shape);
    return [
      new RegionGrad(
        g,
        t.shape,
        full.map((st, i) => st * (i === d ? step : 1)),
        s * full[d]!,
      ),
    ];
  });
}

export function narrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normAxis('narrow', dim, t.ndim);
  const s = start < 0 ? start + t.shape[d]! : start;
  if (s < 0 || length < 0 || s + length > t.shape[d]!) {
    throw new RangeError(`narrow: start ${start} + length ${length} exceeds dimension ${d} of size ${t.shape[d]}`);
  }
  return slice(t, d, s, s + length);
}

/** Picks index i of dimension dim, removing the dimension. */
export function select(t: Tensor, dim: number, index: number): Tensor {
  const d = normAxis('select', dim, t.ndim);
  const size = t.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new RangeError(`select: index ${index} is out of range for dimension ${d} of size ${size}`);
  }
  const i = index < 0 ? index + size : index;
  return squeeze(slice(t, d, i, i + 1), d);
}

/** One entry per leading dimension: a number selects, [start, end?, step?] slices, null keeps all. */
export type IndexSpec = number | null | readonly [number?, number?, number?];

/** Numpy-style basic indexing: x.index(0, [1, 3], null) is x[0, 1:3, :]. */
export function index(t: Tensor, ...specs: IndexSpec[]): Tensor {
  if (specs.length > t.ndim) throw new RangeError(`index: ${specs.length} indices for a tensor of ${t.ndim} dimensions`);
  let out = t;
  let dim = 0;
  for (const s of specs) {
    if (s === null) {
      dim++;
      continue;
    }
    if (typeof s === 'number') {
      out = select(out, dim, s);
      continue;
    }
    out = slice(out, dim, s[0] ?? 0, s[1], s[2] ?? 1);
    dim++;
  }
  return out;
}

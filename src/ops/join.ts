// Joining and splitting along a dimension.
import { Tensor } from '../tensor/tensor.js';
import { normAxis, shapeStr } from '../tensor/shape.js';
import { promoteTypes } from '../tensor/dtype.js';
import { record } from './record.js';
import { kernels } from './util.js';
import { slice, unsqueeze } from './view.js';

/** Concatenates tensors along dim; all other dims must match. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!tensors.length) throw new RangeError('cat: expected a non-empty list of tensors');
  const first = tensors[0]!;
  const d = normAxis('cat', dim, first.ndim);
  const dtype = tensors.reduce((dt, t) => promoteTypes(dt, t.dtype), first.dtype);
  tensors.forEach((t, k) => {
    if (t.ndim !== first.ndim || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new RangeError(`cat: tensor ${k} has shape ${shapeStr(t.shape)}, expected ${shapeStr(first.shape)} except in dimension ${d}`);
    }
  });
  const shape = [...first.shape];
  shape[d] = tensors.reduce((n, t) => n + t.shape[d]!, 0);
  const out = Tensor.empty(shape, dtype);
  let start = 0;
  const starts: number[] = [];
  for (const t of tensors) {
    starts.push(start);
    const target = new Tensor(out.storage, dtype, t.shape, out.strides, start * out.strides[d]!);
    kernels().copy(t.kernelView(), target.kernelView());
    start += t.shape[d]!;
  }
  return record(out, 'Cat', tensors, (g) => tensors.map((t, k) => (t.requiresGrad ? slice(g, d, starts[k]!, starts[k]! + t.shape[d]!) : null)));
}

/** Stacks same-shape tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!tensors.length) throw new RangeError('stack: expected a non-empty list of tensors');
  const first = tensors[0]!;
  tensors.forEach((t, k) => {
    if (t.shape.length !== first.ndim || t.shape.some((s, i) => s !== first.shape[i])) {
      throw new RangeError(`stack: tensor ${k} has shape ${shapeStr(t.shape)}, expected ${shapeStr(first.shape)}`);
    }
  });
  const d = normAxis('stack', dim, first.ndim + 1);
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

/** Splits into pieces of `size` (the last may be smaller), or of the listed sizes. Views. */
export function split(t: Tensor, sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
  const d = normAxis('split', dim, t.ndim);
  const n = t.shape[d]!;
  let sizes: number[];
  if (typeof sizeOrSizes === 'number') {
    if (!Number.isInteger(sizeOrSizes) || sizeOrSizes <= 0) throw new RangeError(`split: size must be a positive integer, got ${sizeOrSizes}`);
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSizes) sizes.push(Math.min(sizeOrSizes, n - s));
  } else {
    sizes = [...sizeOrSizes];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n) throw new RangeError(`split: sizes [${sizes.join(', ')}] sum to ${total}, but dimension ${d} has size ${n}`);
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(slice(t, d, start, start + s));
    start += s;
  }
  return out;
}

/** Splits into `chunks` nearly equal pieces, as torch.chunk. */
export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new RangeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = normAxis('chunk', dim, t.ndim);
  return split(t, Math.max(1, Math.ceil(t.shape[d]! / chunks)), d);
}

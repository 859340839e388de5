// The shapes of data fit() and evaluate() accept, turned into batches of [x, y]:
//   {x, y} tensors, a Dataset whose items are [x, y] (TensorDataset, Subset), or any iterable of
//   [x, y] batches you built yourself (a DataLoader).
import type { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../tensor/generator.js';
import { shapeStr } from '../tensor/shape.js';
import type { Dataset } from '../data/dataset.js';
import { DataLoader } from '../data/dataloader.js';
import { TensorDataset } from '../data/tensor-dataset.js';
import { Subset } from '../data/subset.js';

export type XY = { x: Tensor; y: Tensor };
export type Batch = readonly [Tensor, Tensor] | readonly Tensor[];
export type FitData = XY | Dataset<readonly Tensor[]> | Iterable<Batch>;

function isXY(d: unknown): d is XY {
  return typeof d === 'object' && d !== null && 'x' in d && 'y' in d && !('get' in d);
}

function isDataset(d: unknown): d is Dataset<readonly Tensor[]> {
  return typeof d === 'object' && d !== null && typeof (d as Dataset<unknown>).get === 'function' && Number.isInteger((d as Dataset<unknown>).length);
}

/** A Dataset view of {x, y} or a Dataset; null for an iterable of batches (a DataLoader). */
export function asDataset(op: string, data: FitData): Dataset<readonly Tensor[]> | null {
  if (isXY(data)) {
    if (data.x.ndim === 0 || data.y.ndim === 0 || data.x.shape[0] !== data.y.shape[0]) {
      throw new RangeError(`${op}: x ${shapeStr(data.x.shape)} and y ${shapeStr(data.y.shape)} must have the same number of rows`);
    }
    return new TensorDataset(data.x, data.y);
  }
  if (isDataset(data)) return data;
  if (data && typeof (data as Iterable<Batch>)[Symbol.iterator] === 'function') return null;
  throw new TypeError(`${op}: data must be {x, y} tensors, a Dataset of [x, y] items, or an iterable of [x, y] batches (DataLoader)`);
}

/** Splits off the last `fraction` of a dataset for validation (as Keras: no shuffle, so it is reproducible). */
export function splitTail<T>(op: string, dataset: Dataset<T>, fraction: number): [Subset<T>, Subset<T>] {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`${op}: validationSplit must be in (0, 1), got ${fraction}`);
  const n = dataset.length;
  const nVal = Math.floor(n * fraction);
  if (nVal < 1 || nVal >= n) throw new RangeError(`${op}: validationSplit ${fraction} of ${n} examples leaves an empty train or validation set`);
  const idx = Array.from({ length: n }, (_, i) => i);
  return [new Subset(dataset, idx.slice(0, n - nVal)), new Subset(dataset, idx.slice(n - nVal))];
}

export type BatchSource = { batches: Iterable<Batch>; perEpoch: number };

/** Batches of `data` for one pass each time it is iterated. */
export function batchSource(op: string, data: FitData, opts: { batchSize: number; shuffle: boolean; generator?: Generator }): BatchSource {
  const ds = asDataset(op, data);
  if (ds) {
    const loader = new DataLoader(ds, { batchSize: opts.batchSize, shuffle: opts.shuffle, generator: opts.generator });
    return { batches: loader as Iterable<Batch>, perEpoch: loader.length };
  }
  const it = data as Iterable<Batch> & { length?: number };
  return { batches: it, perEpoch: typeof it.length === 'number' ? it.length : NaN };
}

/** Checks a batch is [x, y] and returns them. */
export function unpackBatch(op: string, batch: Batch): [Tensor, Tensor] {
  if (!Array.isArray(batch) || batch.length < 2)
    throw new TypeError(`${op}: each batch must be [x, y], got ${Array.isArray(batch) ? `${batch.length} tensors` : typeof batch}`);
  return [batch[0]!, batch[1]!];
}

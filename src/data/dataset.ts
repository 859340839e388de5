// The dataset protocol, as torch.utils.data.Dataset: a length and random access by index.

/** A map-style dataset: `length` items, item i from `get(i)`. */
export interface Dataset<T> {
  readonly length: number;
  get(i: number): T;
}

/**
 * A dataset that can also fetch many items at once, already collated (e.g. TensorDataset gathers
 * rows in one pass). DataLoader uses it instead of get() + stacking when present.
 */
export interface BatchedDataset<T, B> extends Dataset<T> {
  getBatch(indices: Int32Array): B;
}

export function isBatchedDataset<T>(d: Dataset<T>): d is BatchedDataset<T, unknown> {
  return typeof (d as Partial<BatchedDataset<T, unknown>>).getBatch === 'function';
}

/** Checks i is an integer index into a dataset of `length` items; negative i counts from the end. */
export function normalizeIndex(where: string, i: number, length: number): number {
  if (!Number.isInteger(i)) throw new TypeError(`${where}: index must be an integer, got ${i}`);
  const j = i < 0 ? i + length : i;
  if (j < 0 || j >= length) throw new RangeError(`${where}: index ${i} is out of range for a dataset of length ${length}`);
  return j;
}

// Subset and randomSplit, as torch.utils.data.Subset / random_split.
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { isBatchedDataset, normalizeIndex, type Dataset } from './dataset.js';
import { checkOptions, describe } from '../util/options.js';

/** The items of `dataset` at `indices`, in that order. */
export class Subset<T> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: Int32Array;
  /** Present when the parent can gather batches: maps the batch's indices into the parent's. */
  readonly getBatch?: (indices: Int32Array) => unknown;

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    this.dataset = dataset;
    this.indices = Int32Array.from(indices, (i) => normalizeIndex('Subset', i, dataset.length));
    if (isBatchedDataset(dataset)) {
      this.getBatch = (batch) => dataset.getBatch(batch.map((i) => this.indices[normalizeIndex('Subset.getBatch', i, this.length)]!));
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(i: number): T {
    return this.dataset.get(this.indices[normalizeIndex('Subset.get', i, this.length)]!);
  }
}

/**
 * Splits a dataset into non-overlapping random subsets, as torch.utils.data.random_split.
 * `lengthsOrFractions` are either lengths summing to dataset.length, or fractions summing to 1:
 * each split then gets floor(fraction * length) items and the remainder is dealt out one at a
 * time, round-robin from the first split.
 */
export function randomSplit<T>(dataset: Dataset<T>, lengthsOrFractions: readonly number[], opts: { generator?: Generator } = {}): Subset<T>[] {
  if (!Array.isArray(lengthsOrFractions))
    throw new TypeError(`randomSplit: expected a list of lengths or fractions such as [0.8, 0.2], got ${describe(lengthsOrFractions)}`);
  checkOptions('randomSplit', opts, ['generator']);
  const n = dataset.length;
  const given = `[${lengthsOrFractions.join(', ')}]`;
  if (!lengthsOrFractions.length) throw new RangeError('randomSplit: expected a non-empty list of lengths or fractions');
  if (lengthsOrFractions.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new RangeError(`randomSplit: lengths/fractions must be non-negative finite numbers, got ${given}`);
  }
  let lengths: number[];
  const total = lengthsOrFractions.reduce((a, b) => a + b, 0);
  // PyTorch's rule: a list summing to 1 is fractions (tolerant of float rounding such as 0.1 + 0.2 + 0.7)
  if (Math.abs(total - 1) < 1e-9) {
    lengths = lengthsOrFractions.map((f) => Math.floor(n * f));
    const remainder = n - lengths.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) lengths[i % lengths.length]! += 1;
  } else {
    if (!lengthsOrFractions.every(Number.isInteger)) {
      throw new RangeError(`randomSplit: fractions must sum to 1, got ${given} (sum ${total})`);
    }
    if (total !== n) {
      throw new RangeError(`randomSplit: lengths ${given} sum to ${total}, but the dataset has ${n} items`);
    }
    lengths = [...lengthsOrFractions];
  }
  const perm = (opts.generator ?? defaultGenerator).permutation(n);
  const out: Subset<T>[] = [];
  let start = 0;
  for (const len of lengths) {
    out.push(new Subset(dataset, perm.subarray(start, start + len)));
    start += len;
  }
  return out;
}

// DataLoader: batches of a dataset, optionally shuffled, as torch.utils.data.DataLoader.
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { isBatchedDataset, type Dataset } from './dataset.js';
import { defaultCollate, type Collated } from './collate.js';
import { checkBoolean, checkNumber, optionKeys, positionalOptions } from '../util/options.js';

export type DataLoaderOptions<T, B> = {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Draw a fresh random order every epoch (default false). */
  shuffle?: boolean;
  /** Drop the last batch when it would be smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Generator for the shuffle order (default: the default generator). */
  generator?: Generator;
  /** Turns a list of items into a batch (default: defaultCollate, stacking tensors along a new dim 0). */
  collateFn?: (items: T[]) => B;
};

/**
 * Iterates a dataset in batches: `for (const [x, y] of loader)`. Each `for` loop is one epoch;
 * with shuffle, the epoch's order is a permutation drawn from the generator when the loop starts,
 * so a seed makes epochs reproducible and a restored generator state resumes identically.
 * Datasets that can gather a whole batch at once (TensorDataset, and Subsets of it) are batched
 * by gathering rows instead of stacking per-row tensors, unless a collateFn is given.
 */
const DATALOADER_KEYS = optionKeys<DataLoaderOptions<unknown, unknown>>({ batchSize: true, shuffle: true, dropLast: true, generator: true, collateFn: true });

export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;
  private readonly collateFn: ((items: T[]) => B) | undefined;

  /** new DataLoader(ds, {batchSize: 4, shuffle: true}), or PyTorch's positional new DataLoader(ds, 4, true). */
  constructor(dataset: Dataset<T>, opts: DataLoaderOptions<T, B> | number = {}, ...rest: [shuffle?: boolean]) {
    opts = positionalOptions<DataLoaderOptions<T, B>>('DataLoader', opts, rest, ['batchSize', 'shuffle'], DATALOADER_KEYS);
    if (opts.batchSize !== undefined) checkNumber('DataLoader', 'batchSize', opts.batchSize);
    if (opts.shuffle !== undefined) checkBoolean('DataLoader', 'shuffle', opts.shuffle);
    if (opts.dropLast !== undefined) checkBoolean('DataLoader', 'dropLast', opts.dropLast);
    if (opts.collateFn !== undefined && typeof opts.collateFn !== 'function') throw new TypeError('DataLoader: collateFn must be a function (items) => batch');
    const { batchSize = 1, shuffle = false, dropLast = false, generator, collateFn } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (!dataset || typeof dataset.get !== 'function' || !Number.isInteger(dataset.length) || dataset.length < 0) {
      throw new TypeError('DataLoader: expected a dataset with an integer `length` and a `get(i)` method');
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.collateFn = collateFn;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The epoch's item order: 0..n-1, or a fresh permutation when shuffling. */
  private order(): Int32Array {
    const n = this.dataset.length;
    if (this.shuffle) return (this.generator ?? defaultGenerator).permutation(n);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return order;
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = this.order(); // drawn when the epoch starts, before any batch
    const batches = this.length;
    const dataset = this.dataset;
    for (let b = 0; b < batches; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      if (!this.collateFn && isBatchedDataset(dataset)) {
        yield dataset.getBatch(indices) as B;
      } else {
        const items = Array.from(indices, (i) => dataset.get(i));
        yield this.collateFn ? this.collateFn(items) : (defaultCollate(items) as B);
      }
    }
  }
}

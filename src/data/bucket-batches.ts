// Batches of token-id sequences of unequal length, padded with 0 on the right, grouped by length
// so that a batch is mostly real tokens: each epoch the examples are shuffled (by the generator),
// cut into pools of `poolBatches` batches, each pool sorted by length and cut into batches, and the
// batches shuffled — the classic bucketing of torchtext's BucketIterator. Deterministic for a
// generator state, so a resumed epoch draws the same batches.
import { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { shuffleInPlace } from './shuffle.js';
import { checkBoolean, checkNumber, checkOptions, optionKeys } from '../util/options.js';

export type BucketBatchOptions = {
  batchSize: number;
  /** Shuffle each epoch (default true); false keeps the order, for evaluation. */
  shuffle?: boolean;
  /** Batches per sorting pool (default 50): larger pools pad less and mix less. */
  poolBatches?: number;
  generator?: Generator;
};
const KEYS = optionKeys<BucketBatchOptions>({ batchSize: true, shuffle: true, poolBatches: true, generator: true });

/** The example indices of each batch of one epoch of n examples: shuffled (when `shuffle`), cut into pools of poolBatches batches, each pool sorted by `compare` (ties by index) and cut into batches, the batches shuffled. Shared with TranslationBatches. */
/** Real tokens over padded positions of the batches, for each length function (one per padded tensor). */
export function paddedFill(batches: readonly (readonly number[])[], lengths: readonly ((i: number) => number)[]): number {
  let real = 0,
    total = 0;
  for (const batch of batches)
    for (const len of lengths) {
      const lens = batch.map(len);
      real += lens.reduce((a, b) => a + b, 0);
      total += Math.max(...lens) * lens.length;
    }
  return total ? real / total : 1;
}

export function bucketOrder(
  n: number,
  compare: (a: number, b: number) => number,
  o: { batchSize: number; poolBatches: number; shuffle: boolean; generator: Generator },
): number[][] {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (o.shuffle) shuffleInPlace(idx, o.generator);
  const pool = o.batchSize * o.poolBatches;
  const batches: number[][] = [];
  for (let p = 0; p < n; p += pool) {
    const part = idx.slice(p, p + pool).sort((a, b) => compare(a, b) || a - b);
    for (let b = 0; b < part.length; b += o.batchSize) batches.push(part.slice(b, b + o.batchSize));
  }
  if (o.shuffle) shuffleInPlace(batches, o.generator);
  return batches;
}

/** [ids (B, T) int32 padded with 0, labels (B,) int32]. */
export type IdBatch = [Tensor, Tensor];

export class BucketBatches implements Iterable<IdBatch> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly poolBatches: number;
  readonly generator: Generator;

  /** sequences[i] (non-empty id lists) with labels[i]. */
  constructor(
    readonly sequences: readonly (readonly number[])[],
    readonly labels: readonly number[],
    opts: BucketBatchOptions,
  ) {
    checkOptions('BucketBatches', opts, KEYS);
    checkNumber('BucketBatches', 'batchSize', opts.batchSize, { integer: true, min: 1 });
    if (opts.shuffle !== undefined) checkBoolean('BucketBatches', 'shuffle', opts.shuffle);
    if (opts.poolBatches !== undefined) checkNumber('BucketBatches', 'poolBatches', opts.poolBatches, { integer: true, min: 1 });
    if (sequences.length !== labels.length) throw new RangeError(`BucketBatches: ${sequences.length} sequences but ${labels.length} labels`);
    const empty = sequences.findIndex((s) => s.length === 0);
    if (empty >= 0) throw new RangeError(`BucketBatches: sequence ${empty} is empty; every sequence needs at least one token`);
    this.batchSize = opts.batchSize;
    this.shuffle = opts.shuffle ?? true;
    this.poolBatches = opts.poolBatches ?? 50;
    this.generator = opts.generator ?? defaultGenerator;
  }

  get length(): number {
    return Math.ceil(this.sequences.length / this.batchSize);
  }

  /** Fraction of the padded positions of an epoch's batches that hold real tokens (the generator is left as it was). */
  fill(): number {
    const state = this.generator.getState();
    const batches = this.order();
    this.generator.setState(state);
    return paddedFill(batches, [(i) => this.sequences[i]!.length]);
  }

  /** The example indices of each batch of one epoch (draws from the generator when shuffling). */
  private order(): number[][] {
    return bucketOrder(this.sequences.length, (a, b) => this.sequences[a]!.length - this.sequences[b]!.length, this);
  }

  /** The padded batch of the given examples. */
  batchOf(indices: readonly number[]): IdBatch {
    const T = Math.max(...indices.map((i) => this.sequences[i]!.length));
    const ids = new Int32Array(indices.length * T);
    indices.forEach((i, r) => ids.set(this.sequences[i]!, r * T));
    const y = Int32Array.from(indices, (i) => this.labels[i]!);
    return [new Tensor(ids, 'int32', [indices.length, T]), new Tensor(y, 'int32', [indices.length])];
  }

  *[Symbol.iterator](): Iterator<IdBatch> {
    for (const b of this.order()) yield this.batchOf(b);
  }
}

// Variable-length batches for the recurrent layers, as torch.nn.utils.rnn: a PackedSequence keeps
// only the real steps, time step by time step (data (Σ batchSizes, *), batchSizes[t] = how many
// sequences are longer than t, sequences sorted longest first), so an RNN never runs a padded
// step; padSequence / packPaddedSequence / padPackedSequence / packSequence convert. Every
// conversion is made of differentiable ops (narrow, cat, indexSelect), so gradients flow through.
import { Tensor } from '../../tensor/tensor.js';
import { shapeStr } from '../../tensor/shape.js';
import { full, tensor } from '../../tensor/creation.js';
import { cat, indexSelect, narrow, stack, transpose } from '../../ops/index.js';
import { checkBoolean, checkNumber, checkOneOf, checkOptions, describe, optionKeys } from '../../util/options.js';

/**
 * A packed batch: data (Σ batchSizes, *), batchSizes (T,) int32 with batchSizes[t] the number of
 * sequences longer than t; sortedIndices[i] is the original index of the i-th longest sequence and
 * unsortedIndices its inverse (both null when the batch came sorted).
 */
export class PackedSequence {
  constructor(
    readonly data: Tensor,
    readonly batchSizes: Tensor,
    readonly sortedIndices: Tensor | null = null,
    readonly unsortedIndices: Tensor | null = null,
  ) {
    if (!(data instanceof Tensor) || data.ndim < 1) throw new TypeError(`PackedSequence: data must be a Tensor of at least 1 dimension, got ${describe(data)}`);
    if (!(batchSizes instanceof Tensor) || batchSizes.ndim !== 1 || batchSizes.dtype !== 'int32')
      throw new TypeError(`PackedSequence: batchSizes must be a 1-D int32 Tensor, got ${describe(batchSizes)}`);
    const bs = Array.from(batchSizes.toTypedArray());
    const total = bs.reduce((a, b) => a + b, 0);
    if (bs.some((b, t) => !(b >= 1) || (t > 0 && b > bs[t - 1]!)) || total !== data.shape[0])
      throw new RangeError(`PackedSequence: batchSizes [${bs.join(', ')}] must be positive, non-increasing and sum to data's first dimension ${data.shape[0]}`);
  }

  /** batchSizes as numbers. */
  sizes(): number[] {
    return Array.from(this.batchSizes.toTypedArray());
  }

  /** The same sequences with other data (an RNN's output: same steps, other features). */
  withData(data: Tensor): PackedSequence {
    return new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }
}

type PadOptions = { batchFirst?: boolean; paddingValue?: number; paddingSide?: 'right' | 'left' };
const PAD_KEYS = optionKeys<PadOptions>({ batchFirst: true, paddingValue: true, paddingSide: true });

/**
 * Stacks sequences (L_i, *) into one padded batch (T, B, *) (batchFirst: (B, T, *)), T the longest
 * length; the shorter ones are padded with paddingValue (default 0) on the right (or the left).
 */
export function padSequence(sequences: readonly Tensor[], opts: PadOptions = {}): Tensor {
  checkOptions('padSequence', opts, PAD_KEYS);
  if (opts.batchFirst !== undefined) checkBoolean('padSequence', 'batchFirst', opts.batchFirst);
  if (opts.paddingValue !== undefined) checkNumber('padSequence', 'paddingValue', opts.paddingValue);
  if (opts.paddingSide !== undefined) checkOneOf('padSequence', 'paddingSide', opts.paddingSide, ['right', 'left'] as const);
  if (!Array.isArray(sequences) || sequences.length === 0 || sequences.some((s) => !(s instanceof Tensor) || s.ndim < 1))
    throw new TypeError('padSequence: expected a non-empty array of Tensors of at least 1 dimension (L, *)');
  const trailing = sequences[0]!.shape.slice(1);
  for (const [i, s] of sequences.entries()) {
    if (shapeStr(s.shape.slice(1)) !== shapeStr(trailing))
      throw new RangeError(`padSequence: sequence ${i} has shape ${shapeStr(s.shape)}; every sequence must be (L, ${trailing.join(', ')})`);
    if (s.dtype !== sequences[0]!.dtype) throw new TypeError(`padSequence: sequence ${i} is ${s.dtype}, sequence 0 ${sequences[0]!.dtype}`);
  }
  const T = Math.max(...sequences.map((s) => s.shape[0]!));
  const left = opts.paddingSide === 'left';
  const padded = sequences.map((s) => {
    const n = T - s.shape[0]!;
    if (n === 0) return s;
    const pad = full([n, ...trailing], opts.paddingValue ?? 0, { dtype: s.dtype });
    return cat(left ? [pad, s] : [s, pad], 0);
  });
  return stack(padded, opts.batchFirst ? 0 : 1);
}

/** Lengths as integers, checked against the batch and the padded length. */
function checkLengths(op: string, lengths: Tensor | readonly number[], batch: number, steps: number): number[] {
  const list = lengths instanceof Tensor ? Array.from(lengths.toTypedArray(), Number) : Array.isArray(lengths) ? [...lengths] : null;
  if (!list) throw new TypeError(`${op}: lengths must be a Tensor or an array of numbers, got ${describe(lengths)}`);
  if (list.length !== batch) throw new RangeError(`${op}: got ${list.length} lengths for a batch of ${batch}`);
  list.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${op}: lengths[${i}] is ${n}; every length must be a positive integer (no empty sequences)`);
    if (n > steps) throw new RangeError(`${op}: lengths[${i}] is ${n}, longer than the ${steps} padded steps`);
  });
  return list;
}

type PackOptions = { batchFirst?: boolean; enforceSorted?: boolean };
const PACK_KEYS = optionKeys<PackOptions>({ batchFirst: true, enforceSorted: true });

/**
 * Packs a padded batch (T, B, *) (batchFirst: (B, T, *)) whose sequence b has lengths[b] real
 * steps. enforceSorted (default true) requires the lengths in decreasing order; false sorts them
 * (stably) and records the permutation, which padPackedSequence and the RNNs' final states undo.
 */
export function packPaddedSequence(input: Tensor, lengths: Tensor | readonly number[], opts: PackOptions = {}): PackedSequence {
  checkOptions('packPaddedSequence', opts, PACK_KEYS);
  if (opts.batchFirst !== undefined) checkBoolean('packPaddedSequence', 'batchFirst', opts.batchFirst);
  if (opts.enforceSorted !== undefined) checkBoolean('packPaddedSequence', 'enforceSorted', opts.enforceSorted);
  if (!(input instanceof Tensor) || input.ndim < 2)
    throw new TypeError(`packPaddedSequence: input must be a padded batch (T, B, *) or, with batchFirst, (B, T, *), got ${describe(input)}`);
  const timeMajor = opts.batchFirst ? transpose(input, 0, 1) : input; // (T, B, *)
  const [T, B] = timeMajor.shape as [number, number];
  const lens = checkLengths('packPaddedSequence', lengths, B, T);
  let order: number[] | null = null;
  if (opts.enforceSorted ?? true) {
    const at = lens.findIndex((n, i) => i > 0 && n > lens[i - 1]!);
    if (at >= 0)
      throw new RangeError(
        `packPaddedSequence: lengths must be sorted in decreasing order with enforceSorted (lengths[${at - 1}] = ${lens[at - 1]} < lengths[${at}] = ${lens[at]}); pass {enforceSorted: false} to sort them`,
      );
  } else order = lens.map((_, i) => i).sort((a, b) => lens[b]! - lens[a]! || a - b);
  const sorted = order ? order.map((i) => lens[i]!) : lens;
  const source = order ? indexSelect(timeMajor, 1, tensor(order, { dtype: 'int32' })) : timeMajor;
  const batchSizes: number[] = [];
  for (let t = 0; t < sorted[0]!; t++) batchSizes.push(sorted.filter((n) => n > t).length);
  const data = cat(
    batchSizes.map((b, t) => narrow(source.select(0, t), 0, 0, b)),
    0,
  ); // (Σ batchSizes, *)
  const sortedIndices = order ? tensor(order, { dtype: 'int32' }) : null;
  const unsortedIndices = order ? tensor(inverse(order), { dtype: 'int32' }) : null;
  return new PackedSequence(data, tensor(batchSizes, { dtype: 'int32' }), sortedIndices, unsortedIndices);
}

function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

type UnpackOptions = { batchFirst?: boolean; paddingValue?: number; totalLength?: number };
const UNPACK_KEYS = optionKeys<UnpackOptions>({ batchFirst: true, paddingValue: true, totalLength: true });

/**
 * The inverse of packPaddedSequence: [padded (T, B, *) (batchFirst: (B, T, *)), lengths (B,) int32],
 * in the batch's original order; totalLength pads to that many steps (at least the longest).
 */
export function padPackedSequence(sequence: PackedSequence, opts: UnpackOptions = {}): [Tensor, Tensor] {
  checkOptions('padPackedSequence', opts, UNPACK_KEYS);
  if (!(sequence instanceof PackedSequence)) throw new TypeError(`padPackedSequence: expected a PackedSequence, got ${describe(sequence)}`);
  if (opts.batchFirst !== undefined) checkBoolean('padPackedSequence', 'batchFirst', opts.batchFirst);
  if (opts.paddingValue !== undefined) checkNumber('padPackedSequence', 'paddingValue', opts.paddingValue);
  const bs = sequence.sizes();
  const T = bs.length,
    B = bs[0]!;
  const total = opts.totalLength ?? T;
  if (opts.totalLength !== undefined) checkNumber('padPackedSequence', 'totalLength', total, { integer: true, min: 1 });
  if (total < T) throw new RangeError(`padPackedSequence: totalLength ${total} is shorter than the longest sequence (${T} steps)`);
  const { data } = sequence;
  const trailing = data.shape.slice(1);
  const value = opts.paddingValue ?? 0;
  const pad = (n: number) => full([n, ...trailing], value, { dtype: data.dtype });
  const steps: Tensor[] = [];
  let offset = 0;
  for (const b of bs) {
    const rows = narrow(data, 0, offset, b);
    steps.push(b < B ? cat([rows, pad(B - b)], 0) : rows);
    offset += b;
  }
  for (let t = T; t < total; t++) steps.push(pad(B));
  let padded = stack(steps, 0); // (T, B, *), sorted order
  if (sequence.unsortedIndices) padded = indexSelect(padded, 1, sequence.unsortedIndices);
  const sortedLengths = Array.from({ length: B }, (_, j) => bs.filter((b) => b > j).length);
  const unsorted = sequence.unsortedIndices ? Array.from(sequence.unsortedIndices.toTypedArray(), (i) => sortedLengths[i]!) : sortedLengths;
  return [opts.batchFirst ? transpose(padded, 0, 1) : padded, tensor(unsorted, { dtype: 'int32' })];
}

/** Packs a list of sequences (L_i, *): padSequence, then packPaddedSequence with their lengths. */
export function packSequence(sequences: readonly Tensor[], opts: { enforceSorted?: boolean } = {}): PackedSequence {
  checkOptions('packSequence', opts, ['enforceSorted']);
  const padded = padSequence(sequences);
  return packPaddedSequence(
    padded,
    sequences.map((s) => s.shape[0]!),
    { enforceSorted: opts.enforceSorted ?? true },
  );
}

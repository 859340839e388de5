// (B, T) batches for language-model training, from one token stream (documents joined by
// <|endoftext|>, see joinDocuments): row b is a window of T tokens, its targets the same window
// shifted one token left, so every position predicts the next token. Windows are random (as
// nanoGPT's get_batch: offsets uniform in [0, n − T)) or sequential (consecutive windows that
// cover the stream in order, for evaluation passes), or at explicit offsets.
import { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { checkNumber, checkOptions, optionKeys } from '../util/options.js';

export type TokenStream = Int32Array | Uint16Array | Uint32Array | readonly number[];
export type LmBatch = { x: Tensor; y: Tensor };
export type TokenBatcherOptions = { batchSize: number; blockSize: number; mode?: 'random' | 'sequential'; generator?: Generator };

const TOKEN_BATCHER_KEYS = optionKeys<TokenBatcherOptions>({ batchSize: true, blockSize: true, mode: true, generator: true });
const MASK_KEYS = optionKeys<MlmMaskOptions>({ maskId: true, vocabSize: true, prob: true, generator: true });

export class TokenBatcher {
  readonly tokens: TokenStream;
  readonly batchSize: number;
  readonly blockSize: number;
  readonly mode: 'random' | 'sequential';
  readonly generator: Generator;
  /** Sequential mode: where the next window starts. */
  position = 0;

  constructor(tokens: TokenStream, opts: TokenBatcherOptions) {
    if (opts === undefined) throw new TypeError(`TokenBatcher: expected options {${TOKEN_BATCHER_KEYS.join(', ')}}`);
    checkOptions('TokenBatcher', opts, TOKEN_BATCHER_KEYS);
    checkNumber('TokenBatcher', 'batchSize', opts.batchSize);
    checkNumber('TokenBatcher', 'blockSize', opts.blockSize);
    if (!tokens || typeof tokens.length !== 'number') throw new TypeError('TokenBatcher: tokens must be an array or typed array of ids');
    const { batchSize: B, blockSize: T } = opts;
    if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1)
      throw new RangeError(`TokenBatcher: batchSize and blockSize must be positive integers, got ${B} and ${T}`);
    if (tokens.length < T + 1)
      throw new RangeError(`TokenBatcher: a block of ${T} tokens and its targets need ${T + 1} tokens, the stream has ${tokens.length}`);
    this.tokens = tokens;
    this.batchSize = B;
    this.blockSize = T;
    this.mode = opts.mode ?? 'random';
    if (this.mode !== 'random' && this.mode !== 'sequential')
      throw new RangeError(`TokenBatcher: mode must be 'random' or 'sequential', got '${String(this.mode)}'`);
    this.generator = opts.generator ?? defaultGenerator;
  }

  /** The batch whose rows start at `offsets` (each in [0, n − T − 1]). */
  at(offsets: readonly number[]): LmBatch {
    const T = this.blockSize,
      n = this.tokens.length;
    const x = Tensor.empty([offsets.length, T], 'int32'),
      y = Tensor.empty([offsets.length, T], 'int32');
    offsets.forEach((o, b) => {
      if (!Number.isInteger(o) || o < 0 || o + T + 1 > n)
        throw new RangeError(`TokenBatcher: a window at offset ${o} needs tokens up to ${o + T}, the stream has ${n}`);
      for (let t = 0; t < T; t++) {
        x.storage[b * T + t] = this.tokens[o + t]!;
        y.storage[b * T + t] = this.tokens[o + t + 1]!;
      }
    });
    return { x, y }; // (B, T), (B, T)
  }

  /** The next batch: random windows, or the next B consecutive windows (wrapping to the start). */
  next(): LmBatch {
    const T = this.blockSize,
      n = this.tokens.length;
    const offsets: number[] = [];
    for (let b = 0; b < this.batchSize; b++) {
      if (this.mode === 'random') offsets.push(this.generator.randomInt(n - T));
      else {
        if (this.position + T + 1 > n) this.position = 0;
        offsets.push(this.position);
        this.position += T;
      }
    }
    return this.at(offsets);
  }

  /** How many non-overlapping windows the stream holds (one sequential pass). */
  get windows(): number {
    return Math.floor((this.tokens.length - 1) / this.blockSize);
  }
}

/** The first `trainFraction` of the stream for training, the rest for validation (nanoGPT's 90/10). */
export function trainValSplit<S extends Int32Array | Uint16Array | Uint32Array>(tokens: S, trainFraction = 0.9): { train: S; val: S } {
  checkNumber('trainValSplit', 'trainFraction', trainFraction);
  if (!(trainFraction > 0 && trainFraction < 1)) throw new RangeError(`trainValSplit: trainFraction must be in (0, 1), got ${trainFraction}`);
  const n = Math.floor(tokens.length * trainFraction);
  return { train: tokens.subarray(0, n) as S, val: tokens.subarray(n) as S };
}

export { joinDocuments } from '../tokenizers/token-batches.js';

export type MlmMaskOptions = { maskId: number; vocabSize: number; prob?: number; generator?: Generator };

/**
 * BERT's masking for masked-language-model training: each position is chosen with probability
 * `prob` (15%); a chosen token becomes maskId 80% of the time, a random token 10%, and stays 10%.
 * labels hold the original id at chosen positions and −100 (ignored by the loss) elsewhere; at
 * least one position per batch is chosen, so the loss is always defined.
 */
export function maskTokens(ids: Tensor, opts: MlmMaskOptions): { input: Tensor; labels: Tensor } {
  if (opts === undefined) throw new TypeError(`maskTokens: expected options {${MASK_KEYS.join(', ')}}`);
  checkOptions('maskTokens', opts, MASK_KEYS);
  checkNumber('maskTokens', 'maskId', opts.maskId);
  checkNumber('maskTokens', 'vocabSize', opts.vocabSize, { integer: true, min: 1 });
  if (opts.prob !== undefined) checkNumber('maskTokens', 'prob', opts.prob);
  const prob = opts.prob ?? 0.15;
  if (!(prob > 0 && prob <= 1)) throw new RangeError(`maskTokens: prob must be in (0, 1], got ${prob}`);
  if (ids.dtype !== 'int32') throw new TypeError(`maskTokens: ids must be int32, got ${ids.dtype}`);
  if (!Number.isInteger(opts.maskId) || opts.maskId < 0 || opts.maskId >= opts.vocabSize)
    throw new RangeError(`maskTokens: maskId ${opts.maskId} is not an id of a vocabulary of ${opts.vocabSize}`);
  const gen = opts.generator ?? defaultGenerator;
  const src = ids.toTypedArray();
  const input = Tensor.empty(ids.shape, 'int32'),
    labels = Tensor.empty(ids.shape, 'int32');
  let chosen = 0;
  const u = (): number => gen.nextUint32() / 4294967296;
  for (let i = 0; i < src.length; i++) {
    const id = src[i]!;
    input.storage[i] = id;
    labels.storage[i] = -100;
    if (u() >= prob && !(i === src.length - 1 && chosen === 0)) continue;
    chosen++;
    labels.storage[i] = id;
    const r = u();
    if (r < 0.8) input.storage[i] = opts.maskId;
    else if (r < 0.9) input.storage[i] = gen.randomInt(opts.vocabSize);
  }
  return { input, labels };
}

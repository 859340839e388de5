// Embedding: a lookup table of numEmbeddings vectors of size embeddingDim, as torch.nn.Embedding
// (weights N(0, 1); the paddingIdx row starts at zero and gets no gradient).
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { noGrad } from '../autograd/grad-mode.js';
import { embedding } from '../ops/index.js';
import { Module } from './module.js';
import { emptyParameter, type Parameter } from './parameter.js';
import { normal_, zeros_ } from './init.js';
import { checkNumber, optionKeys, positionalOptions } from '../util/options.js';

export type EmbeddingOptions = { paddingIdx?: number | null; dtype?: DType; generator?: Generator };
const EMBEDDING_KEYS = optionKeys<EmbeddingOptions>({ paddingIdx: true, dtype: true, generator: true });

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Parameter; // (numEmbeddings, embeddingDim)

  /** new Embedding(100, 16, {paddingIdx: 0}), or PyTorch's positional new Embedding(100, 16, 0). */
  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions | number = {}) {
    super();
    opts = positionalOptions<EmbeddingOptions>('Embedding', opts, [], ['paddingIdx'], EMBEDDING_KEYS);
    checkNumber('Embedding', 'numEmbeddings', numEmbeddings);
    checkNumber('Embedding', 'embeddingDim', embeddingDim);
    if (opts.paddingIdx !== undefined && opts.paddingIdx !== null) checkNumber('Embedding', 'paddingIdx', opts.paddingIdx);
    for (const [what, n] of [
      ['numEmbeddings', numEmbeddings],
      ['embeddingDim', embeddingDim],
    ] as const) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`Embedding: ${what} must be a positive integer, got ${n}`);
    }
    let pad = opts.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings)
        throw new RangeError(`Embedding: paddingIdx ${pad} is out of range for ${numEmbeddings} embeddings`);
      if (pad < 0) pad += numEmbeddings;
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = pad;
    this.weight = emptyParameter([numEmbeddings, embeddingDim], opts.dtype ?? 'float32');
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    normal_(this.weight, 0, 1, { generator });
    if (this.paddingIdx !== null) noGrad(() => zeros_(this.weight.select(0, this.paddingIdx!)));
  }

  /** (...) int32 ids -> (..., embeddingDim) */
  forward(ids: Tensor): Tensor {
    return embedding(ids, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}

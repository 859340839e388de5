// Embedding lookup: rows of a (numEmbeddings, dim) weight picked by int32 ids, as
// torch.nn.functional.embedding. The gradient scatter-adds into the picked rows (a repeated id
// accumulates), skipping paddingIdx.
import { Tensor, uninitializedTensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { record } from './record.js';
import { kernels, requireDType, requireFloat } from './util.js';
import { checkNumber, checkOptions } from '../util/options.js';
import { eq, where } from './elementwise.js';
import { indexSelect } from './indexing.js';
import { reshape, unsqueeze } from './view.js';

/** embedding written with differentiable ops: the padding row's lookups pass no gradient. */
function embeddingComposed(ids: Tensor, weight: Tensor, pad: number): Tensor {
  const flat = reshape(ids, -1);
  let rows = indexSelect(weight, 0, flat);
  if (pad >= 0) rows = where(unsqueeze(eq(flat, pad), 1), rows.detach(), rows);
  return reshape(rows, ...ids.shape, weight.shape[1]!);
}

const EMBEDDING_KEYS = ['paddingIdx'];

/** Rows of weight by id; opts.paddingIdx (or PyTorch's positional paddingIdx) gets no gradient. */
export function embedding(ids: Tensor, weight: Tensor, opts: { paddingIdx?: number | null } | number | null = {}): Tensor {
  if (typeof opts === 'number' || opts === null) opts = { paddingIdx: opts }; // F.embedding(input, weight, padding_idx)
  checkOptions('embedding', opts, EMBEDDING_KEYS);
  if (opts.paddingIdx !== undefined && opts.paddingIdx !== null) checkNumber('embedding', 'paddingIdx', opts.paddingIdx);
  requireDType('embedding', ids, ['int32'], 'ids');
  requireFloat('embedding', weight);
  if (weight.ndim !== 2) throw new RangeError(`embedding: weight must be 2-D (numEmbeddings, embeddingDim), got ${shapeStr(weight.shape)}`);
  const [rows, cols] = weight.shape as [number, number];
  let pad = opts.paddingIdx ?? -1;
  if (opts.paddingIdx !== undefined && opts.paddingIdx !== null) {
    if (!Number.isInteger(pad) || pad < -rows || pad >= rows) throw new RangeError(`embedding: paddingIdx ${pad} is out of range for ${rows} embeddings`);
    if (pad < 0) pad += rows;
  }
  const w = weight.toTypedArray();
  const out = uninitializedTensor([...ids.shape, cols], weight.dtype);
  kernels().embedding(w, rows, cols, ids.kernelView(), out.storage);
  return record(
    out,
    'Embedding',
    [weight],
    (g) => {
      const dw = Tensor.empty(weight.shape, weight.dtype);
      kernels().embeddingBackward(g.toTypedArray(), ids.kernelView(), rows, cols, pad, dw.storage);
      return [dw];
    },
    () => embeddingComposed(ids, weight, pad),
  );
}

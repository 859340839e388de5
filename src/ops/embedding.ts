// Embedding lookup: rows of a (numEmbeddings, dim) weight picked by int32 ids, as
// torch.nn.functional.embedding. The gradient scatter-adds into the picked rows (a repeated id
// accumulates), skipping paddingIdx.
import { Tensor, uninitializedTensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { record } from './record.js';
import { kernels, requireDType, requireFloat } from './util.js';

export function embedding(ids: Tensor, weight: Tensor, opts: { paddingIdx?: number | null } = {}): Tensor {
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
  kernels().embedding(w, rows, cols, ids.view_(), out.storage);
  return record(out, 'Embedding', [weight], (g) => {
    const dw = Tensor.empty(weight.shape, weight.dtype);
    kernels().embeddingBackward(g.toTypedArray(), ids.view_(), rows, cols, pad, dw.storage);
    return [dw];
  });
}

// The transformer's position-wise MLP as one op: fc2(act(fc1(x))), linear → GELU (exact or tanh)
// or ReLU → linear. The arithmetic is that of linear(), gelu()/relu() and linear() one after the
// other, kernel for kernel, so the results are the same to the bit; what the fusion buys is that
// the hidden activations — (rows, 4C), the largest tensors of a GPT step — never leave the op: they
// are the node's scratch (record.ts), reused as soon as backward has passed the node.
import { type Tensor, uninitializedTensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { isFloat } from '../tensor/dtype.js';
import { record } from './record.js';
import { kernels } from './util.js';
import { linear, linearForward, matmul } from './matmul.js';
import { gelu, relu } from './activations.js';
import { gt, where } from './elementwise.js';
import { sum } from './reduce.js';
import { reshape, transpose } from './view.js';
import { checkOneOf } from '../util/options.js';

export type FeedForwardActivation = 'gelu' | 'geluTanh' | 'relu';
const ACTIVATIONS = ['gelu', 'geluTanh', 'relu'] as const;

function activate(x: Tensor, activation: FeedForwardActivation): Tensor {
  return activation === 'relu' ? relu(x) : gelu(x, activation === 'geluTanh' ? 'tanh' : 'none');
}

/** The same MLP from three ops: the reference, and what createGraph differentiates. */
function composedFeedForward(x: Tensor, w1: Tensor, b1: Tensor | null, w2: Tensor, b2: Tensor | null, activation: FeedForwardActivation): Tensor {
  return linear(activate(linear(x, w1, b1), activation), w2, b2);
}

function checkShapes(x: Tensor, w1: Tensor, b1: Tensor | null, w2: Tensor, b2: Tensor | null): void {
  const fail = (what: string) => {
    throw new RangeError(
      `feedForward: ${what} (input ${shapeStr(x.shape)}, fc1 weight ${shapeStr(w1.shape)}, fc2 weight ${shapeStr(w2.shape)}; expected (…, C), (H, C), (C2, H))`,
    );
  };
  if (x.ndim < 1) fail('the input must have at least 1 dimension');
  if (w1.ndim !== 2 || w2.ndim !== 2) fail('the weights must be 2-D (out, in)');
  if (x.shape[x.ndim - 1] !== w1.shape[1]) fail(`the input has ${x.shape[x.ndim - 1]} features, fc1 expects ${w1.shape[1]}`);
  if (w2.shape[1] !== w1.shape[0]) fail(`fc1 gives ${w1.shape[0]} features, fc2 expects ${w2.shape[1]}`);
  if (b1 && (b1.ndim !== 1 || b1.shape[0] !== w1.shape[0])) fail(`fc1's bias must have shape (${w1.shape[0]},), got ${shapeStr(b1.shape)}`);
  if (b2 && (b2.ndim !== 1 || b2.shape[0] !== w2.shape[0])) fail(`fc2's bias must have shape (${w2.shape[0]},), got ${shapeStr(b2.shape)}`);
}

/**
 * fc2(act(fc1(x))): x (…, C), fc1Weight (H, C), fc2Weight (C2, H), optional biases; returns (…, C2).
 * `activation` is 'gelu' (exact, default), 'geluTanh' or 'relu'.
 */
export function feedForward(
  x: Tensor,
  fc1Weight: Tensor,
  fc1Bias: Tensor | null,
  fc2Weight: Tensor,
  fc2Bias: Tensor | null,
  activation: FeedForwardActivation = 'gelu',
): Tensor {
  checkOneOf('feedForward', 'activation', activation, ACTIVATIONS);
  checkShapes(x, fc1Weight, fc1Bias, fc2Weight, fc2Bias);
  const dtype = x.dtype;
  if (!isFloat(dtype) || [fc1Weight, fc1Bias, fc2Weight, fc2Bias].some((t) => t && t.dtype !== dtype))
    return composedFeedForward(x, fc1Weight, fc1Bias, fc2Weight, fc2Bias, activation); // mixed dtypes: the ops promote
  const [hidden, inF] = fc1Weight.shape as [number, number];
  const outF = fc2Weight.shape[0]!;
  const rows = x.numel() / inF;
  const x2 = reshape(x, rows, inF); // (N, C)
  // ReLU fuses into fc1's bias pass and its backward needs only the activation; GELU's needs h too
  const h = linearForward(x2, fc1Weight, fc1Bias, activation === 'relu' ? 'relu' : 'identity', [rows, hidden]); // (N, H)
  let a = h;
  if (activation !== 'relu') {
    a = uninitializedTensor([rows, hidden], dtype); // written whole
    kernels().unary(activation, h.kernelView(), a.storage);
  }
  const y = linearForward(a, fc2Weight, fc2Bias, 'identity', [...x.shape.slice(0, -1), outF]); // (…, C2)
  const inputs = [x, fc1Weight, fc2Weight, ...(fc1Bias ? [fc1Bias] : []), ...(fc2Bias ? [fc2Bias] : [])];
  return record(
    y,
    'FeedForward',
    inputs,
    (g) => {
      const g2 = reshape(g, rows, outF); // (N, C2)
      const dW2 = fc2Weight.requiresGrad ? matmul(transpose(g2, 0, 1), a) : null; // (C2, H)
      const db2 = fc2Bias?.requiresGrad ? sum(g2, 0) : null;
      const da = matmul(g2, fc2Weight); // (N, H)
      let dh: Tensor;
      if (activation === 'relu') dh = where(gt(a, 0), da, 0);
      else {
        dh = uninitializedTensor([rows, hidden], dtype); // written whole
        kernels().geluBackward(h.kernelView(), da.kernelView(), { approximate: activation === 'geluTanh' ? 'tanh' : 'none' }, dh.storage);
      }
      const dx = x.requiresGrad ? reshape(matmul(dh, fc1Weight), ...x.shape) : null;
      const dW1 = fc1Weight.requiresGrad ? matmul(transpose(dh, 0, 1), x2) : null; // (H, C)
      const db1 = fc1Bias?.requiresGrad ? sum(dh, 0) : null;
      return [dx, dW1, dW2, ...(fc1Bias ? [db1] : []), ...(fc2Bias ? [db2] : [])];
    },
    () => composedFeedForward(x, fc1Weight, fc1Bias, fc2Weight, fc2Bias, activation),
    [h.storage, ...(a === h ? [] : [a.storage]), ...(x2.storage === x.storage ? [] : [x2.storage])], // x2: a copy when x was not contiguous
  );
}

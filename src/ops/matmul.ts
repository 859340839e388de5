// matmul with PyTorch's rules: 1-D operands are promoted and squeezed back, batch dims broadcast.
// The kernel takes (B, M, K) x (B, K, N) views; transposed operands reach it as strides, not copies.
import { Tensor, uninitializedTensor } from '../tensor/tensor.js';
import { broadcastShapes, numel, shapeStr } from '../tensor/shape.js';
import type { View } from '../backend/kernels.js';
import { record } from './record.js';
import { kernels } from './util.js';
import { sum, sumTo } from './reduce.js';
import { gt, where } from './elementwise.js';
import { transpose, unsqueeze, squeeze, contiguous, reshape } from './view.js';
import { isFloat, promoteTypes } from '../tensor/dtype.js';

/** A (B, R, C) kernel view of t broadcast to batch shape `batch` (t has >= 2 dims). */
function batchedView(t: Tensor, batch: readonly number[]): View {
  const r = t.shape[t.ndim - 2]!,
    c = t.shape[t.ndim - 1]!;
  const lead = t.shape.slice(0, -2);
  // Batch dims collapse into one stride only when they are laid out uniformly; else copy.
  const full = [...batch];
  const strides: number[] = [];
  for (let i = 0; i < full.length; i++) {
    const d = i - (full.length - lead.length);
    strides.push(d < 0 || lead[d] === 1 ? 0 : t.strides[d]!);
  }
  const B = numel(full);
  // find a single stride s so that batch index b maps to offset b*s
  let uniform = true;
  let s = 0;
  if (B > 1) {
    const nz = strides.map((st, i) => [st, full[i]!] as const).filter(([, n]) => n > 1);
    if (nz.every(([st]) => st === 0)) s = 0;
    else {
      // contiguous row-major batch dims
      let expect = nz[nz.length - 1]![0];
      s = expect;
      for (let i = nz.length - 1; i >= 0; i--) {
        if (nz[i]![0] !== expect) {
          uniform = false;
          break;
        }
        expect *= nz[i]![1];
      }
    }
  }
  if (!uniform) {
    // materialize the broadcast: copy into a full batch
    const c2 = contiguous(t);
    const out = Tensor.empty([...full, r, c], t.dtype);
    const srcStrides = full.map((_n, i) => {
      const d = i - (full.length - lead.length);
      return d < 0 || lead[d] === 1 ? 0 : c2.strides[d]!;
    });
    kernels().copy(
      {
        data: c2.storage,
        dtype: c2.dtype,
        offset: c2.offset,
        shape: [...full, r, c],
        strides: [...srcStrides, c2.strides[c2.ndim - 2]!, c2.strides[c2.ndim - 1]!],
      },
      out.kernelView(),
    );
    return { data: out.storage, dtype: out.dtype, offset: 0, shape: [B, r, c], strides: [r * c, c, 1] };
  }
  return { data: t.storage, dtype: t.dtype, offset: t.offset, shape: [B, r, c], strides: [s, t.strides[t.ndim - 2]!, t.strides[t.ndim - 1]!] };
}

function matmulRaw(a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.ndim - 2]!,
    k = a.shape[a.ndim - 1]!;
  const k2 = b.shape[b.ndim - 2]!,
    n = b.shape[b.ndim - 1]!;
  if (k !== k2) throw new RangeError(`matmul: ${shapeStr(a.shape)} @ ${shapeStr(b.shape)}: inner dims ${k} != ${k2}`);
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = uninitializedTensor([...batch, m, n], a.dtype); // written whole, zeros when k is 0
  kernels().matmul(batchedView(a, batch), batchedView(b, batch), out.storage);
  return out;
}

/** Matrix product with PyTorch's rules for 1-D, 2-D and batched operands. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) throw new RangeError(`matmul: both arguments need at least 1 dimension, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  if (a.dtype !== b.dtype) {
    const dt = promoteTypes(a.dtype, b.dtype);
    return matmul(a.to(dt), b.to(dt));
  }
  if (a.ndim === 1 && b.ndim === 1) {
    if (a.shape[0] !== b.shape[0]) throw new RangeError(`matmul: ${shapeStr(a.shape)} @ ${shapeStr(b.shape)}: inner dims ${a.shape[0]} != ${b.shape[0]}`);
    return squeeze(squeeze(matmul(unsqueeze(a, 0), unsqueeze(b, 1)), -1), -1);
  }
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, 1)), -1);
  if (!isFloat(a.dtype) && a.dtype !== 'int32') return matmul(a.to('float32'), b.to('float32'));
  const out = matmulRaw(a, b);
  return record(out, 'Matmul', [a, b], (g) => [
    // dA = g @ B^T, dB = A^T @ g, summed over broadcast batch dims
    a.requiresGrad ? sumTo(matmul(g, transpose(b, -2, -1)), a.shape) : null,
    b.requiresGrad ? sumTo(matmul(transpose(a, -2, -1), g), b.shape) : null,
  ]);
}

/**
 * The kernels of linear(): x2 (rows, in) · weightᵀ + bias, then the activation, into a new
 * contiguous tensor of `shape` (rows × out elements); nothing is recorded. Float operands of one dtype.
 */
export function linearForward(x2: Tensor, weight: Tensor, bias: Tensor | null | undefined, activation: 'identity' | 'relu', shape: readonly number[]): Tensor {
  const [rows, inF] = x2.shape as [number, number];
  const out = weight.shape[0]!;
  const y = uninitializedTensor(shape, x2.dtype);
  const k = kernels();
  k.matmul(
    { data: x2.storage, dtype: x2.dtype, offset: x2.offset, shape: [1, rows, inF], strides: [0, x2.strides[0]!, x2.strides[1]!] },
    { data: weight.storage, dtype: weight.dtype, offset: weight.offset, shape: [1, inF, out], strides: [0, weight.strides[1]!, weight.strides[0]!] },
    y.storage,
  );
  if (bias || activation !== 'identity') k.biasActivation(y.storage, bias ? bias.toTypedArray() : null, { rows, cols: out, activation }, y.storage);
  return y;
}

/**
 * y = act(x Wᵀ + b), as torch.nn.functional.linear (W is (out, in)) followed by `activation`
 * ('identity' by default, or 'relu'). One autograd node: the forward is one matmul kernel (Wᵀ is
 * strides, not a copy) and one fused bias+activation pass; the backward gives dW = gᵀx directly
 * in W's (out, in) layout, so optimizers see a contiguous gradient.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null, activation: 'identity' | 'relu' = 'identity'): Tensor {
  if (weight.ndim !== 2) throw new RangeError(`linear: weight must be 2-D (out, in), got ${shapeStr(weight.shape)}`);
  if (x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new RangeError(
      `linear: input ${shapeStr(x.shape)} has ${x.shape[x.ndim - 1]} features, the weight ${shapeStr(weight.shape)} expects ${weight.shape[1]}`,
    );
  }
  if (activation !== 'identity' && activation !== 'relu') throw new RangeError(`linear: activation must be 'identity' or 'relu', got '${activation}'`);
  const [out, inF] = weight.shape as [number, number];
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== out)) throw new RangeError(`linear: bias must have shape (${out},), got ${shapeStr(bias.shape)}`);
  if (!isFloat(x.dtype) || x.dtype !== weight.dtype || (bias && bias.dtype !== x.dtype) || x.ndim === 0) {
    const y = matmul(x, transpose(weight, 0, 1));
    const z = bias ? y.add(bias) : y;
    return activation === 'relu' ? z.relu() : z;
  }
  const rows = x.numel() / inF;
  const x2 = reshape(x, rows, inF);
  const y = linearForward(x2, weight, bias, activation, [...x.shape.slice(0, -1), out]);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(y, 'Linear', inputs, (g) => {
    let gz = reshape(g, rows, out);
    if (activation === 'relu') gz = where(gt(reshape(y, rows, out), 0), gz, 0);
    return [
      x.requiresGrad ? reshape(matmul(gz, weight), ...x.shape) : null,
      weight.requiresGrad ? matmul(transpose(gz, 0, 1), x2) : null,
      bias?.requiresGrad ? sum(gz, 0) : null,
    ];
  });
}

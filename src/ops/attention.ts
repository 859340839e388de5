// Scaled dot-product attention, softmax(q·kᵀ·scale + mask)·v, as
// torch.nn.functional.scaled_dot_product_attention. Two implementations with the same result:
// - 'fused': one kernel forward and one backward over strided (B, H, T, D) views, so heads split
//   out of a projection by view/transpose are never copied; causal rows skip the masked half.
// - 'composed': matmul, mask, softmax, dropout, matmul from the ordinary ops (needed for dropout
//   on the attention weights; also the readable reference the fused kernel is tested against).
// The fused kernel is the default; dropout on the weights takes the composed ops.
import { Tensor, uninitializedTensor } from '../tensor/tensor.js';
import { sameShape, shapeStr } from '../tensor/shape.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { dropoutMask } from '../tensor/creation.js';
import { record } from './record.js';
import { broadcastView, kernels, requireFloat } from './util.js';
import { add, mul, where } from './elementwise.js';
import { matmul } from './matmul.js';
import { softmax } from './softmax.js';
import { squeeze, transpose, unsqueeze } from './view.js';
import { checkBoolean, checkOneOf, checkOptions, describe, optionKeys } from '../util/options.js';

export type AttentionOptions = {
  /** bool (true = may attend, as PyTorch) or float added to the scores; broadcasts to (B, H, Tq, Tk). No gradient flows into it. */
  attnMask?: Tensor | null;
  /** Query i attends keys j ≤ i + Tk − Tq (bottom-right aligned: with a KV cache the new queries see all cached keys). */
  isCausal?: boolean;
  /** Dropout on the attention weights (uses the composed implementation). */
  dropoutP?: number;
  /** Default 1/√D. */
  scale?: number;
  generator?: Generator;
  implementation?: 'fused' | 'composed';
};

const IMPLEMENTATIONS = ['fused', 'composed'] as const;
const ATTENTION_KEYS = optionKeys<AttentionOptions>({ attnMask: true, isCausal: true, dropoutP: true, scale: true, generator: true, implementation: true });

/** The mask as an additive float tensor: bool true → 0, false → −∞. */
function additiveMask(mask: Tensor, dtype: Tensor['dtype']): Tensor {
  if (mask.dtype === 'bool') return where(mask, 0, -Infinity).to(dtype);
  if (mask.dtype !== dtype) return mask.detach().to(dtype);
  return mask.detach();
}

/** attnMask as an additive mask checked to broadcast to the scores `shape` (B, H, Tq, Tk); null without one. */
function scoreMask(op: string, attnMask: Tensor | null | undefined, dtype: Tensor['dtype'], shape: number[]): Tensor | null {
  if (!attnMask) return null;
  const mask = additiveMask(attnMask, dtype);
  try {
    broadcastView(mask, shape);
  } catch {
    throw new RangeError(`${op}: attnMask ${shapeStr(attnMask.shape)} does not broadcast to the scores (B, H, Tq, Tk) = ${shapeStr(shape)}`);
  }
  return mask;
}

/** true where query i may see key j under the bottom-right causal rule: (Tq, Tk) bool. */
export function causalMask(tq: number, tk: number): Tensor {
  const m = Tensor.empty([tq, tk], 'bool');
  const shift = tk - tq;
  for (let i = 0; i < tq; i++) for (let j = 0; j < tk && j <= i + shift; j++) m.storage[i * tk + j] = 1;
  return m;
}

function check(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): void {
  checkOptions('scaledDotProductAttention', opts, ATTENTION_KEYS);
  if (opts.attnMask !== undefined && opts.attnMask !== null && !(opts.attnMask instanceof Tensor))
    throw new TypeError(`scaledDotProductAttention: attnMask must be a Tensor or null, got ${describe(opts.attnMask)}`);
  if (opts.isCausal !== undefined) checkBoolean('scaledDotProductAttention', 'isCausal', opts.isCausal);
  if (opts.implementation !== undefined) checkOneOf('scaledDotProductAttention', 'implementation', opts.implementation, IMPLEMENTATIONS);
  for (const [n, t] of [
    ['query', q],
    ['key', k],
    ['value', v],
  ] as const) {
    requireFloat('scaledDotProductAttention', t);
    if (t.ndim !== 3 && t.ndim !== 4) throw new RangeError(`scaledDotProductAttention: ${n} must be (B, H, T, D) or (B, T, D), got ${shapeStr(t.shape)}`);
  }
  if (q.ndim !== k.ndim || q.ndim !== v.ndim)
    throw new RangeError(
      `scaledDotProductAttention: query ${shapeStr(q.shape)}, key ${shapeStr(k.shape)} and value ${shapeStr(v.shape)} must have the same number of dimensions`,
    );
  if (q.dtype !== k.dtype || q.dtype !== v.dtype)
    throw new TypeError(`scaledDotProductAttention: query, key and value must share a dtype, got ${q.dtype}, ${k.dtype}, ${v.dtype}`);
  const lead = q.ndim - 2;
  if (!sameShape(q.shape.slice(0, lead), k.shape.slice(0, lead)) || !sameShape(k.shape.slice(0, lead), v.shape.slice(0, lead))) {
    throw new RangeError(`scaledDotProductAttention: batch/head dims differ: query ${shapeStr(q.shape)}, key ${shapeStr(k.shape)}, value ${shapeStr(v.shape)}`);
  }
  if (q.shape[lead + 1] !== k.shape[lead + 1])
    throw new RangeError(`scaledDotProductAttention: query ${shapeStr(q.shape)} and key ${shapeStr(k.shape)} must have the same feature size D`);
  if (k.shape[lead] !== v.shape[lead])
    throw new RangeError(`scaledDotProductAttention: key ${shapeStr(k.shape)} and value ${shapeStr(v.shape)} must have the same length Tk`);
  const p = opts.dropoutP ?? 0;
  if (!(p >= 0 && p < 1)) throw new RangeError(`scaledDotProductAttention: dropoutP must be in [0, 1), got ${p}`);
  if (opts.scale !== undefined && !Number.isFinite(opts.scale))
    throw new RangeError(`scaledDotProductAttention: scale must be a finite number, got ${opts.scale}`);
}

export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  check(q, k, v, opts);
  if (q.ndim === 3) return squeeze(scaledDotProductAttention(unsqueeze(q, 1), unsqueeze(k, 1), unsqueeze(v, 1), opts), 1);
  const [B, H, Tq, D] = q.shape as [number, number, number, number];
  const Tk = k.shape[2]!,
    Dv = v.shape[3]!;
  const scale = opts.scale ?? 1 / Math.sqrt(D);
  const causal = opts.isCausal ?? false;
  const mask = scoreMask('scaledDotProductAttention', opts.attnMask, q.dtype, [B, H, Tq, Tk]);
  const p = opts.dropoutP ?? 0;
  const impl = opts.implementation ?? (p > 0 ? 'composed' : 'fused');
  // the kernels write every element of out, probs (zeros where masked) and the three gradients
  if (impl === 'composed') return composedAttention(q, k, v, mask, causal, scale, p, opts.generator);
  const out = uninitializedTensor([B, H, Tq, Dv], q.dtype);
  const probs = uninitializedTensor([B, H, Tq, Tk], q.dtype).storage;
  const maskView = mask ? broadcastView(mask, [B, H, Tq, Tk]) : null;
  kernels().attention(q.kernelView(), k.kernelView(), v.kernelView(), maskView, causal, scale, out.storage, probs);
  return record(
    out,
    'ScaledDotProductAttention',
    [q, k, v],
    (g) => {
      const dq = uninitializedTensor(q.shape, q.dtype),
        dk = uninitializedTensor(k.shape, k.dtype),
        dv = uninitializedTensor(v.shape, v.dtype);
      kernels().attentionBackward(q.kernelView(), k.kernelView(), v.kernelView(), probs, g.kernelView(), scale, dq.storage, dk.storage, dv.storage);
      return [dq, dk, dv];
    },
    () => composedAttention(q, k, v, mask, causal, scale, 0),
    [probs], // the weights are the backward's alone
  );
}

/** softmax(q·kᵀ·scale + mask) over (B, H, T, D) q and k; `mask` is additive. */
function weights(q: Tensor, k: Tensor, mask: Tensor | null, causal: boolean, scale: number): Tensor {
  let att = mul(matmul(q, transpose(k, -2, -1)), scale); // (B, H, Tq, Tk)
  if (mask) att = add(att, mask);
  if (causal) att = where(causalMask(q.shape[2]!, k.shape[2]!), att, -Infinity);
  return softmax(att, -1);
}

/**
 * The attention weights softmax(q·kᵀ·scale + mask) that scaledDotProductAttention(q, k, v, opts)
 * applies to v (before any dropout): (B, H, Tq, Tk), or (B, Tq, Tk) for 3-D inputs. For looking
 * at what a model attends to (the fused kernel keeps its weights to itself).
 */
export function attentionWeights(q: Tensor, k: Tensor, opts: Omit<AttentionOptions, 'dropoutP' | 'generator' | 'implementation'> = {}): Tensor {
  checkOptions('attentionWeights', opts, ['attnMask', 'isCausal', 'scale']);
  check(q, k, k, opts);
  if (q.ndim === 3) return squeeze(attentionWeights(unsqueeze(q, 1), unsqueeze(k, 1), opts), 1);
  const [B, H, Tq, D] = q.shape as [number, number, number, number];
  const Tk = k.shape[2]!;
  const mask = scoreMask('attentionWeights', opts.attnMask, q.dtype, [B, H, Tq, Tk]);
  return weights(q, k, mask, opts.isCausal ?? false, opts.scale ?? 1 / Math.sqrt(D));
}

/** Attention from the ordinary ops on (B, H, T, D) q, k, v; `mask` is additive. */
function composedAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, causal: boolean, scale: number, p: number, generator?: Generator): Tensor {
  let att = weights(q, k, mask, causal, scale); // (B, H, Tq, Tk)
  if (p > 0) att = mul(att, dropoutMask(att.shape, 1 - p, att.dtype, generator ?? defaultGenerator));
  return matmul(att, v); // (B, H, Tq, Dv)
}

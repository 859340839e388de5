// A transformer's self-attention sublayer as one op, as torch.nn.functional's
// multi_head_attention_forward with one packed input projection: project x to q, k and v for all
// heads at once, attend in each head (scaledDotProductAttention's fused kernel), merge the heads
// and project back. The kernels are those of linear() → views → scaledDotProductAttention() →
// reshape → linear(), so the result is the same to the bit; the fusion keeps the packed q/k/v, the
// attention weights and the heads' outputs inside the op, as the node's scratch (record.ts),
// reused once backward has passed the node.
import { type Tensor, uninitializedTensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { isFloat } from '../tensor/dtype.js';
import { record } from './record.js';
import { kernels } from './util.js';
import { linear, linearForward, matmul } from './matmul.js';
import { scaledDotProductAttention } from './attention.js';
import { sum } from './reduce.js';
import { reshape, transpose } from './view.js';
import { checkBoolean, checkNumber, checkOptions, optionKeys } from '../util/options.js';

export type SelfAttentionOptions = {
  /** Each position attends to itself and the past only (a decoder). Default false. */
  isCausal?: boolean;
  /** Default 1/√(head size). */
  scale?: number;
};
const KEYS = optionKeys<SelfAttentionOptions>({ isCausal: true, scale: true });

/** (B, T, 3C) → q, k, v as (B, nh, T, hs) views: heads are strides, not copies. */
function splitHeads(qkv: Tensor, numHeads: number): [Tensor, Tensor, Tensor] {
  const [B, T, C3] = qkv.shape as [number, number, number];
  const heads = qkv.view(B, T, 3, numHeads, C3 / 3 / numHeads).permute(2, 0, 3, 1, 4); // (3, B, nh, T, hs)
  return [heads.select(0, 0), heads.select(0, 1), heads.select(0, 2)];
}

/** The same sublayer from the ordinary ops: the reference, and what createGraph differentiates. */
function composedSelfAttention(
  x: Tensor,
  wIn: Tensor,
  bIn: Tensor | null,
  wOut: Tensor,
  bOut: Tensor | null,
  numHeads: number,
  causal: boolean,
  scale?: number,
): Tensor {
  const [B, T, C] = x.shape as [number, number, number];
  const [q, k, v] = splitHeads(linear(x, wIn, bIn), numHeads);
  const y = scaledDotProductAttention(q, k, v, { isCausal: causal, scale }); // (B, nh, T, hs)
  return linear(y.transpose(1, 2).reshape(B, T, C), wOut, bOut); // (B, T, C)
}

function check(x: Tensor, wIn: Tensor, bIn: Tensor | null, wOut: Tensor, bOut: Tensor | null, numHeads: number): void {
  checkNumber('selfAttention', 'numHeads', numHeads, { integer: true, min: 1 });
  const fail = (what: string) => {
    throw new RangeError(
      `selfAttention: ${what} (input ${shapeStr(x.shape)}, in-projection ${shapeStr(wIn.shape)}, out-projection ${shapeStr(wOut.shape)}; expected (B, T, C), (3C, C), (C, C))`,
    );
  };
  if (x.ndim !== 3) fail('the input must be (B, T, C)');
  const C = x.shape[2]!;
  if (wIn.ndim !== 2 || wIn.shape[0] !== 3 * C || wIn.shape[1] !== C) fail(`the in-projection weight must be (${3 * C}, ${C})`);
  if (wOut.ndim !== 2 || wOut.shape[0] !== C || wOut.shape[1] !== C) fail(`the out-projection weight must be (${C}, ${C})`);
  if (bIn && (bIn.ndim !== 1 || bIn.shape[0] !== 3 * C)) fail(`the in-projection bias must be (${3 * C},), got ${shapeStr(bIn.shape)}`);
  if (bOut && (bOut.ndim !== 1 || bOut.shape[0] !== C)) fail(`the out-projection bias must be (${C},), got ${shapeStr(bOut.shape)}`);
  if (C % numHeads !== 0) fail(`C = ${C} must be divisible by numHeads ${numHeads}`);
}

/**
 * Multi-head self-attention of x (B, T, C): the packed in-projection inProjWeight (3C, C) (q, k, v
 * rows in that order, as PyTorch's in_proj_weight and GPT-2's c_attn), numHeads heads, the
 * out-projection outProjWeight (C, C); optional biases. Returns (B, T, C).
 */
export function selfAttention(
  x: Tensor,
  inProjWeight: Tensor,
  inProjBias: Tensor | null,
  outProjWeight: Tensor,
  outProjBias: Tensor | null,
  numHeads: number,
  opts: SelfAttentionOptions = {},
): Tensor {
  checkOptions('selfAttention', opts, KEYS);
  if (opts.isCausal !== undefined) checkBoolean('selfAttention', 'isCausal', opts.isCausal);
  if (opts.scale !== undefined) checkNumber('selfAttention', 'scale', opts.scale);
  check(x, inProjWeight, inProjBias, outProjWeight, outProjBias, numHeads);
  const causal = opts.isCausal ?? false;
  const [B, T, C] = x.shape as [number, number, number];
  const D = C / numHeads,
    N = B * T,
    dtype = x.dtype;
  if (!isFloat(dtype) || [inProjWeight, inProjBias, outProjWeight, outProjBias].some((t) => t && t.dtype !== dtype))
    return composedSelfAttention(x, inProjWeight, inProjBias, outProjWeight, outProjBias, numHeads, causal, opts.scale); // the ops promote
  const scale = opts.scale ?? 1 / Math.sqrt(D);
  const x2 = reshape(x, N, C); // (N, C)
  const qkv = linearForward(x2, inProjWeight, inProjBias, 'identity', [B, T, 3 * C]); // (B, T, 3C)
  const [q, k, v] = splitHeads(qkv, numHeads); // (B, nh, T, hs) views
  const heads = uninitializedTensor([B, numHeads, T, D], dtype); // the kernel writes every element
  const probs = uninitializedTensor([B, numHeads, T, T], dtype).storage;
  const k_ = kernels();
  k_.attention(q.kernelView(), k.kernelView(), v.kernelView(), null, causal, scale, heads.storage, probs);
  const merged = uninitializedTensor([N, C], dtype); // (B, T, nh, hs): the heads side by side
  k_.copy(heads.transpose(1, 2).kernelView(), { data: merged.storage, dtype, offset: 0, shape: [B, T, numHeads, D], strides: [T * C, C, D, 1] });
  const y = linearForward(merged, outProjWeight, outProjBias, 'identity', [B, T, C]);
  const inputs = [x, inProjWeight, outProjWeight, ...(inProjBias ? [inProjBias] : []), ...(outProjBias ? [outProjBias] : [])];
  return record(
    y,
    'SelfAttention',
    inputs,
    (g) => {
      const g2 = reshape(g, N, C); // (N, C)
      const dWOut = outProjWeight.requiresGrad ? matmul(transpose(g2, 0, 1), merged) : null;
      const dbOut = outProjBias?.requiresGrad ? sum(g2, 0) : null;
      const dMerged = matmul(g2, outProjWeight).view(B, T, numHeads, D).transpose(1, 2); // (B, nh, T, hs), strided
      const dq = uninitializedTensor(q.shape, dtype),
        dk = uninitializedTensor(k.shape, dtype),
        dv = uninitializedTensor(v.shape, dtype);
      k_.attentionBackward(q.kernelView(), k.kernelView(), v.kernelView(), probs, dMerged.kernelView(), scale, dq.storage, dk.storage, dv.storage);
      const dqkv = uninitializedTensor([B, T, 3 * C], dtype); // each third written whole below
      splitHeads(dqkv, numHeads).forEach((part, i) => k_.copy([dq, dk, dv][i]!.kernelView(), part.kernelView()));
      const dqkv2 = reshape(dqkv, N, 3 * C);
      const dx = x.requiresGrad ? reshape(matmul(dqkv2, inProjWeight), B, T, C) : null;
      const dWIn = inProjWeight.requiresGrad ? matmul(transpose(dqkv2, 0, 1), x2) : null;
      const dbIn = inProjBias?.requiresGrad ? sum(dqkv2, 0) : null;
      return [dx, dWIn, dWOut, ...(inProjBias ? [dbIn] : []), ...(outProjBias ? [dbOut] : [])];
    },
    () => composedSelfAttention(x, inProjWeight, inProjBias, outProjWeight, outProjBias, numHeads, causal, opts.scale),
    [qkv.storage, heads.storage, probs, merged.storage, ...(x2.storage === x.storage ? [] : [x2.storage])],
  );
}

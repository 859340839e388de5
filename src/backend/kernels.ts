// The kernel list: the one place that says what a backend must implement. Every backend (js,
// native, later wasm/webgpu) implements exactly this table and the conformance suite in
// test/backend/conformance*.test.ts runs every entry on every backend. Everything else in deepts is
// composed from these in src/ops. Adding a kernel: docs/backends.md, "Adding a kernel".
//
// The convention: kernel(inputs..., params, outputs...)
// - Inputs are strided views (`View`): a typed array plus offset, shape and strides (in elements).
//   Broadcasting is expressed by stride 0, transposes by swapped strides: kernels never need a copy.
//   Row kernels (softmax, cross-entropy, bias+activation, layer/RMS norm, embedding tables) read
//   contiguous (rows, cols) typed arrays instead, which the op makes contiguous.
// - Scalars and options travel in one parameters object (`SoftmaxParams`, `Conv2dParams`, ...),
//   after the inputs and before the outputs; a row kernel's rows and cols are in it.
// - Outputs are typed arrays allocated by the caller (in JS), contiguous, row-major, of the size
//   the kernel's contract states. Kernels write every output element, except the accumulating
//   kernels (scatterAdd, embeddingBackward), which add into theirs, and never allocate them.
// - Stated exceptions: `copy` writes into a strided destination view (it is how ops write into
//   views); the optimizer steps and batchNorm's running statistics update state arrays in place;
//   the elementwise family (unary, binary, where, reduce) takes its op name first.
// - Kernels are deterministic for a given thread count.
// Kernels that still take positional scalars (they predate the convention; their call sites are
// autograd backward closures, folded once those settle): crossEntropy*, layerNorm*, rmsNorm*,
// embedding*, attention*, batchNormBackward's `training`, and unary's trailing `params` list.
import type { DType, TypedArray } from '../tensor/dtype.js';

export type View = {
  data: TypedArray;
  dtype: DType;
  offset: number;
  shape: readonly number[];
  strides: readonly number[];
};

/** Unary elementwise ops. `params` carries the op's scalars where it has any. */
export const UNARY_OPS = [
  'neg',
  'abs',
  'sign',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'square',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'floor',
  'ceil',
  'round',
  'erf',
  'softplus', // params [beta, threshold]: log(1 + exp(beta x)) / beta, linear above threshold
  'silu',
  'gelu',
  'geluTanh',
  'leakyRelu', // params [negativeSlope]
  'elu', // params [alpha]
  'powScalar', // params [exponent]
  'clamp', // params [min, max]; NaN means unbounded on that side
  'logicalNot',
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/** Binary elementwise ops; comparisons and logical ops write 0/1. */
export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export const REDUCE_OPS = ['sum', 'prod', 'max', 'min', 'argmax', 'argmin'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

/** Activations the fused bias+activation kernel applies (the epilogue of a Linear layer). */
export const ACTIVATIONS = ['identity', 'relu', 'gelu', 'geluTanh', 'silu', 'tanh', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** The geometry of a row kernel's contiguous (rows, cols) arrays. */
export type RowsParams = { rows: number; cols: number };
/** log: log-softmax. */
export type SoftmaxParams = RowsParams & { log: boolean };
export type BiasActivationParams = RowsParams & { activation: Activation };
export type AxisParams = { axis: number };
/** outShape: the shape of the contiguous output the values are added into. */
export type ScatterAddParams = { axis: number; outShape: readonly number[] };
/** A fill from the counter-based stream: value i is a hash of (seed, offset + i). */
export type RandomUniformParams = { low: number; high: number; seed: number; offset: number };
export type RandomNormalParams = { mean: number; std: number; seed: number; offset: number };
/** Dropout's mask: element i is `scale` where the stream's uniform u_i (randomUniform's, low 0, high 1) is below `keep`, else 0. */
export type DropoutMaskParams = { keep: number; scale: number; seed: number; offset: number };
/** 'none': exact (erf) GELU, 'tanh': GPT-2's approximation. */
export type GeluBackwardParams = { approximate: 'none' | 'tanh' };

export type AdamParams = {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count, for bias correction. */
  step: number;
  /** true: AdamW (decay applied to the weights); false: Adam (decay added to the gradient). */
  decoupled: boolean;
  amsgrad: boolean;
};

export type SgdParams = { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; firstStep: boolean };

export type RmspropParams = { lr: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean };

export interface Kernels {
  /** out[i] = op(x[i]); out has x's shape and dtype `out`'s array type (comparisons: bool). */
  unary(op: UnaryOp, x: View, out: TypedArray, params?: readonly number[]): void;
  /** out[i] = op(a[i], b[i]); a and b have the output's shape (broadcast by stride 0). */
  binary(op: BinaryOp, a: View, b: View, out: TypedArray): void;
  /** out[i] = cond[i] ? a[i] : b[i]; all three have the output's shape. */
  where(cond: View, a: View, b: View, out: TypedArray): void;
  /** Reduces x over `axes` (sorted, distinct); out has x's shape without those axes. arg* take one axis and write int32. */
  reduce(op: ReduceOp, x: View, axes: readonly number[], out: TypedArray): void;
  /**
   * Batched matrix product: a is (B, M, K), b is (B, K, N), out is (B, M, N) contiguous. A stride
   * of 0 on B broadcasts; a transposed operand is a view with swapped strides.
   */
  matmul(a: View, b: View, out: TypedArray): void;
  /** Softmax (or log-softmax) over the last axis of a contiguous (rows, cols) array. */
  softmax(x: TypedArray, p: SoftmaxParams, out: TypedArray): void;
  /** out[..., i, ...] = x[..., index[..., i, ...], ...] along `axis`; out has index's shape. */
  gather(x: View, index: View, p: AxisParams, out: TypedArray): void;
  /** out (contiguous, `outShape`) [..., index[...i...], ...] += src[...i...] along `axis`. Adds into out. */
  scatterAdd(index: View, src: View, p: ScatterAddParams, out: TypedArray): void;
  /** Strided copy with cast: dst view (may be strided) = src view (same shape). */
  copy(src: View, dst: View): void;
  /** Fills out with uniform [low, high) numbers from the counter-based stream (seed, offset). */
  randomUniform(p: RandomUniformParams, out: TypedArray): void;
  /** Fills out with dropout's mask, scale or 0, in one pass over the uniform stream (seed, offset). */
  dropoutMask(p: DropoutMaskParams, out: TypedArray): void;
  /** Fills out with normal(mean, std) numbers (Box–Muller over the stream (seed, offset)). */
  randomNormal(p: RandomNormalParams, out: TypedArray): void;
  /** One Adam/AdamW step over contiguous param, grad and state arrays (updated in place). */
  adamStep(param: TypedArray, grad: TypedArray, m: TypedArray, v: TypedArray, vMax: TypedArray | null, p: AdamParams): void;
  /** One SGD step (momentum, dampening, nesterov, weight decay), in place; buf may be null without momentum. */
  sgdStep(param: TypedArray, grad: TypedArray, buf: TypedArray | null, p: SgdParams): void;
  /** One RMSProp step, in place; `gradAvg` is used when centered, `buf` with momentum. */
  rmspropStep(param: TypedArray, grad: TypedArray, squareAvg: TypedArray, gradAvg: TypedArray | null, buf: TypedArray | null, p: RmspropParams): void;

  // ---- fused training kernels: cross-entropy, a Linear layer's epilogue ----
  /**
   * Fused log-softmax + NLL (cross-entropy) over contiguous (rows, cols) logits and one int32
   * class per row: lse[r] = logsumexp(x[r]) and losses[r] = lse[r] − x[r, target[r]], or 0 where
   * target[r] is ignoreIndex. losses and lse have the logits' dtype; lse is what the backward needs.
   * An out-of-range target throws a RangeError naming its position.
   */
  crossEntropyForward(logits: TypedArray, target: Int32Array, rows: number, cols: number, ignoreIndex: number, losses: TypedArray, lse: TypedArray): void;
  /** grad[r, c] = scale[r] · (exp(x[r, c] − lse[r]) − [c = target[r]]), and 0 on rows whose target is ignoreIndex. */
  crossEntropyBackward(
    logits: TypedArray,
    target: Int32Array,
    lse: TypedArray,
    scale: TypedArray,
    rows: number,
    cols: number,
    ignoreIndex: number,
    grad: TypedArray,
  ): void;
  /** out[r, c] = act(x[r, c] + bias[c]) over a contiguous (rows, cols) array; bias may be null; out may be x itself. */
  biasActivation(x: TypedArray, bias: TypedArray | null, p: BiasActivationParams, out: TypedArray): void;

  // ---- normalization for transformers: layer/RMS norm, embeddings, GELU, attention ----
  // Row arrays are contiguous (rows, cols); `weight`/`bias` are (cols,) or null (no affine).
  /** out = (x − mean)·rstd·weight + bias per row, rstd = 1/√(var + eps) (biased var); also writes mean and rstd (rows,) for the backward. */
  layerNorm(
    x: TypedArray,
    rows: number,
    cols: number,
    weight: TypedArray | null,
    bias: TypedArray | null,
    eps: number,
    out: TypedArray,
    mean: TypedArray,
    rstd: TypedArray,
  ): void;
  /** The fused layer-norm backward: writes dx (rows, cols) and, when given, dweight and dbias (cols,). */
  layerNormBackward(
    dy: TypedArray,
    x: TypedArray,
    rows: number,
    cols: number,
    weight: TypedArray | null,
    mean: TypedArray,
    rstd: TypedArray,
    dx: TypedArray,
    dweight: TypedArray | null,
    dbias: TypedArray | null,
  ): void;
  /** out = x·rstd·weight per row, rstd = 1/√(mean(x²) + eps); also writes rstd (rows,). */
  rmsNorm(x: TypedArray, rows: number, cols: number, weight: TypedArray | null, eps: number, out: TypedArray, rstd: TypedArray): void;
  /** The fused RMS-norm backward: writes dx (rows, cols) and, when given, dweight (cols,). */
  rmsNormBackward(
    dy: TypedArray,
    x: TypedArray,
    rows: number,
    cols: number,
    weight: TypedArray | null,
    rstd: TypedArray,
    dx: TypedArray,
    dweight: TypedArray | null,
  ): void;
  /** out (n, cols) row i = weight (rows, cols) row ids[i]; ids is an int32 view of n elements. Throws on an id outside [0, rows). */
  embedding(weight: TypedArray, rows: number, cols: number, ids: View, out: TypedArray): void;
  /** dweight (rows, cols) row ids[i] += dy (n, cols) row i, skipping ids equal to paddingIdx (−1: none). Adds into dweight. */
  embeddingBackward(dy: TypedArray, ids: View, rows: number, cols: number, paddingIdx: number, dweight: TypedArray): void;
  /** out = dy · gelu'(x), exact (erf) or for the tanh approximation; x and dy have the output's shape. */
  geluBackward(x: View, dy: View, p: GeluBackwardParams, out: TypedArray): void;
  /**
   * Scaled dot-product attention. q (B, H, Tq, D), k (B, H, Tk, D), v (B, H, Tk, Dv) are views (a
   * head split of a projection is strides, not a copy); mask, when given, is an additive float view
   * broadcast to (B, H, Tq, Tk) (0 keeps, −∞ masks). causal: query i sees keys j ≤ i + Tk − Tq
   * (aligned bottom-right, so a KV cache's new queries see the whole past). Writes out (B, H, Tq, Dv)
   * and probs (B, H, Tq, Tk), the softmax of scale·q·kᵀ + mask, masked entries 0; a row with every
   * key masked gets probabilities 0 and output 0.
   */
  attention(q: View, k: View, v: View, mask: View | null, causal: boolean, scale: number, out: TypedArray, probs: TypedArray): void;
  /** The attention backward from the forward's probs and dOut (B, H, Tq, Dv): writes dq, dk, dv (contiguous, q/k/v's shapes). */
  attentionBackward(q: View, k: View, v: View, probs: TypedArray, dOut: View, scale: number, dq: TypedArray, dk: TypedArray, dv: TypedArray): void;

  // ---- convolution, pooling, normalization (CNNs) ----
  // Images are (N, C, H, W) views; outputs contiguous. conv1d is conv2d on (N, C, 1, L) and
  // conv-transpose-2d is conv2dBackwardInput (forward) / conv2d / conv2dBackwardWeight, so these
  // three kernels carry every convolution.
  /**
   * 2-D cross-correlation as torch's conv2d: x (N, C, H, W), weight (O, C/groups, kH, kW), bias (O,)
   * or null; writes out (N, O, Ho, Wo) with Ho = ⌊(H + 2·padH − dilH·(kH − 1) − 1) / strideH⌋ + 1.
   */
  conv2d(x: View, weight: View, bias: View | null, p: Conv2dParams, out: TypedArray): void;
  /**
   * conv2d's gradient with respect to its input: gradOut (N, O, Ho, Wo), weight (O, C/groups, kH, kW);
   * writes out of shape inputShape (N, C, H, W) (H may exceed what Ho implies: conv-transpose's output padding).
   */
  conv2dBackwardInput(gradOut: View, weight: View, inputShape: readonly number[], p: Conv2dParams, out: TypedArray): void;
  /** The filter gradient: x (N, C, H, W), gradOut (N, O, Ho, Wo); writes out of shape weightShape (O, C/groups, kH, kW). */
  conv2dBackwardWeight(x: View, gradOut: View, weightShape: readonly number[], p: Conv2dParams, out: TypedArray): void;
  /** Max pooling of x (N, C, H, W): writes out (N, C, Ho, Wo) and indices (the argmax's flat offset h·W + w in its (H, W) plane, as torch's return_indices; NaN wins). */
  maxPool2d(x: View, p: MaxPool2dParams, out: TypedArray, indices: Int32Array): void;
  /** Sends gradOut (N, C, Ho, Wo) to the argmax positions `indices` (int32, same shape); writes out of shape inputShape (N, C, H, W), summing where windows overlap. */
  maxPool2dBackward(gradOut: View, indices: View, inputShape: readonly number[], out: TypedArray): void;
  /** Average pooling of x (N, C, H, W) into out (N, C, Ho, Wo), with torch's divisor rules. */
  avgPool2d(x: View, p: AvgPool2dParams, out: TypedArray): void;
  /** avgPool2d's input gradient: gradOut (N, C, Ho, Wo); writes out of shape inputShape (N, C, H, W). */
  avgPool2dBackward(gradOut: View, inputShape: readonly number[], p: AvgPool2dParams, out: TypedArray): void;
  /** Adaptive average pooling as torch's: output cell i covers input rows ⌊i·H/Ho⌋ .. ⌈(i+1)·H/Ho⌉ − 1 (columns alike); out (N, C, Ho, Wo). */
  adaptiveAvgPool2d(x: View, outputSize: readonly [number, number], out: TypedArray): void;
  /** adaptiveAvgPool2d's input gradient: gradOut (N, C, Ho, Wo); writes out of shape inputShape (N, C, H, W). */
  adaptiveAvgPool2dBackward(gradOut: View, inputShape: readonly number[], out: TypedArray): void;
  /**
   * Batch normalization over x (N, C, S) (S: the spatial positions, 1 for (N, C) input) per channel:
   * out = (x − mean)·invStd·weight + bias. Training: batch mean and biased variance, written to
   * saveMean / saveInvStd (C,) and folded into runningMean / runningVar in place (when given).
   * Eval: the running statistics are used and written to saveMean / saveInvStd.
   */
  batchNorm(
    x: View,
    weight: View | null,
    bias: View | null,
    runningMean: TypedArray | null,
    runningVar: TypedArray | null,
    p: BatchNormParams,
    out: TypedArray,
    saveMean: TypedArray,
    saveInvStd: TypedArray,
  ): void;
  /**
   * batchNorm's backward from gradOut and x (N, C, S) and the forward's saveMean / saveInvStd:
   * writes whichever of gradInput (N, C, S), gradWeight and gradBias (C,) are given. training says
   * whether the statistics were the batch's (and so depend on x).
   */
  batchNormBackward(
    gradOut: View,
    x: View,
    weight: View | null,
    saveMean: TypedArray,
    saveInvStd: TypedArray,
    training: boolean,
    gradInput: TypedArray | null,
    gradWeight: TypedArray | null,
    gradBias: TypedArray | null,
  ): void;

  // ---- recurrent cells: one time step of `rows` sequences, H = p.hidden; row kernels (contiguous arrays) ----
  /**
   * LSTM cell, gates in PyTorch's order i, f, g, o: xg and hg (rows, 4H) are the input and hidden
   * projections with their biases, summed into the pre-activations; cPrev (rows, H). Writes hc
   * (2, rows, H): h = o ⊙ tanh(c), then c = f ⊙ cPrev + i ⊙ g; act (rows, 4H): σ(i), σ(f), tanh(g),
   * σ(o); and tanhC (rows, H) — what the backward reads.
   */
  lstmCell(xg: TypedArray, hg: TypedArray, cPrev: TypedArray, p: RnnCellParams, hc: TypedArray, act: TypedArray, tanhC: TypedArray): void;
  /**
   * The LSTM cell's backward from dhc (2, rows, H) (dh, then the gradient reaching c from later
   * steps), act, tanhC and cPrev: writes dGates (rows, 4H), the gradient of the pre-activations (so
   * of xg and hg alike), and dcPrev (rows, H).
   */
  lstmCellBackward(act: TypedArray, tanhC: TypedArray, cPrev: TypedArray, dhc: TypedArray, p: RnnCellParams, dGates: TypedArray, dcPrev: TypedArray): void;
  /**
   * GRU cell, gates r, z, n as PyTorch: xg = x Wihᵀ + bih and hg = h Whhᵀ + bhh, each (rows, 3H);
   * hPrev (rows, H). r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r ⊙ hn), h = (1 − z) ⊙ n + z ⊙ hPrev.
   * Writes h (rows, H) and saved (rows, 4H): r, z, n, hn — what the backward reads.
   */
  gruCell(xg: TypedArray, hg: TypedArray, hPrev: TypedArray, p: RnnCellParams, h: TypedArray, saved: TypedArray): void;
  /**
   * The GRU cell's backward from dh (rows, H), saved and hPrev: writes dxg and dhg (rows, 3H), the
   * gradients of the two projections, and dhPrev (rows, H), the direct part z ⊙ dh (the part
   * through hg is dhg's).
   */
  gruCellBackward(saved: TypedArray, hPrev: TypedArray, dh: TypedArray, p: RnnCellParams, dxg: TypedArray, dhg: TypedArray, dhPrev: TypedArray): void;
}

/** One time step of a recurrent cell: `rows` sequences, `hidden` features of state. */
export type RnnCellParams = { rows: number; hidden: number };

/** The random numbers a fill of `n` values consumes from the stream (normal uses two per pair). */
export function randomCounterAdvance(kind: 'uniform' | 'normal', n: number, dtype: DType): number {
  const perValue = dtype === 'float64' ? 2 : 1;
  return kind === 'uniform' ? n * perValue : 2 * Math.ceil(n / 2) * perValue;
}

export interface Backend {
  readonly name: string;
  /** One line on why this backend is active (shown by `deepts info`). */
  readonly description: string;
  readonly kernels: Kernels;
}

// ---- convolution, pooling, normalization (CNNs) ----

/** Convolution geometry as (height, width) pairs, the arguments of torch's conv2d. */
export type Conv2dParams = {
  stride: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
  groups: number;
};

/** Max pooling geometry; outputSize (Ho, Wo) is computed by the op (it depends on ceilMode). Padding is −∞. */
export type MaxPool2dParams = {
  kernelSize: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
  outputSize: readonly [number, number];
};

/** Average pooling geometry, as torch's avg_pool2d; outputSize (Ho, Wo) is computed by the op. */
export type AvgPool2dParams = {
  kernelSize: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  outputSize: readonly [number, number];
  /** Count padded positions in the divisor (torch's default true). */
  countIncludePad: boolean;
  /** Divide every window by this instead (0: no override). */
  divisorOverride: number;
};

export type BatchNormParams = {
  /** true: normalize with the batch statistics and update the running ones; false: use the running ones. */
  training: boolean;
  /** running = (1 − momentum)·running + momentum·batch (torch's convention); the running variance takes the unbiased batch variance. */
  momentum: number;
  eps: number;
};

// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_: if the norm of all
// gradients together exceeds maxNorm, scale them all by maxNorm / (norm + 1e-6).
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { mul } from '../ops/index.js';
import { checkBoolean, checkNumber, checkOptions, isPlainObject } from '../util/options.js';

/** Returns the total norm of the gradients (before clipping). normType may be Infinity. */
export function clipGradNorm(
  params: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normType: number | { normType?: number; errorIfNonfinite?: boolean } = 2,
  opts: { errorIfNonfinite?: boolean } = {},
): number {
  if (isPlainObject(normType)) {
    // PyTorch's keyword form clipGradNorm(params, maxNorm, {normType, errorIfNonfinite})
    if (arguments.length > 3) throw new TypeError('clipGradNorm: pass normType and errorIfNonfinite positionally or in one options object, not both');
    checkOptions('clipGradNorm', normType, ['normType', 'errorIfNonfinite']);
    [opts, normType] = [{ errorIfNonfinite: normType.errorIfNonfinite as boolean | undefined }, (normType.normType ?? 2) as number];
  }
  checkNumber('clipGradNorm', 'maxNorm', maxNorm);
  checkNumber('clipGradNorm', 'normType', normType);
  checkOptions('clipGradNorm', opts, ['errorIfNonfinite']);
  if (opts.errorIfNonfinite !== undefined) checkBoolean('clipGradNorm', 'errorIfNonfinite', opts.errorIfNonfinite);
  if (!(maxNorm >= 0)) throw new RangeError(`clipGradNorm: maxNorm must be a non-negative number, got ${maxNorm}`);
  if (!(normType > 0)) throw new RangeError(`clipGradNorm: normType must be a positive number or Infinity, got ${normType}`);
  const list = params instanceof Tensor ? [params] : [...params];
  const withGrad = list.filter((p) => p.grad);
  let total = 0;
  for (const p of withGrad) {
    const g = p.grad!.toTypedArray();
    total = normType === Infinity ? maxAbs(g, total) : total + powerSum(g, normType);
  }
  if (normType !== Infinity) total = normType === 2 ? Math.sqrt(total) : Math.pow(total, 1 / normType);
  if (opts.errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(
      `clipGradNorm: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped; pass errorIfNonfinite: false to clip anyway`,
    );
  }
  const coef = maxNorm / (total + 1e-6);
  // New gradient tensors, not in-place writes: a gradient's storage may be shared with another's.
  if (coef < 1)
    noGrad(() => {
      for (const p of withGrad) p.grad = mul(p.grad!, coef);
    });
  return total;
}

/** max(start, max |g|), NaN winning. */
function maxAbs(g: ArrayLike<number>, start: number): number {
  let m = start;
  for (let i = 0; i < g.length; i++) {
    const a = Math.abs(g[i]!);
    if (a > m || Number.isNaN(a)) m = a;
  }
  return m;
}

/** Σ |g|^p, with a tight loop for p = 2. */
function powerSum(g: ArrayLike<number>, p: number): number {
  let s = 0;
  if (p === 2)
    for (let i = 0; i < g.length; i++) {
      const v = g[i]!;
      s += v * v;
    }
  else for (let i = 0; i < g.length; i++) s += Math.pow(Math.abs(g[i]!), p);
  return s;
}

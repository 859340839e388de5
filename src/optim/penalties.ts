// Weight penalties added to the loss, J(θ) + λ·Ω(θ): L2 (Ω = Σθ², "weight decay" in the loss) and
// L1 (Ω = Σ|θ|, which drives weights to exactly zero). By default only weights (parameters with
// 2 or more dimensions) are penalized, not biases. The result is a differentiable scalar.
import { Tensor } from '../tensor/tensor.js';
import { scalar } from '../tensor/creation.js';
import { abs, add, mul, square, sum } from '../ops/index.js';
import { checkNumber, checkOptions } from '../util/options.js';

export type PenaltyOptions = { weightsOnly?: boolean };

function penalty(op: string, params: Iterable<Tensor>, lambda: number, opts: PenaltyOptions, term: (p: Tensor) => Tensor): Tensor {
  checkNumber(op, 'lambda', lambda);
  checkOptions(op, opts, ['weightsOnly']);
  if (!(lambda >= 0)) throw new RangeError(`${op}: lambda must be a non-negative number, got ${lambda}`);
  const weightsOnly = opts.weightsOnly ?? true;
  let total: Tensor | null = null;
  for (const p of params) {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: params must be Tensors`);
    if (weightsOnly && p.ndim < 2) continue;
    const t = sum(term(p));
    total = total ? add(total, t) : t;
  }
  return total ? mul(total, lambda) : scalar(0);
}

/** λ·Σθ² over the weights. */
export function l2Penalty(params: Iterable<Tensor>, lambda: number, opts: PenaltyOptions = {}): Tensor {
  return penalty('l2Penalty', params, lambda, opts, square);
}

/** λ·Σ|θ| over the weights. */
export function l1Penalty(params: Iterable<Tensor>, lambda: number, opts: PenaltyOptions = {}): Tensor {
  return penalty('l1Penalty', params, lambda, opts, abs);
}

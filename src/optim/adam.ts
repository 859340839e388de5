// Adam (Kingma & Ba), as torch.optim.Adam: bias-corrected moving averages of the gradient and its
// square; weightDecay is L2 (added to the gradient). AdamW (adamw.ts) decouples the decay instead.
//   m = β1m + (1−β1)g;  v = β2v + (1−β2)g²;  θ −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)
import type { Tensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/dtype.js';
import { getBackend } from '../backend/registry.js';
import { optimizerOptions, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';
import { optionKeys } from '../util/options.js';

export type AdamOptions = { lr: number; betas: [number, number]; eps: number; weightDecay: number; amsgrad: boolean };

export const ADAM_KEYS = optionKeys<AdamOptions>({ lr: true, betas: true, eps: true, weightDecay: true, amsgrad: true });

export class Adam extends Optimizer<AdamOptions> {
  /** Whether weight decay is decoupled from the gradient (AdamW). */
  protected readonly decoupled: boolean = false;

  /** new Adam(params, {lr: 0.01}), or PyTorch's positional new Adam(params, 0.01, …). */
  constructor(
    params: ParamsArg<AdamOptions>,
    opts: Partial<AdamOptions> | number = {},
    ...rest: [betas?: [number, number], eps?: number, weightDecay?: number, amsgrad?: boolean]
  ) {
    opts = optimizerOptions<AdamOptions>('Adam', opts, rest, ADAM_KEYS);
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, ...opts });
  }

  protected validate(g: AdamOptions): void {
    const n = this.name;
    if (!(g.lr >= 0)) throw new RangeError(`${n}: invalid learning rate ${g.lr} (must be >= 0)`);
    if (!(g.eps >= 0)) throw new RangeError(`${n}: invalid eps ${g.eps} (must be >= 0)`);
    if (!Array.isArray(g.betas) || g.betas.length !== 2) throw new TypeError(`${n}: betas must be a pair [beta1, beta2], got ${JSON.stringify(g.betas)}`);
    g.betas.forEach((b, i) => {
      if (!(b >= 0 && b < 1)) throw new RangeError(`${n}: invalid beta parameter at index ${i}: ${b} (must be in [0, 1))`);
    });
    if (!(g.weightDecay >= 0)) throw new RangeError(`${n}: invalid weightDecay ${g.weightDecay} (must be >= 0)`);
  }

  protected update(p: Tensor, grad: TypedArray, state: ParamState, g: ParamGroup<AdamOptions>): void {
    if (state.step === undefined) {
      state.step = 0;
      state.expAvg = this.zerosLike(p);
      state.expAvgSq = this.zerosLike(p);
    }
    if (g.amsgrad && !state.maxExpAvgSq) state.maxExpAvgSq = this.zerosLike(p);
    const step = (state.step = (state.step as number) + 1);
    getBackend().kernels.adamStep(
      p.storage,
      grad,
      (state.expAvg as Tensor).storage,
      (state.expAvgSq as Tensor).storage,
      g.amsgrad ? (state.maxExpAvgSq as Tensor).storage : null,
      { lr: g.lr, beta1: g.betas[0], beta2: g.betas[1], eps: g.eps, weightDecay: g.weightDecay, step, decoupled: this.decoupled, amsgrad: g.amsgrad },
    );
  }
}

// RMSprop, as torch.optim.RMSprop: divide the gradient by a running RMS of recent gradients
//   v = αv + (1−α)g²;  (centered: m = αm + (1−α)g, v̂ = v − m²);  θ −= lr·g / (√v̂ + ε)  (or via momentum buffer)
import type { Tensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/dtype.js';
import { getBackend } from '../backend/registry.js';
import { optimizerOptions, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';
import { optionKeys } from '../util/options.js';

export type RMSpropOptions = { lr: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean };

export const RMSPROP_KEYS = optionKeys<RMSpropOptions>({ lr: true, alpha: true, eps: true, weightDecay: true, momentum: true, centered: true });

export class RMSprop extends Optimizer<RMSpropOptions> {
  /** new RMSprop(params, {lr: 0.01}), or PyTorch's positional new RMSprop(params, 0.01, …). */
  constructor(
    params: ParamsArg<RMSpropOptions>,
    opts: Partial<RMSpropOptions> | number = {},
    ...rest: [alpha?: number, eps?: number, weightDecay?: number, momentum?: number, centered?: boolean]
  ) {
    opts = optimizerOptions<RMSpropOptions>('RMSprop', opts, rest, RMSPROP_KEYS);
    super(params, { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, ...opts });
  }

  protected validate(g: RMSpropOptions): void {
    if (!(g.lr >= 0)) throw new RangeError(`RMSprop: invalid learning rate ${g.lr} (must be >= 0)`);
    if (!(g.alpha >= 0)) throw new RangeError(`RMSprop: invalid alpha ${g.alpha} (must be >= 0)`);
    if (!(g.eps >= 0)) throw new RangeError(`RMSprop: invalid eps ${g.eps} (must be >= 0)`);
    if (!(g.momentum >= 0)) throw new RangeError(`RMSprop: invalid momentum ${g.momentum} (must be >= 0)`);
    if (!(g.weightDecay >= 0)) throw new RangeError(`RMSprop: invalid weightDecay ${g.weightDecay} (must be >= 0)`);
  }

  protected update(p: Tensor, grad: TypedArray, state: ParamState, g: ParamGroup<RMSpropOptions>): void {
    if (state.step === undefined) {
      state.step = 0;
      state.squareAvg = this.zerosLike(p);
      if (g.momentum > 0) state.momentumBuffer = this.zerosLike(p);
      if (g.centered) state.gradAvg = this.zerosLike(p);
    }
    // a group switched to momentum/centered after the first step gets its buffer now
    if (g.momentum > 0 && !state.momentumBuffer) state.momentumBuffer = this.zerosLike(p);
    if (g.centered && !state.gradAvg) state.gradAvg = this.zerosLike(p);
    state.step = (state.step as number) + 1;
    getBackend().kernels.rmspropStep(
      p.storage,
      grad,
      (state.squareAvg as Tensor).storage,
      g.centered ? (state.gradAvg as Tensor).storage : null,
      g.momentum > 0 ? (state.momentumBuffer as Tensor).storage : null,
      { lr: g.lr, alpha: g.alpha, eps: g.eps, weightDecay: g.weightDecay, momentum: g.momentum, centered: g.centered },
    );
  }
}

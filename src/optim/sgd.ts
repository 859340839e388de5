// SGD with momentum, dampening, Nesterov momentum and (L2) weight decay, as torch.optim.SGD:
//   d = g + λθ;  b = μb + (1−τ)d (b = d on the first step);  d = nesterov ? d + μb : b;  θ −= lr·d
import type { Tensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/dtype.js';
import { getBackend } from '../backend/registry.js';
import { optimizerOptions, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';
import { optionKeys } from '../util/options.js';

export type SGDOptions = { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean };

export const SGD_KEYS = optionKeys<SGDOptions>({ lr: true, momentum: true, dampening: true, weightDecay: true, nesterov: true });

export class SGD extends Optimizer<SGDOptions> {
  /** new SGD(params, {lr: 0.01}), or PyTorch's positional new SGD(params, 0.01, …). */
  constructor(
    params: ParamsArg<SGDOptions>,
    opts: Partial<SGDOptions> | number = {},
    ...rest: [momentum?: number, dampening?: number, weightDecay?: number, nesterov?: boolean]
  ) {
    opts = optimizerOptions<SGDOptions>('SGD', opts, rest, SGD_KEYS);
    super(params, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...opts });
  }

  protected validate(g: SGDOptions): void {
    if (!(g.lr >= 0)) throw new RangeError(`SGD: invalid learning rate ${g.lr} (must be >= 0)`);
    if (!(g.momentum >= 0)) throw new RangeError(`SGD: invalid momentum ${g.momentum} (must be >= 0)`);
    if (!(g.weightDecay >= 0)) throw new RangeError(`SGD: invalid weightDecay ${g.weightDecay} (must be >= 0)`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new RangeError(`SGD: Nesterov momentum requires momentum > 0 and zero dampening, got momentum=${g.momentum}, dampening=${g.dampening}`);
    }
  }

  protected update(p: Tensor, grad: TypedArray, state: ParamState, g: ParamGroup<SGDOptions>): void {
    let buf: Tensor | null = null;
    let firstStep = false;
    if (g.momentum !== 0) {
      firstStep = !state.momentumBuffer;
      if (firstStep) state.momentumBuffer = this.zerosLike(p);
      buf = state.momentumBuffer as Tensor;
    }
    getBackend().kernels.sgdStep(p.storage, grad, buf ? buf.storage : null, {
      lr: g.lr,
      momentum: g.momentum,
      dampening: g.dampening,
      weightDecay: g.weightDecay,
      nesterov: g.nesterov,
      firstStep,
    });
  }
}

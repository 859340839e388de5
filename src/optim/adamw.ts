// AdamW (Loshchilov & Hutter), as torch.optim.AdamW: Adam with decoupled weight decay,
// θ ← θ(1 − lr·λ) before the Adam step; the default λ is 1e-2.
import { Adam, ADAM_KEYS, type AdamOptions } from './adam.js';
import { optimizerOptions, type ParamsArg } from './optimizer.js';

export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  /** new AdamW(params, {lr: 0.01}), or PyTorch's positional new AdamW(params, 0.01, …). */
  constructor(
    params: ParamsArg<AdamOptions>,
    opts: Partial<AdamOptions> | number = {},
    ...rest: [betas?: [number, number], eps?: number, weightDecay?: number, amsgrad?: boolean]
  ) {
    opts = optimizerOptions<AdamOptions>('AdamW', opts, rest, ADAM_KEYS);
    super(params, { weightDecay: 1e-2, ...opts });
  }
}

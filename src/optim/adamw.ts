// AdamW (Loshchilov & Hutter), as torch.optim.AdamW: Adam with decoupled weight decay,
// θ ← θ(1 − lr·λ) before the Adam step; the default λ is 1e-2.
import { Adam, type AdamOptions } from './adam.js';
import type { ParamsArg } from './optimizer.js';

export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: ParamsArg<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...opts });
  }
}

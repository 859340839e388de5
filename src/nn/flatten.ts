// Flatten: merges dims startDim..endDim (by default all but the batch dim), as torch.nn.Flatten.
import type { Tensor } from '../tensor/tensor.js';
import { flatten } from '../ops/index.js';
import { Module } from './module.js';
import { checkNumber, checkOptions, isPlainObject } from '../util/options.js';

export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  /** new Flatten(1, -1), or PyTorch's keyword form new Flatten({startDim, endDim}). */
  constructor(startDim: number | { startDim?: number; endDim?: number } = 1, endDim = -1) {
    super();
    if (isPlainObject(startDim)) {
      checkOptions('Flatten', startDim, ['startDim', 'endDim']);
      endDim = startDim.endDim ?? endDim;
      startDim = startDim.startDim ?? 1;
    }
    checkNumber('Flatten', 'startDim', startDim);
    checkNumber('Flatten', 'endDim', endDim);
    this.startDim = startDim;
    this.endDim = endDim;
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

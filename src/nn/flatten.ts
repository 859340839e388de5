// Flatten: merges dims startDim..endDim (by default all but the batch dim), as torch.nn.Flatten.
import type { Tensor } from '../tensor/tensor.js';
import { flatten } from '../ops/index.js';
import { Module } from './module.js';

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(x: Tensor): Tensor { return flatten(x, this.startDim, this.endDim); }
  override extraRepr(): string { return `startDim=${this.startDim}, endDim=${this.endDim}`; }
}

// Identity: returns its input (a placeholder layer, e.g. to switch a block off).
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

// Activation functions as modules, wrapping the ops in src/ops/activations.ts and softmax.ts.
import type { Tensor } from '../tensor/tensor.js';
import { elu, gelu, leakyRelu, logSoftmax, relu, sigmoid, silu, softmax, softplus, tanh } from '../ops/index.js';
import { Module } from './module.js';
import { checkNumber, checkOneOf, checkOptions, describe, isPlainObject, numberOption } from '../util/options.js';

/** Sigmoid, Tanh, ReLU and SiLU take no arguments (deepts has no inplace variants). */
function noArguments(op: string, args: readonly unknown[]): void {
  if (args.length === 1 && isPlainObject(args[0])) checkOptions(op, args[0], []); // e.g. PyTorch's {inplace}: unknown option
  if (args.length) throw new TypeError(`${op}: takes no arguments, got ${args.map(describe).join(', ')}`);
}

export class Sigmoid extends Module {
  constructor(...args: []) {
    super();
    noArguments('Sigmoid', args);
  }
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  constructor(...args: []) {
    super();
    noArguments('Tanh', args);
  }
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class ReLU extends Module {
  constructor(...args: []) {
    super();
    noArguments('ReLU', args);
  }
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  /** new LeakyReLU(0.1), or PyTorch's keyword form new LeakyReLU({negativeSlope: 0.1}). */
  constructor(negativeSlope: number | { negativeSlope?: number } = 0.01) {
    super();
    this.negativeSlope = numberOption('LeakyReLU', 'negativeSlope', negativeSlope, 0.01);
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

export class ELU extends Module {
  readonly alpha: number;
  /** new ELU(0.5), or new ELU({alpha: 0.5}). */
  constructor(alpha: number | { alpha?: number } = 1) {
    super();
    this.alpha = numberOption('ELU', 'alpha', alpha, 1);
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** GELU, exact ('none') or with GPT-2's tanh approximation ('tanh'). */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  /** new GELU('tanh'), or new GELU({approximate: 'tanh'}). */
  constructor(approximate: 'none' | 'tanh' | { approximate?: 'none' | 'tanh' } = 'none') {
    super();
    if (isPlainObject(approximate)) {
      checkOptions('GELU', approximate, ['approximate']);
      approximate = approximate.approximate ?? 'none';
    }
    if (typeof approximate !== 'string') checkOneOf('GELU', 'approximate', approximate, ['none', 'tanh']);
    if (approximate !== 'none' && approximate !== 'tanh') throw new RangeError(`GELU: approximate must be 'none' or 'tanh', got '${approximate}'`);
    this.approximate = approximate;
  }
  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export class SiLU extends Module {
  constructor(...args: []) {
    super();
    noArguments('SiLU', args);
  }
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  /** new Softplus(2, 10), or new Softplus({beta: 2, threshold: 10}). */
  constructor(beta: number | { beta?: number; threshold?: number } = 1, threshold = 20) {
    super();
    if (isPlainObject(beta)) {
      checkOptions('Softplus', beta, ['beta', 'threshold']);
      threshold = beta.threshold ?? threshold;
      beta = beta.beta ?? 1;
    }
    checkNumber('Softplus', 'beta', beta);
    checkNumber('Softplus', 'threshold', threshold);
    this.beta = beta;
    this.threshold = threshold;
  }
  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

export class Softmax extends Module {
  readonly dim: number;
  /** new Softmax(1), or new Softmax({dim: 1}). */
  constructor(dim: number | { dim?: number } = -1) {
    super();
    this.dim = numberOption('Softmax', 'dim', dim, -1);
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export class LogSoftmax extends Module {
  readonly dim: number;
  /** new LogSoftmax(1), or new LogSoftmax({dim: 1}). */
  constructor(dim: number | { dim?: number } = -1) {
    super();
    this.dim = numberOption('LogSoftmax', 'dim', dim, -1);
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

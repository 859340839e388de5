// The multi-layer perceptron of the playground and the lecture: Linear layers with an activation
// between them, optional dropout after each hidden activation, and a plain Linear output (logits
// for classification, values for regression).
import type { Generator } from '../tensor/generator.js';
import * as nn from '../nn/index.js';
import { checkNumber, checkOptions, optionKeys } from '../util/options.js';

export const MLP_ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear', 'leaky-relu', 'elu', 'maxout', 'gelu', 'silu', 'softplus'] as const;
export type MlpActivation = (typeof MLP_ACTIVATIONS)[number];

export type MlpOptions = {
  inputs: number;
  /** Units of each hidden layer, e.g. [8, 8]; [] gives a linear model. */
  hidden: readonly number[];
  outputs: number;
  /** Default 'relu'. 'maxout' replaces Linear+activation by nn.Maxout with 2 pieces. */
  activation?: MlpActivation;
  /** Dropout probability after each hidden layer (default 0). */
  dropout?: number;
  /** Negative slope of 'leaky-relu' (default 0.01, PyTorch's). */
  leakySlope?: number;
  /** Generator for weight initialization (default: the default generator). */
  generator?: Generator;
};

function activationModule(name: MlpActivation, leakySlope: number): nn.Module {
  switch (name) {
    case 'relu':
      return new nn.ReLU();
    case 'tanh':
      return new nn.Tanh();
    case 'sigmoid':
      return new nn.Sigmoid();
    case 'linear':
      return new nn.Identity();
    case 'leaky-relu':
      return new nn.LeakyReLU(leakySlope);
    case 'elu':
      return new nn.ELU();
    case 'gelu':
      return new nn.GELU();
    case 'silu':
      return new nn.SiLU();
    case 'softplus':
      return new nn.Softplus();
    case 'maxout':
      throw new Error('unreachable: maxout is built as a layer');
  }
}

/** mlp({inputs: 2, hidden: [8, 8], outputs: 2, activation: 'tanh'}) -> Sequential(Linear, Tanh, Linear, Tanh, Linear). */
const MLP_KEYS = optionKeys<MlpOptions>({ inputs: true, hidden: true, outputs: true, activation: true, dropout: true, leakySlope: true, generator: true });

export function mlp(opts: MlpOptions): nn.Sequential {
  if (opts === undefined) throw new TypeError(`mlp: expected options {${MLP_KEYS.join(', ')}}`);
  checkOptions('mlp', opts, MLP_KEYS);
  if (!Array.isArray(opts.hidden)) throw new TypeError(`mlp: hidden must be an array of layer widths such as [8, 8], got ${typeof opts.hidden}`);
  if (opts.leakySlope !== undefined) checkNumber('mlp', 'leakySlope', opts.leakySlope);
  const { inputs, hidden, outputs, activation = 'relu', dropout = 0, leakySlope = 0.01, generator } = opts;
  const positive = (what: string, n: number): void => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`mlp: ${what} must be a positive integer, got ${n}`);
  };
  positive('inputs', inputs);
  positive('outputs', outputs);
  hidden.forEach((h, i) => positive(`hidden[${i}]`, h));
  if (!(MLP_ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new RangeError(`mlp: unknown activation '${activation}', expected one of ${MLP_ACTIVATIONS.join(', ')}`);
  }
  if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`mlp: dropout must be in [0, 1), got ${dropout}`);
  const layers: nn.Module[] = [];
  let width = inputs;
  for (const units of hidden) {
    if (activation === 'maxout') {
      layers.push(new nn.Maxout(width, units, 2, { generator }));
    } else {
      layers.push(new nn.Linear(width, units, { generator }));
      layers.push(activationModule(activation, leakySlope));
    }
    if (dropout > 0) layers.push(new nn.Dropout(dropout, { generator }));
    width = units;
  }
  layers.push(new nn.Linear(width, outputs, { generator }));
  return new nn.Sequential(...layers);
}

// One step of a recurrent layer, as torch.nn.RNNCell, LSTMCell and GRUCell: for a loop the caller
// writes (a decoder feeding back its own output, attention between steps). Parameters as PyTorch:
// weight_ih (G·H, inputSize), weight_hh (G·H, H), bias_ih, bias_hh (G·H), all U(−1/√H, 1/√H).
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { zeros } from '../tensor/creation.js';
import { add, gruCell, linear, lstmCell, relu, tanh } from '../ops/index.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { uniform_ } from './init.js';
import { checkBoolean, checkDtype, checkNumber, checkOneOf, checkOptions, describe, optionKeys } from '../util/options.js';

export type RNNCellOptions = { bias?: boolean; dtype?: DType; generator?: Generator };
export type RNNTanhCellOptions = RNNCellOptions & { nonlinearity?: 'tanh' | 'relu' };
const CELL_KEYS = optionKeys<RNNCellOptions>({ bias: true, dtype: true, generator: true });

abstract class CellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(
    readonly cellName: string,
    gates: number,
    inputSize: number,
    hiddenSize: number,
    opts: RNNCellOptions,
    extraKeys: readonly string[] = [],
  ) {
    super();
    checkNumber(cellName, 'inputSize', inputSize, { integer: true, min: 1 });
    checkNumber(cellName, 'hiddenSize', hiddenSize, { integer: true, min: 1 });
    if (opts === null || typeof opts !== 'object') throw new TypeError(`${cellName}: options must be an object, got ${describe(opts)}`);
    checkOptions(cellName, opts, [...CELL_KEYS, ...extraKeys]);
    if (opts.bias !== undefined) checkBoolean(cellName, 'bias', opts.bias);
    if (opts.dtype !== undefined) checkDtype(cellName, opts.dtype);
    const dtype = opts.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`${cellName}: dtype must be float32 or float64, got ${dtype}`);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = opts.bias ?? true;
    const G = gates * hiddenSize;
    this.weight_ih = new Parameter(Tensor.empty([G, inputSize], dtype));
    this.weight_hh = new Parameter(Tensor.empty([G, hiddenSize], dtype));
    this.bias_ih = this.bias ? new Parameter(Tensor.empty([G], dtype)) : null;
    this.bias_hh = this.bias ? new Parameter(Tensor.empty([G], dtype)) : null;
    const k = 1 / Math.sqrt(hiddenSize);
    for (const p of this.parameters()) uniform_(p, -k, k, { generator: opts.generator });
  }

  /** input (N, inputSize) or unbatched (inputSize); returns it as (N, inputSize) and whether it was unbatched. */
  protected batched(input: Tensor): [Tensor, boolean] {
    if (!(input instanceof Tensor)) throw new TypeError(`${this.cellName}: input must be a Tensor, got ${describe(input)}`);
    if ((input.ndim !== 1 && input.ndim !== 2) || input.shape[input.ndim - 1] !== this.inputSize)
      throw new RangeError(`${this.cellName}: input must be (N, ${this.inputSize}) or (${this.inputSize}), got ${shapeStr(input.shape)}`);
    return input.ndim === 1 ? [input.unsqueeze(0), true] : [input, false];
  }

  /** A state (N, H) (or (H) unbatched), or zeros when not given. */
  protected state(what: string, s: Tensor | null | undefined, x: Tensor, unbatched: boolean): Tensor {
    const N = x.shape[0]!;
    if (s === undefined || s === null) return zeros([N, this.hiddenSize], { dtype: x.dtype });
    if (!(s instanceof Tensor)) throw new TypeError(`${this.cellName}: ${what} must be a Tensor, got ${describe(s)}`);
    const expected = unbatched ? [this.hiddenSize] : [N, this.hiddenSize];
    if (shapeStr(s.shape) !== shapeStr(expected)) throw new RangeError(`${this.cellName}: ${what} must be ${shapeStr(expected)}, got ${shapeStr(s.shape)}`);
    return unbatched ? s.unsqueeze(0) : s;
  }

  /** (xg, hg): the two projections of this step. */
  protected projections(x: Tensor, h: Tensor): [Tensor, Tensor] {
    return [linear(x, this.weight_ih, this.bias_ih), linear(h, this.weight_hh, this.bias_hh)];
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=false'}`;
  }
}

/** h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or ReLU). forward(input, h?) → h'. */
export class RNNCell extends CellBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, opts: RNNTanhCellOptions = {}) {
    super('RNNCell', 1, inputSize, hiddenSize, opts, ['nonlinearity']);
    const nl = opts.nonlinearity ?? 'tanh';
    checkOneOf('RNNCell', 'nonlinearity', nl, ['tanh', 'relu'] as const);
    this.nonlinearity = nl;
  }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const [x, unbatched] = this.batched(input);
    const h = this.state('hx', hx, x, unbatched);
    const [xg, hg] = this.projections(x, h);
    const out = this.nonlinearity === 'tanh' ? tanh(add(xg, hg)) : relu(add(xg, hg));
    return unbatched ? out.squeeze(0) : out;
  }
}

/** One LSTM step (gates i, f, g, o). forward(input, [h, c]?) → [h', c']. */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super('LSTMCell', 4, inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const [x, unbatched] = this.batched(input);
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2))
      throw new TypeError(`LSTMCell: the state must be [h, c], got ${describe(hx)}`);
    const h = this.state('h', hx?.[0], x, unbatched),
      c = this.state('c', hx?.[1], x, unbatched);
    const [xg, hg] = this.projections(x, h);
    const [h2, c2] = lstmCell(xg, hg, c);
    return unbatched ? [h2.squeeze(0), c2.squeeze(0)] : [h2, c2];
  }
}

/** One GRU step (gates r, z, n). forward(input, h?) → h'. */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super('GRUCell', 3, inputSize, hiddenSize, opts);
  }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const [x, unbatched] = this.batched(input);
    const h = this.state('hx', hx, x, unbatched);
    const [xg, hg] = this.projections(x, h);
    const out = gruCell(xg, hg, h);
    return unbatched ? out.squeeze(0) : out;
  }
}

// Recurrent layers as torch.nn.RNN, LSTM and GRU: numLayers stacked layers, each one or two
// directions, over (T, B, inputSize) (batchFirst: (B, T, inputSize)), an unbatched (T, inputSize)
// sequence, or a PackedSequence. Parameters, their names, shapes, gate order and initialization are
// PyTorch's (weight_ih_l{k}{_reverse} (G·H, in), weight_hh_l… (G·H, H), bias_ih_l…, bias_hh_l…;
// G = 1, 4 (i, f, g, o) or 3 (r, z, n); all U(−1/√H, 1/√H)), so a PyTorch state dict loads as it is.
//
// A layer runs over the packed form, the time steps one after another: the input projection of
// every step is one matmul, then per step h Whhᵀ (a matmul) and the cell — for the LSTM and GRU the
// whole loop is one op with fused kernels (ops/rnn-layers.ts), the Elman RNN takes a linear and
// tanh/relu a step. At step t only the batchSizes[t] longest sequences are still running, so a
// padded step never touches a state; the reverse direction starts each sequence at its own last step.
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { zeros } from '../tensor/creation.js';
import { cat, indexSelect, linear, narrow, recurrentLayer, recurrentSteps, stack } from '../ops/index.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { dropout } from './dropout.js';
import { uniform_ } from './init.js';
import { PackedSequence } from './utils/rnn.js';
import { checkBoolean, checkDtype, checkNumber, checkOneOf, checkOptions, describe, optionKeys } from '../util/options.js';

export type RNNMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

export type RNNOptions = {
  /** Stacked layers (default 1); layer k > 0 reads layer k − 1's output. */
  numLayers?: number;
  /** Biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Input and output are (B, T, *) instead of (T, B, *); the states stay (D·numLayers, B, H). */
  batchFirst?: boolean;
  /** Dropout on each layer's output except the last's, in training (default 0). */
  dropout?: number;
  /** A second direction reading the sequence backwards; outputs are concatenated (default false). */
  bidirectional?: boolean;
  dtype?: DType;
  generator?: Generator;
};
export type RNNTanhOptions = RNNOptions & { nonlinearity?: 'tanh' | 'relu' };

const RNN_KEYS = optionKeys<RNNOptions>({ numLayers: true, bias: true, batchFirst: true, dropout: true, bidirectional: true, dtype: true, generator: true });

const GATES: Record<RNNMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };
const NAMES: Record<RNNMode, string> = { RNN_TANH: 'RNN', RNN_RELU: 'RNN', LSTM: 'LSTM', GRU: 'GRU' };

/** One direction of one layer's parameters. */
type Weights = { wIh: Parameter; wHh: Parameter; bIh: Parameter | null; bHh: Parameter | null };

/** PyTorch's positional numLayers as the options object. */
function withNumLayers<O extends RNNOptions>(opts: O | number): O {
  return (typeof opts === 'number' ? { numLayers: opts } : opts) as O;
}

export abstract class RNNBase extends Module {
  readonly mode: RNNMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly generator: Generator | undefined;

  constructor(mode: RNNMode, inputSize: number, hiddenSize: number, opts: RNNOptions, extraKeys: readonly string[] = []) {
    super();
    const name = NAMES[mode];
    checkNumber(name, 'inputSize', inputSize, { integer: true, min: 1 });
    checkNumber(name, 'hiddenSize', hiddenSize, { integer: true, min: 1 });
    if (opts === null || typeof opts !== 'object') throw new TypeError(`${name}: options must be an object, got ${describe(opts)}`);
    checkOptions(name, opts, [...RNN_KEYS, ...extraKeys]);
    if (opts.numLayers !== undefined) checkNumber(name, 'numLayers', opts.numLayers, { integer: true, min: 1 });
    for (const k of ['bias', 'batchFirst', 'bidirectional'] as const) if (opts[k] !== undefined) checkBoolean(name, k, opts[k]);
    if (opts.dropout !== undefined) checkNumber(name, 'dropout', opts.dropout, { min: 0, max: 1 });
    if (opts.dtype !== undefined) checkDtype(name, opts.dtype);
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    this.generator = opts.generator;
    const dtype = opts.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`${name}: dtype must be float32 or float64, got ${dtype}`);
    const G = GATES[mode] * hiddenSize;
    const D = this.bidirectional ? 2 : 1;
    const param = (shape: number[]) => new Parameter(Tensor.empty(shape, dtype));
    for (let layer = 0; layer < this.numLayers; layer++) {
      const inF = layer === 0 ? inputSize : D * hiddenSize;
      for (let dir = 0; dir < D; dir++) {
        const s = `_l${layer}${dir ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${s}`, param([G, inF]));
        this.registerParameter(`weight_hh${s}`, param([G, hiddenSize]));
        if (this.bias) {
          this.registerParameter(`bias_ih${s}`, param([G]));
          this.registerParameter(`bias_hh${s}`, param([G]));
        }
      }
    }
    this.resetParameters();
  }

  /** Every weight and bias U(−1/√H, 1/√H), as PyTorch. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -k, k, { generator: this.generator });
  }

  private weights(layer: number, reverse: boolean): Weights {
    const s = `_l${layer}${reverse ? '_reverse' : ''}`;
    const self = this as unknown as Record<string, Parameter | null>;
    return { wIh: self[`weight_ih${s}`]!, wHh: self[`weight_hh${s}`]!, bIh: self[`bias_ih${s}`] ?? null, bHh: self[`bias_hh${s}`] ?? null };
  }

  protected get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The (D·numLayers, B, H) shape a state must have. */
  protected stateShape(batch: number): number[] {
    return [this.numDirections * this.numLayers, batch, this.hiddenSize];
  }

  /**
   * The whole stack over packed data (Σ sizes, inputSize): returns the last layer's output data
   * (Σ sizes, D·H) and the final states (D·numLayers, B, H) in sorted order; h0 (and c0) likewise.
   */
  protected runPacked(data: Tensor, sizes: readonly number[], h0: Tensor | null, c0: Tensor | null): [Tensor, Tensor, Tensor | null] {
    const B = sizes[0]!;
    const D = this.numDirections;
    const hN: Tensor[] = [],
      cN: Tensor[] = [];
    let x = data;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < D; dir++) {
        const k = layer * D + dir;
        const hInit = h0 ? h0.select(0, k) : zeros([B, this.hiddenSize], { dtype: data.dtype });
        const cInit = this.mode === 'LSTM' ? (c0 ? c0.select(0, k) : zeros([B, this.hiddenSize], { dtype: data.dtype })) : null;
        const [out, h, c] = this.runDirection(x, sizes, this.weights(layer, dir === 1), dir === 1, hInit, cInit);
        outs.push(out);
        hN.push(h);
        if (c) cN.push(c);
      }
      x = D === 1 ? outs[0]! : cat(outs, 1);
      if (layer < this.numLayers - 1 && this.dropout > 0 && this.training) x = dropout(x, this.dropout, true, { generator: this.generator });
    }
    return [x, stack(hN, 0), this.mode === 'LSTM' ? stack(cN, 0) : null];
  }

  /** One direction of one layer: output data (Σ sizes, H), final h and c (B, H). */
  private runDirection(x: Tensor, sizes: readonly number[], w: Weights, reverse: boolean, h0: Tensor, c0: Tensor | null): [Tensor, Tensor, Tensor | null] {
    const xProj = linear(x, w.wIh, w.bIh); // (Σ sizes, G·H): the input projection of every step at once
    // gated cells: the whole time loop is one op with fused kernels (ops/rnn-layers.ts)
    if (this.mode === 'LSTM' || this.mode === 'GRU') return recurrentLayer(this.mode === 'LSTM' ? 'lstm' : 'gru', xProj, w.wHh, w.bHh, h0, c0, sizes, reverse);
    // the Elman RNN: one linear and tanh/relu a step
    const y = recurrentSteps(this.mode === 'RNN_TANH' ? 'tanh' : 'relu', xProj, w.wHh, w.bHh, h0, null, sizes, reverse);
    const N = xProj.shape[0]!,
      B = h0.shape[0]!;
    return [narrow(y, 0, 0, N), narrow(y, 0, N, B), null];
  }

  /** Checks and normalizes the input; returns the packed data, steps, and how to give the output back. */
  protected prepare(input: Tensor | PackedSequence): {
    data: Tensor;
    /** Rows of each step (batchSizes). */
    sizes: number[];
    batch: number;
    packed: PackedSequence | null;
    unbatched: boolean;
    steps: number;
  } {
    const name = NAMES[this.mode];
    if (input instanceof PackedSequence) {
      if (input.data.ndim !== 2 || input.data.shape[1] !== this.inputSize)
        throw new RangeError(`${name}: packed data must be (Σ batchSizes, inputSize = ${this.inputSize}), got ${shapeStr(input.data.shape)}`);
      const sizes = input.sizes();
      return { data: input.data, sizes, batch: sizes[0]!, packed: input, unbatched: false, steps: sizes.length };
    }
    if (!(input instanceof Tensor)) throw new TypeError(`${name}: input must be a Tensor or a PackedSequence, got ${describe(input)}`);
    if (input.dtype !== 'float32' && input.dtype !== 'float64') throw new TypeError(`${name}: input must be float32 or float64, got ${input.dtype}`);
    if (input.ndim !== 2 && input.ndim !== 3)
      throw new RangeError(
        `${name}: input must be ${this.batchFirst ? '(B, T, inputSize)' : '(T, B, inputSize)'} or unbatched (T, inputSize), got ${shapeStr(input.shape)}`,
      );
    if (input.shape[input.ndim - 1] !== this.inputSize)
      throw new RangeError(`${name}: input ${shapeStr(input.shape)} has ${input.shape[input.ndim - 1]} features, expected inputSize ${this.inputSize}`);
    const unbatched = input.ndim === 2;
    const timeMajor = unbatched ? input.unsqueeze(1) : this.batchFirst ? input.transpose(0, 1) : input; // (T, B, I)
    const [T, B] = timeMajor.shape as [number, number];
    if (T === 0 || B === 0) throw new RangeError(`${name}: input ${shapeStr(input.shape)} has no steps or no sequences`);
    return { data: timeMajor.reshape(T * B, this.inputSize), sizes: new Array<number>(T).fill(B), batch: B, packed: null, unbatched, steps: T };
  }

  /** A state given by the caller, checked and in the packed batch's sorted order. */
  protected initialState(what: string, s: Tensor | null | undefined, prep: ReturnType<RNNBase['prepare']>, dtype: DType): Tensor | null {
    if (s === undefined || s === null) return null;
    const name = NAMES[this.mode];
    if (!(s instanceof Tensor)) throw new TypeError(`${name}: ${what} must be a Tensor, got ${describe(s)}`);
    const expected = this.stateShape(prep.batch);
    const state = prep.unbatched ? s.unsqueeze(1) : s;
    if (shapeStr(state.shape) !== shapeStr(expected))
      throw new RangeError(
        `${name}: ${what} must be ${prep.unbatched ? shapeStr([expected[0]!, expected[2]!]) : shapeStr(expected)} (D·numLayers, ${prep.unbatched ? '' : 'B, '}hiddenSize), got ${shapeStr(s.shape)}`,
      );
    if (s.dtype !== dtype) throw new TypeError(`${name}: ${what} is ${s.dtype}, the input ${dtype}`);
    const order = prep.packed?.sortedIndices;
    return order ? indexSelect(state, 1, order) : state;
  }

  /** The output in the input's form, and a final state in the caller's batch order. */
  protected finish(prep: ReturnType<RNNBase['prepare']>, out: Tensor): Tensor | PackedSequence {
    if (prep.packed) return prep.packed.withData(out);
    const y = out.view(prep.steps, prep.batch, out.shape[1]!); // (T, B, D·H)
    if (prep.unbatched) return y.squeeze(1);
    return this.batchFirst ? y.transpose(0, 1) : y;
  }

  protected finalState(prep: ReturnType<RNNBase['prepare']>, s: Tensor): Tensor {
    const order = prep.packed?.unsortedIndices;
    const state = order ? indexSelect(s, 1, order) : s;
    return prep.unbatched ? state.squeeze(1) : state;
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (this.mode === 'RNN_RELU') parts.push("nonlinearity='relu'");
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return parts.join(', ');
  }
}

/** Elman RNN, h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh) (or ReLU): forward(input, h0?) → [output, hN]. */
export class RNN extends RNNBase {
  /** new RNN(10, 20, {numLayers: 2, nonlinearity: 'relu'}), or PyTorch's positional new RNN(10, 20, 2). */
  constructor(inputSize: number, hiddenSize: number, opts: RNNTanhOptions | number = {}) {
    const o = withNumLayers(opts);
    const nl = (o as RNNTanhOptions).nonlinearity ?? 'tanh';
    checkOneOf('RNN', 'nonlinearity', nl, ['tanh', 'relu'] as const);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, o, ['nonlinearity']);
  }

  /** input (T, B, I) / (B, T, I) / (T, I) / packed; h0 (D·numLayers, B, H). Returns [output (…, D·H), hN]. */
  forward(input: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    const prep = this.prepare(input);
    const [out, hN] = this.runPacked(prep.data, prep.sizes, this.initialState('h0', h0, prep, prep.data.dtype), null);
    return [this.finish(prep, out), this.finalState(prep, hN)];
  }
}

/** Long short-term memory (gates i, f, g, o): forward(input, [h0, c0]?) → [output, [hN, cN]]. */
export class LSTM extends RNNBase {
  /** new LSTM(10, 20, {numLayers: 2, bidirectional: true}), or new LSTM(10, 20, 2). */
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions | number = {}) {
    super('LSTM', inputSize, hiddenSize, withNumLayers(opts));
  }

  forward(input: Tensor | PackedSequence, hx?: readonly [Tensor, Tensor] | null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    const prep = this.prepare(input);
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2))
      throw new TypeError(`LSTM: the initial state must be [h0, c0], got ${describe(hx)}`);
    const dtype = prep.data.dtype;
    const h0 = this.initialState('h0', hx?.[0], prep, dtype),
      c0 = this.initialState('c0', hx?.[1], prep, dtype);
    if ((h0 === null) !== (c0 === null)) throw new TypeError('LSTM: give both h0 and c0, or neither');
    const [out, hN, cN] = this.runPacked(prep.data, prep.sizes, h0, c0);
    return [this.finish(prep, out), [this.finalState(prep, hN), this.finalState(prep, cN!)]];
  }
}

/** Gated recurrent unit (gates r, z, n; b_hn inside r ⊙ (…)): forward(input, h0?) → [output, hN]. */
export class GRU extends RNNBase {
  /** new GRU(10, 20, {numLayers: 2, batchFirst: true}), or new GRU(10, 20, 2). */
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions | number = {}) {
    super('GRU', inputSize, hiddenSize, withNumLayers(opts));
  }

  forward(input: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    const prep = this.prepare(input);
    const [out, hN] = this.runPacked(prep.data, prep.sizes, this.initialState('h0', h0, prep, prep.data.dtype), null);
    return [this.finish(prep, out), this.finalState(prep, hN)];
  }
}

// One time step of the gated recurrent cells, as ops with fused kernels (forward and backward):
// the projections are given (xg = x Wihᵀ + bih, hg = h Whhᵀ + bhh, made by linear()), so what is
// fused is the gates' pointwise math — ~10 elementwise kernels a step otherwise. The activations
// the backward reads are the node's scratch (record.ts). Each has a composed form from ordinary
// ops: the reference in the tests, and what createGraph differentiates.
import type { Tensor } from '../tensor/tensor.js';
import { uninitializedTensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { record } from './record.js';
import { kernels, requireFloat } from './util.js';
import { add, mul, sub } from './elementwise.js';
import { sigmoid, tanh } from './activations.js';
import { stack } from './join.js';
import { contiguous, narrow, select } from './view.js';

/** The elements of a contiguous tensor as a typed array of exactly them (a view of its storage, for a kernel call). */
function rowArray(t: Tensor): TypedArray {
  const n = t.numel();
  return t.offset === 0 && t.storage.length === n ? t.storage : t.storage.subarray(t.offset, t.offset + n);
}

function checkCell(op: string, gates: number, xg: Tensor, hg: Tensor, state: Tensor): [number, number] {
  for (const t of [xg, hg, state]) requireFloat(op, t);
  const [rows, H] = state.shape as [number, number];
  const ok =
    state.ndim === 2 &&
    xg.ndim === 2 &&
    hg.ndim === 2 &&
    xg.shape[0] === rows &&
    hg.shape[0] === rows &&
    xg.shape[1] === gates * H &&
    hg.shape[1] === gates * H &&
    xg.dtype === state.dtype &&
    hg.dtype === state.dtype;
  if (!ok)
    throw new RangeError(
      `${op}: expected xg and hg (rows, ${gates}·H) and the state (rows, H) of one dtype, got xg ${shapeStr(xg.shape)} ${xg.dtype}, hg ${shapeStr(hg.shape)} ${hg.dtype}, state ${shapeStr(state.shape)} ${state.dtype}`,
    );
  return [rows, H];
}

/** The LSTM step from ordinary ops: [h, c] stacked as (2, rows, H). */
function composedLstm(xg: Tensor, hg: Tensor, cPrev: Tensor, H: number): Tensor {
  const gates = add(xg, hg); // (rows, 4H): i, f, g, o
  const [i, f, u, o] = [0, 1, 2, 3].map((k) => narrow(gates, 1, k * H, H)) as [Tensor, Tensor, Tensor, Tensor];
  const c = add(mul(sigmoid(f), cPrev), mul(sigmoid(i), tanh(u)));
  return stack([mul(sigmoid(o), tanh(c)), c]);
}

/**
 * One LSTM step (gates i, f, g, o, as PyTorch): xg = x Wihᵀ + bih and hg = h Whhᵀ + bhh, both
 * (rows, 4H); cPrev (rows, H). Returns [h, c], each (rows, H).
 */
export function lstmCell(xg: Tensor, hg: Tensor, cPrev: Tensor): [Tensor, Tensor] {
  const [rows, H] = checkCell('lstmCell', 4, xg, hg, cPrev);
  const x = contiguous(xg),
    h = contiguous(hg),
    c = contiguous(cPrev);
  const dtype = cPrev.dtype;
  const hc = uninitializedTensor([2, rows, H], dtype); // the kernels write every element of these
  const act = uninitializedTensor([rows, 4 * H], dtype).storage;
  const tanhC = uninitializedTensor([rows, H], dtype).storage;
  const p = { rows, hidden: H };
  kernels().lstmCell(rowArray(x), rowArray(h), rowArray(c), p, hc.storage, act, tanhC);
  const out = record(
    hc,
    'LstmCell',
    [xg, hg, cPrev],
    (g) => {
      const dhc = contiguous(g);
      const dGates = uninitializedTensor([rows, 4 * H], dtype),
        dcPrev = uninitializedTensor([rows, H], dtype);
      kernels().lstmCellBackward(act, tanhC, rowArray(c), rowArray(dhc), p, dGates.storage, dcPrev.storage);
      return [dGates, dGates, dcPrev]; // xg and hg enter the gates as a sum
    },
    () => composedLstm(xg, hg, cPrev, H),
    [act, tanhC],
  );
  return [select(out, 0, 0), select(out, 0, 1)];
}

/** The GRU step from ordinary ops. */
function composedGru(xg: Tensor, hg: Tensor, hPrev: Tensor, H: number): Tensor {
  const part = (t: Tensor, k: number) => narrow(t, 1, k * H, H);
  const r = sigmoid(add(part(xg, 0), part(hg, 0)));
  const z = sigmoid(add(part(xg, 1), part(hg, 1)));
  const n = tanh(add(part(xg, 2), mul(r, part(hg, 2))));
  return add(mul(sub(1, z), n), mul(z, hPrev));
}

/**
 * One GRU step (gates r, z, n, as PyTorch, with b_hn inside r ⊙ (…)): xg = x Wihᵀ + bih and
 * hg = h Whhᵀ + bhh, both (rows, 3H); hPrev (rows, H). Returns h (rows, H).
 */
export function gruCell(xg: Tensor, hg: Tensor, hPrev: Tensor): Tensor {
  const [rows, H] = checkCell('gruCell', 3, xg, hg, hPrev);
  const x = contiguous(xg),
    h = contiguous(hg),
    hp = contiguous(hPrev);
  const dtype = hPrev.dtype;
  const out = uninitializedTensor([rows, H], dtype); // the kernels write every element of these
  const saved = uninitializedTensor([rows, 4 * H], dtype).storage;
  const p = { rows, hidden: H };
  kernels().gruCell(rowArray(x), rowArray(h), rowArray(hp), p, out.storage, saved);
  return record(
    out,
    'GruCell',
    [xg, hg, hPrev],
    (g) => {
      const dh = contiguous(g);
      const dxg = uninitializedTensor([rows, 3 * H], dtype),
        dhg = uninitializedTensor([rows, 3 * H], dtype),
        dhPrev = uninitializedTensor([rows, H], dtype);
      kernels().gruCellBackward(saved, rowArray(hp), rowArray(dh), p, dxg.storage, dhg.storage, dhPrev.storage);
      return [dxg, dhg, dhPrev];
    },
    () => composedGru(xg, hg, hPrev, H),
    [saved],
  );
}

/** The composed forms, for tests: the LSTM's (2, rows, H) [h; c] and the GRU's h. */
export const composedCells = { lstm: composedLstm, gru: composedGru };

// A whole direction of one LSTM or GRU layer over a packed batch, as one op: the time loop runs
// inside (per step one h·Whhᵀ matmul and the fused cell kernel), and the backward runs it back
// (per step the cell's backward kernel and one dGates·Whh matmul), then forms the recurrent
// weight's gradient for every step at once: dWhh = Σ_t dGates_tᵀ·h_{t−1}, one matmul over the packed
// rows. Per step nothing is recorded, so a sequence of T steps is one graph node instead of ~4T, and
// the gradients of Whh are not summed T times. The input projection xProj = x·Wihᵀ + bih of every
// step is the caller's (one linear()). The packed layout is PyTorch's: step t holds sizes[t] rows
// from offsets[t], the longest sequences first; the reverse direction starts each sequence at its
// own last step. The per-step composed form (rnn-cells.ts ops) is what createGraph differentiates.
import { Tensor, uninitializedTensor } from '../tensor/tensor.js';
import { typedArray, dtypeOfArray, type TypedArray } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import type { View } from '../backend/kernels.js';
import { record } from './record.js';
import { kernels, requireFloat } from './util.js';
import { cat } from './join.js';
import { linear } from './matmul.js';
import { narrow } from './view.js';
import { gruCell, lstmCell } from './rnn-cells.js';
import { add } from './elementwise.js';
import { relu, tanh } from './activations.js';

export type RecurrentCell = 'lstm' | 'gru';

/** Rows × cols of `a` from row `r` as a contiguous (rows, cols) view. */
function rowsView(a: TypedArray, dtype: Tensor['dtype'], r: number, rows: number, cols: number): View {
  return { data: a, dtype, offset: r * cols, shape: [1, rows, cols], strides: [0, cols, 1] };
}

/** W (out, in) as the (1, in, out) view of Wᵀ. */
function transposedView(w: Tensor): View {
  return { data: w.storage, dtype: w.dtype, offset: w.offset, shape: [1, w.shape[1]!, w.shape[0]!], strides: [0, w.strides[1]!, w.strides[0]!] };
}
/** W (out, in) as the (1, out, in) view. */
function plainView(w: Tensor): View {
  return { data: w.storage, dtype: w.dtype, offset: w.offset, shape: [1, w.shape[0]!, w.shape[1]!], strides: [0, w.strides[0]!, w.strides[1]!] };
}

/** out[0, n) = a[0, n) + b[0, n), through the backend's binary kernel (a float sum rounded once, as in js). */
function addRows(a: TypedArray, b: TypedArray, n: number, out: TypedArray): void {
  const view = (d: TypedArray): View => ({ data: d, dtype: dtypeOfArray(d), offset: 0, shape: [n], strides: [1] });
  kernels().binary('add', view(a), view(b), n === out.length ? out : out.subarray(0, n));
}

function offsetsOf(sizes: readonly number[]): number[] {
  const o: number[] = [];
  let at = 0;
  for (const b of sizes) {
    o.push(at);
    at += b;
  }
  return o;
}

/** A cell of the per-step form: the gated ones, or the Elman RNN's tanh / ReLU. */
export type StepCell = RecurrentCell | 'tanh' | 'relu';

/**
 * The per-step form of one direction of one layer, from ordinary ops (one step = a linear, then the
 * cell op): what createGraph differentiates for recurrentLayer, and how the Elman RNN runs. The
 * arguments are recurrentLayer's; returns [out (N, H); hN (B, H); cN (B, H) for the LSTM] stacked.
 */
export function recurrentSteps(
  cell: StepCell,
  xProj: Tensor,
  wHh: Tensor,
  bHh: Tensor | null,
  h0: Tensor,
  c0: Tensor | null,
  sizes: readonly number[],
  reverse: boolean,
): Tensor {
  const T = sizes.length,
    offsets = offsetsOf(sizes);
  const outs = new Array<Tensor>(T);
  let h: Tensor | null = null,
    c: Tensor | null = null;
  const finalH: Tensor[] = [],
    finalC: Tensor[] = [];
  for (let i = 0; i < T; i++) {
    const t = reverse ? T - 1 - i : i;
    const b = sizes[t]!;
    if (!h) {
      h = narrow(h0, 0, 0, b);
      c = c0 && narrow(c0, 0, 0, b);
    } else if (b < h.shape[0]!) {
      // forward: rows b.. ended at the previous step; their state is final
      finalH.push(narrow(h, 0, b, h.shape[0]! - b));
      if (c) finalC.push(narrow(c, 0, b, c.shape[0]! - b));
      h = narrow(h, 0, 0, b);
      c = c && narrow(c, 0, 0, b);
    } else if (b > h.shape[0]!) {
      // reverse: rows h.rows.. start here, at their own last step, from their initial state
      const n = h.shape[0]!;
      h = cat([h, narrow(h0, 0, n, b - n)], 0);
      c = c && cat([c, narrow(c0!, 0, n, b - n)], 0);
    }
    const xg = narrow(xProj, 0, offsets[t]!, b);
    const hg = linear(h, wHh, bHh);
    if (cell === 'lstm') [h, c] = lstmCell(xg, hg, c!);
    else if (cell === 'gru') h = gruCell(xg, hg, h);
    else h = cell === 'tanh' ? tanh(add(xg, hg)) : relu(add(xg, hg));
    outs[t] = h;
  }
  // forward: the pieces were pushed from the highest rows down; reverse: one piece, every row
  finalH.push(h!);
  if (c) finalC.push(c);
  const parts = [cat(outs, 0), cat(finalH.reverse(), 0)];
  if (c) parts.push(cat(finalC.reverse(), 0));
  return cat(parts, 0);
}

/**
 * One direction of one layer: xProj (N, G·H) the input projection of the packed steps (G = 4 for
 * LSTM, 3 for GRU), wHh (G·H, H), bHh (G·H) or null, h0 (and for LSTM c0) (B, H) with B = sizes[0].
 * Returns [out (N, H), hN (B, H), cN (B, H) or null] in the packed batch's (sorted) order.
 */
export function recurrentLayer(
  cell: RecurrentCell,
  xProj: Tensor,
  wHh: Tensor,
  bHh: Tensor | null,
  h0: Tensor,
  c0: Tensor | null,
  sizes: readonly number[],
  reverse: boolean,
): [Tensor, Tensor, Tensor | null] {
  const lstm = cell === 'lstm';
  const G = lstm ? 4 : 3;
  const [B, H] = h0.shape as [number, number];
  const T = sizes.length;
  const offsets = offsetsOf(sizes);
  const N = offsets[T - 1]! + sizes[T - 1]!;
  for (const t of [xProj, wHh, h0, ...(c0 ? [c0] : []), ...(bHh ? [bHh] : [])]) requireFloat('recurrentLayer', t);
  const dtype = xProj.dtype;
  if (
    xProj.ndim !== 2 ||
    xProj.shape[0] !== N ||
    xProj.shape[1] !== G * H ||
    shapeStr(wHh.shape) !== shapeStr([G * H, H]) ||
    B !== sizes[0] ||
    (lstm && (!c0 || shapeStr(c0.shape) !== shapeStr([B, H]))) ||
    [wHh, h0, c0, bHh].some((t) => t && t.dtype !== dtype)
  )
    throw new RangeError(
      `recurrentLayer (${cell}): expected xProj (${N}, ${G}·H), wHh (${G}·H, H), h0${lstm ? ' and c0' : ''} (${sizes[0]}, H) of one dtype, got xProj ${shapeStr(xProj.shape)}, wHh ${shapeStr(wHh.shape)}, h0 ${shapeStr(h0.shape)}`,
    );
  const k = kernels();
  const x = xProj.contiguous(),
    hInit = h0.contiguous(),
    cInit = c0?.contiguous() ?? null;
  const xs = x.storage.subarray(x.offset, x.offset + N * G * H);
  const hs0 = hInit.storage.subarray(hInit.offset, hInit.offset + B * H);
  const cs0 = cInit ? cInit.storage.subarray(cInit.offset, cInit.offset + B * H) : null;
  const bias = bHh ? bHh.contiguous().toTypedArray() : null;
  // what the backward reads, in the packed layout: the state each step started from, the gates
  const hPrev = uninitializedTensor([N, H], dtype).storage;
  const cPrev = lstm ? uninitializedTensor([N, H], dtype).storage : null;
  const saved = uninitializedTensor([N, 4 * H], dtype).storage; // LSTM: act; GRU: r, z, n, hn
  const tanhC = lstm ? uninitializedTensor([N, H], dtype).storage : null;
  const cellStateScratch = lstm ? uninitializedTensor([N, H], dtype).storage : null; // each step's c, for the next step
  const cellState = cellStateScratch ?? hPrev; // (unused for the GRU)
  const y = uninitializedTensor([N + (lstm ? 2 : 1) * B, H], dtype); // [out; hN; cN]
  const ys = y.storage;
  const hN0 = N * H,
    cN0 = (N + B) * H;
  const hg = uninitializedTensor([B, G * H], dtype).storage;
  const hc = lstm ? uninitializedTensor([2, B, H], dtype).storage : null;
  const wT = transposedView(wHh);
  let prev = -1; // the step processed before this one
  for (let i = 0; i < T; i++) {
    const t = reverse ? T - 1 - i : i;
    const b = sizes[t]!,
      o = offsets[t]!;
    // the state each row starts from: the previous step's (its first rows), or the initial one
    const carried = prev < 0 ? 0 : Math.min(b, sizes[prev]!);
    if (carried > 0) hPrev.set(ys.subarray(offsets[prev]! * H, (offsets[prev]! + carried) * H), o * H);
    if (carried < b) hPrev.set(hs0.subarray(carried * H, b * H), (o + carried) * H);
    if (cPrev) {
      if (carried > 0) cPrev.set(cellState.subarray(offsets[prev]! * H, (offsets[prev]! + carried) * H), o * H);
      if (carried < b) cPrev.set(cs0!.subarray(carried * H, b * H), (o + carried) * H);
    }
    const hgRows = hg.subarray(0, b * G * H);
    k.matmul(rowsView(hPrev, dtype, o, b, H), wT, hgRows);
    if (bias) k.biasActivation(hgRows, bias, { rows: b, cols: G * H, activation: 'identity' }, hgRows);
    const p = { rows: b, hidden: H };
    const xg = xs.subarray(o * G * H, (o + b) * G * H);
    if (lstm) {
      const hcRows = hc!.subarray(0, 2 * b * H);
      k.lstmCell(xg, hgRows, cPrev!.subarray(o * H, (o + b) * H), p, hcRows, saved.subarray(o * 4 * H, (o + b) * 4 * H), tanhC!.subarray(o * H, (o + b) * H));
      ys.set(hcRows.subarray(0, b * H), o * H);
      cellState.set(hcRows.subarray(b * H, 2 * b * H), o * H);
    } else k.gruCell(xg, hgRows, hPrev.subarray(o * H, (o + b) * H), p, ys.subarray(o * H, (o + b) * H), saved.subarray(o * 4 * H, (o + b) * 4 * H));
    prev = t;
  }
  // final states: forward, row j's last step is the last t with sizes[t] > j; reverse, step 0 for every row
  for (let j = 0; j < B; j++) {
    let t = 0;
    if (!reverse) while (t + 1 < T && sizes[t + 1]! > j) t++;
    const r = offsets[t]! + j;
    ys.set(ys.subarray(r * H, (r + 1) * H), hN0 + j * H);
    if (lstm) ys.set(cellState.subarray(r * H, (r + 1) * H), cN0 + j * H);
  }
  const inputs = [xProj, wHh, h0, ...(c0 ? [c0] : []), ...(bHh ? [bHh] : [])];
  const out = record(
    y,
    lstm ? 'LstmLayer' : 'GruLayer',
    inputs,
    (g) => {
      const gs = g.contiguous().toTypedArray();
      const dGates = uninitializedTensor([N, G * H], dtype); // LSTM: of the pre-activations; GRU: of xProj
      const dHg = lstm ? dGates : uninitializedTensor([N, G * H], dtype); // GRU: of the hidden projection
      const dh = typedArray(dtype, B * H); // the gradient reaching each row's state
      const dc = lstm ? typedArray(dtype, B * H) : null;
      const dh0 = Tensor.empty([B, H], dtype),
        dc0 = lstm ? Tensor.empty([B, H], dtype) : null;
      const dhc = typedArray(dtype, 2 * B * H); // LSTM: [dh; dc] of a step; GRU: its dh
      const dPrevDirect = typedArray(dtype, B * H);
      const dPrev = typedArray(dtype, B * H);
      const dcPrev = lstm ? typedArray(dtype, B * H) : null;
      const wView = plainView(wHh);
      // the final states' gradients enter where each row's last step was: forward at its own end, reverse at step 0
      const enter = (from: number, to: number) => {
        dh.set(gs.subarray(hN0 + from * H, hN0 + to * H), from * H);
        if (dc) dc.set(gs.subarray(cN0 + from * H, cN0 + to * H), from * H);
      };
      if (reverse) enter(0, B);
      for (let i = T - 1; i >= 0; i--) {
        const t = reverse ? T - 1 - i : i; // the steps in reverse processing order
        const b = sizes[t]!,
          o = offsets[t]!;
        if (!reverse) enter(t + 1 < T ? sizes[t + 1]! : 0, b);
        const p = { rows: b, hidden: H };
        const gOut = gs.subarray(o * H, (o + b) * H);
        if (lstm) {
          addRows(gOut, dh, b * H, dhc);
          dhc.set(dc!.subarray(0, b * H), b * H);
          k.lstmCellBackward(
            saved.subarray(o * 4 * H, (o + b) * 4 * H),
            tanhC!.subarray(o * H, (o + b) * H),
            cPrev!.subarray(o * H, (o + b) * H),
            dhc.subarray(0, 2 * b * H),
            p,
            dGates.storage.subarray(o * 4 * H, (o + b) * 4 * H),
            dcPrev!.subarray(0, b * H),
          );
        } else {
          const dStep = dhc.subarray(0, b * H); // dh of this step: its output's gradient plus the carried one
          addRows(gOut, dh, b * H, dStep);
          k.gruCellBackward(
            saved.subarray(o * 4 * H, (o + b) * 4 * H),
            hPrev.subarray(o * H, (o + b) * H),
            dStep,
            p,
            dGates.storage.subarray(o * 3 * H, (o + b) * 3 * H),
            dHg.storage.subarray(o * 3 * H, (o + b) * 3 * H),
            dPrevDirect.subarray(0, b * H),
          );
        }
        // the gradient reaching the state this step started from: through Whh, plus the GRU's direct path
        k.matmul(rowsView(dHg.storage, dtype, o, b, G * H), wView, dPrev.subarray(0, b * H));
        if (!lstm) addRows(dPrev, dPrevDirect, b * H, dPrev);
        // rows that continue from the previous step in processing order carry it; the others began at h0
        const before = reverse ? (t + 1 < T ? sizes[t + 1]! : 0) : t > 0 ? b : 0;
        const carried = Math.min(before, b);
        dh.set(dPrev.subarray(0, carried * H), 0);
        if (dc) dc.set(dcPrev!.subarray(0, carried * H), 0);
        if (carried < b) {
          dh0.storage.set(dPrev.subarray(carried * H, b * H), carried * H);
          if (dc0) dc0.storage.set(dcPrev!.subarray(carried * H, b * H), carried * H);
        }
      }
      // every step's recurrent-weight gradient at once
      const dW = wHh.requiresGrad ? uninitializedTensor([G * H, H], dtype) : null;
      if (dW)
        k.matmul(
          { data: dHg.storage, dtype, offset: 0, shape: [1, G * H, N], strides: [0, 1, G * H] },
          { data: hPrev, dtype, offset: 0, shape: [1, N, H], strides: [0, H, 1] },
          dW.storage,
        );
      const db = bHh?.requiresGrad ? dHg.sum(0) : null;
      return [dGates, dW, dh0, ...(lstm ? [dc0] : []), ...(bHh ? [db] : [])];
    },
    () => recurrentSteps(cell, xProj, wHh, bHh, h0, c0, sizes, reverse),
    [hPrev, saved, ...(cPrev ? [cPrev] : []), ...(tanhC ? [tanhC] : []), ...(cellStateScratch ? [cellStateScratch] : [])],
  );
  return [narrow(out, 0, 0, N), narrow(out, 0, N, B), lstm ? narrow(out, 0, N + B, B) : null];
}

// The recurrent cells' pointwise math, one time step, forward and backward (the reference for the
// native loops). The matmuls around them (x Wihᵀ for all steps at once, h Whhᵀ per step) are the
// ops' matmul kernel; these fuse what would otherwise be ~10 elementwise kernels a step.
import type { RnnCellParams } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';

/** σ(x) without overflow in exp. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function lstmCell(
  xg: TypedArray,
  hg: TypedArray,
  cPrev: TypedArray,
  { rows, hidden: H }: RnnCellParams,
  hc: TypedArray,
  act: TypedArray,
  tanhC: TypedArray,
): void {
  const cOut = rows * H; // c follows h in hc
  for (let r = 0; r < rows; r++) {
    const g = r * 4 * H,
      s = r * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(xg[g + j]! + hg[g + j]!);
      const f = sigmoid(xg[g + H + j]! + hg[g + H + j]!);
      const u = Math.tanh(xg[g + 2 * H + j]! + hg[g + 2 * H + j]!);
      const o = sigmoid(xg[g + 3 * H + j]! + hg[g + 3 * H + j]!);
      const c = f * cPrev[s + j]! + i * u;
      const tc = Math.tanh(c);
      act[g + j] = i;
      act[g + H + j] = f;
      act[g + 2 * H + j] = u;
      act[g + 3 * H + j] = o;
      tanhC[s + j] = tc;
      hc[s + j] = o * tc;
      hc[cOut + s + j] = c;
    }
  }
}

export function lstmCellBackward(
  act: TypedArray,
  tanhC: TypedArray,
  cPrev: TypedArray,
  dhc: TypedArray,
  { rows, hidden: H }: RnnCellParams,
  dGates: TypedArray,
  dcPrev: TypedArray,
): void {
  const dcIn = rows * H;
  for (let r = 0; r < rows; r++) {
    const g = r * 4 * H,
      s = r * H;
    for (let j = 0; j < H; j++) {
      const i = act[g + j]!,
        f = act[g + H + j]!,
        u = act[g + 2 * H + j]!,
        o = act[g + 3 * H + j]!;
      const tc = tanhC[s + j]!,
        dh = dhc[s + j]!;
      const dc = dhc[dcIn + s + j]! + dh * o * (1 - tc * tc); // through h = o·tanh(c), and from later steps
      dGates[g + j] = dc * u * i * (1 - i);
      dGates[g + H + j] = dc * cPrev[s + j]! * f * (1 - f);
      dGates[g + 2 * H + j] = dc * i * (1 - u * u);
      dGates[g + 3 * H + j] = dh * tc * o * (1 - o);
      dcPrev[s + j] = dc * f;
    }
  }
}

export function gruCell(xg: TypedArray, hg: TypedArray, hPrev: TypedArray, { rows, hidden: H }: RnnCellParams, h: TypedArray, saved: TypedArray): void {
  for (let r = 0; r < rows; r++) {
    const g = r * 3 * H,
      v = r * 4 * H,
      s = r * H;
    for (let j = 0; j < H; j++) {
      const rg = sigmoid(xg[g + j]! + hg[g + j]!);
      const z = sigmoid(xg[g + H + j]! + hg[g + H + j]!);
      const hn = hg[g + 2 * H + j]!;
      const n = Math.tanh(xg[g + 2 * H + j]! + rg * hn); // b_hn sits inside r ⊙ (…), as PyTorch
      h[s + j] = (1 - z) * n + z * hPrev[s + j]!;
      saved[v + j] = rg;
      saved[v + H + j] = z;
      saved[v + 2 * H + j] = n;
      saved[v + 3 * H + j] = hn;
    }
  }
}

export function gruCellBackward(
  saved: TypedArray,
  hPrev: TypedArray,
  dh: TypedArray,
  { rows, hidden: H }: RnnCellParams,
  dxg: TypedArray,
  dhg: TypedArray,
  dhPrev: TypedArray,
): void {
  for (let r = 0; r < rows; r++) {
    const g = r * 3 * H,
      v = r * 4 * H,
      s = r * H;
    for (let j = 0; j < H; j++) {
      const rg = saved[v + j]!,
        z = saved[v + H + j]!,
        n = saved[v + 2 * H + j]!,
        hn = saved[v + 3 * H + j]!;
      const d = dh[s + j]!;
      const dnPre = d * (1 - z) * (1 - n * n);
      const drPre = dnPre * hn * rg * (1 - rg);
      const dzPre = d * (hPrev[s + j]! - n) * z * (1 - z);
      dxg[g + j] = drPre;
      dxg[g + H + j] = dzPre;
      dxg[g + 2 * H + j] = dnPre;
      dhg[g + j] = drPre;
      dhg[g + H + j] = dzPre;
      dhg[g + 2 * H + j] = dnPre * rg;
      dhPrev[s + j] = d * z;
    }
  }
}

// The recurrent cells on the native addon (native/src/rnn.cc): row kernels, so each call passes its
// arrays and (rows, hidden). The addon returns false for a dtype it has no loop for, and an addon
// built before these kernels existed has none of them: both run the js kernel, as do calls below
// NATIVE_THRESHOLDS.rnnCell state elements.
import type { Kernels } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { NATIVE_THRESHOLDS as T } from './thresholds.js';

type Arr = TypedArray;
/** The addon's recurrent-cell functions (all return false for an unsupported dtype). */
export interface NativeRnnAddon {
  lstmCell(xg: Arr, hg: Arr, cPrev: Arr, hc: Arr, act: Arr, tanhC: Arr, rows: number, hidden: number): boolean;
  lstmCellBackward(act: Arr, tanhC: Arr, cPrev: Arr, dhc: Arr, dGates: Arr, dcPrev: Arr, rows: number, hidden: number): boolean;
  gruCell(xg: Arr, hg: Arr, hPrev: Arr, h: Arr, saved: Arr, rows: number, hidden: number): boolean;
  gruCellBackward(saved: Arr, hPrev: Arr, dh: Arr, dxg: Arr, dhg: Arr, dhPrev: Arr, rows: number, hidden: number): boolean;
}

/** The addon's recurrent cells over the js ones, or {} when the addon has none. */
export function createNativeRnnKernels(addon: object, js: Kernels): Partial<Kernels> {
  const a = addon as Partial<NativeRnnAddon>;
  if (typeof a.lstmCell !== 'function' || typeof a.gruCellBackward !== 'function') return {};
  const n = a as NativeRnnAddon;
  return {
    lstmCell(xg, hg, cPrev, p, hc, act, tanhC): void {
      if (p.rows * p.hidden < T.rnnCell || !n.lstmCell(xg, hg, cPrev, hc, act, tanhC, p.rows, p.hidden)) js.lstmCell(xg, hg, cPrev, p, hc, act, tanhC);
    },
    lstmCellBackward(act, tanhC, cPrev, dhc, p, dGates, dcPrev): void {
      if (p.rows * p.hidden < T.rnnCell || !n.lstmCellBackward(act, tanhC, cPrev, dhc, dGates, dcPrev, p.rows, p.hidden))
        js.lstmCellBackward(act, tanhC, cPrev, dhc, p, dGates, dcPrev);
    },
    gruCell(xg, hg, hPrev, p, h, saved): void {
      if (p.rows * p.hidden < T.rnnCell || !n.gruCell(xg, hg, hPrev, h, saved, p.rows, p.hidden)) js.gruCell(xg, hg, hPrev, p, h, saved);
    },
    gruCellBackward(saved, hPrev, dh, p, dxg, dhg, dhPrev): void {
      if (p.rows * p.hidden < T.rnnCell || !n.gruCellBackward(saved, hPrev, dh, dxg, dhg, dhPrev, p.rows, p.hidden))
        js.gruCellBackward(saved, hPrev, dh, p, dxg, dhg, dhPrev);
    },
  };
}

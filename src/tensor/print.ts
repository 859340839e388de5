// PyTorch-like printing: aligned columns, 4 decimals (or scientific when the range asks for it),
// long tensors summarized with "...".
import type { Tensor } from './tensor.js';

const EDGE = 3;
const THRESHOLD = 1000;

function formatter(values: number[], dtype: string): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? 'true' : 'false');
  if (dtype === 'int32') return (v) => String(v);
  const finite = values.filter((v) => Number.isFinite(v));
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  const allInts = finite.every((v) => Number.isInteger(v));
  const absMax = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const nonzero = finite.filter((v) => v !== 0).map(Math.abs);
  const absMin = nonzero.length ? Math.min(...nonzero) : 0;
  const sci = absMax >= 1e8 || (absMin > 0 && (absMin < 1e-4 || absMax / absMin > 1e3) && !allInts);
  if (allInts && !sci) return (v) => (Number.isFinite(v) ? `${v}.` : special(v));
  if (sci) return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(v));
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
}

export function formatTensor(t: Tensor): string {
  const flat = Array.from(t.toTypedArray(), Number);
  const summarize = flat.length > THRESHOLD;
  const fmt = formatter(flat, t.dtype);
  const width = flat.reduce((w, v) => Math.max(w, fmt(v).length), 0);
  const cell = (v: number) => fmt(v).padStart(width);
  const strides: number[] = [];
  for (let d = t.ndim - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= t.shape[d]!;
  }
  const indent = 'tensor('.length;
  const block = (dim: number, start: number): string => {
    if (t.ndim === 0) return cell(flat[0]!);
    const n = t.shape[dim]!;
    const idx = summarize && n > 2 * EDGE ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
    if (dim === t.ndim - 1) {
      return '[' + idx.map((i) => (i < 0 ? '...' : cell(flat[start + i * strides[dim]!]!))).join(', ') + ']';
    }
    const sep = ',' + '\n'.repeat(t.ndim - dim - 1) + ' '.repeat(indent + dim + 1);
    return '[' + idx.map((i) => (i < 0 ? '...' : block(dim + 1, start + i * strides[dim]!))).join(sep) + ']';
  };
  const extras: string[] = [];
  if (t.numel() === 0) extras.push(`size=(${t.shape.join(', ')})`);
  if (t.dtype !== 'float32') extras.push(`dtype=${t.dtype}`);
  if (t.gradFn) extras.push(`gradFn=<${t.gradFn.name}Backward>`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  return `tensor(${block(0, 0)}${extras.length ? ', ' + extras.join(', ') : ''})`;
}

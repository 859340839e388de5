// Strided copy with cast. bool targets store 1 for any non-zero value; int32 targets truncate
// toward zero (as PyTorch's float-to-int cast does).
import type { View } from '../kernels.js';
import { forEachRow } from './strided.js';

export function copy(src: View, dst: View): void {
  const ss = src.strides.length ? src.strides[src.strides.length - 1]! : 0;
  const ds = dst.strides.length ? dst.strides[dst.strides.length - 1]! : 0;
  const s = src.data,
    d = dst.data;
  const toBool = dst.dtype === 'bool' && src.dtype !== 'bool';
  forEachRow(src.shape, [src, dst], (offs, n) => {
    let is = offs[0]!,
      id = offs[1]!;
    if (toBool) for (let j = 0; j < n; j++, is += ss, id += ds) d[id] = s[is] !== 0 ? 1 : 0;
    else for (let j = 0; j < n; j++, is += ss, id += ds) d[id] = s[is]!;
  });
}

// The metadata buffer: views (offset, shape, strides) and small integer lists are written into one
// Float64Array the addon holds a pointer to, so a call passes only typed arrays and numbers.
// Reading a JS object's properties through N-API would cost more than most kernels.
import type { View } from '../kernels.js';

export class MetaWriter {
  readonly buffer = new Float64Array(1024);
  private pos = 0;

  /** Starts the metadata of a new call. */
  reset(): this {
    this.pos = 0;
    return this;
  }

  /** [ndim, offset, ...shape, ...strides] */
  view(v: View): this {
    const b = this.buffer,
      nd = v.shape.length;
    let p = this.pos;
    b[p++] = nd;
    b[p++] = v.offset;
    for (let d = 0; d < nd; d++) b[p++] = v.shape[d]!;
    for (let d = 0; d < nd; d++) b[p++] = v.strides[d]!;
    this.pos = p;
    return this;
  }

  /** [n, ...values] */
  list(values: readonly number[]): this {
    const b = this.buffer;
    b[this.pos++] = values.length;
    for (const x of values) b[this.pos++] = x;
    return this;
  }
}

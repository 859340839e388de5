// Random fills from the counter-based stream in backend/random.ts.
import type { DropoutMaskParams, RandomNormalParams, RandomUniformParams } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { uniform24, uniform53 } from '../random.js';

export function randomUniform({ low, high, seed, offset }: RandomUniformParams, out: TypedArray): void {
  const wide = out instanceof Float64Array;
  const span = high - low;
  for (let i = 0; i < out.length; i++) {
    const u = wide ? uniform53(seed, offset + 2 * i) : uniform24(seed, offset + i);
    out[i] = low + span * u;
  }
}

export function dropoutMask({ keep, scale, seed, offset }: DropoutMaskParams, out: TypedArray): void {
  const wide = out instanceof Float64Array;
  for (let i = 0; i < out.length; i++) out[i] = (wide ? uniform53(seed, offset + 2 * i) : uniform24(seed, offset + i)) < keep ? scale : 0;
}

export function randomNormal({ mean, std, seed, offset }: RandomNormalParams, out: TypedArray): void {
  const wide = out instanceof Float64Array;
  const per = wide ? 2 : 1;
  const u = (c: number) => (wide ? uniform53(seed, offset + c * per) : uniform24(seed, offset + c));
  for (let p = 0; 2 * p < out.length; p++) {
    const u1 = u(2 * p),
      u2 = u(2 * p + 1);
    const r = Math.sqrt(-2 * Math.log(1 - u1));
    out[2 * p] = mean + std * r * Math.cos(2 * Math.PI * u2);
    if (2 * p + 1 < out.length) out[2 * p + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
  }
}

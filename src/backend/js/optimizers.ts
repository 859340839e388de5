// Fused optimizer steps, each following PyTorch's update rule line by line.
import type { AdamParams, RmspropParams, SgdParams } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';

export function adamStep(param: TypedArray, grad: TypedArray, m: TypedArray, v: TypedArray, vMax: TypedArray | null, p: AdamParams): void {
  const bc1 = 1 - Math.pow(p.beta1, p.step);
  const bc2Sqrt = Math.sqrt(1 - Math.pow(p.beta2, p.step));
  const stepSize = p.lr / bc1;
  const decay = p.decoupled ? 1 - p.lr * p.weightDecay : 1;
  const l2 = p.decoupled ? 0 : p.weightDecay;
  for (let i = 0; i < param.length; i++) {
    let w = param[i]!;
    const g = grad[i]! + l2 * w;
    w *= decay;
    const mi = (m[i] = p.beta1 * m[i]! + (1 - p.beta1) * g);
    let vi = (v[i] = p.beta2 * v[i]! + (1 - p.beta2) * g * g);
    if (vMax) {
      vi = vMax[i] = Math.max(vMax[i]!, vi);
    }
    const denom = Math.sqrt(vi) / bc2Sqrt + p.eps;
    param[i] = w - stepSize * (mi / denom);
  }
}

export function sgdStep(param: TypedArray, grad: TypedArray, buf: TypedArray | null, p: SgdParams): void {
  for (let i = 0; i < param.length; i++) {
    let d = grad[i]! + p.weightDecay * param[i]!;
    if (p.momentum !== 0 && buf) {
      const b = (buf[i] = p.firstStep ? d : p.momentum * buf[i]! + (1 - p.dampening) * d);
      d = p.nesterov ? d + p.momentum * buf[i]! : b;
    }
    param[i] = param[i]! - p.lr * d;
  }
}

export function rmspropStep(
  param: TypedArray,
  grad: TypedArray,
  squareAvg: TypedArray,
  gradAvg: TypedArray | null,
  buf: TypedArray | null,
  p: RmspropParams,
): void {
  for (let i = 0; i < param.length; i++) {
    const g = grad[i]! + p.weightDecay * param[i]!;
    const sq = (squareAvg[i] = p.alpha * squareAvg[i]! + (1 - p.alpha) * g * g);
    let avg: number;
    if (p.centered && gradAvg) {
      const ga = (gradAvg[i] = p.alpha * gradAvg[i]! + (1 - p.alpha) * g);
      avg = Math.sqrt(sq - ga * ga) + p.eps;
    } else {
      avg = Math.sqrt(sq) + p.eps;
    }
    if (p.momentum > 0 && buf) {
      const b = (buf[i] = p.momentum * buf[i]! + g / avg);
      param[i] = param[i]! - p.lr * b;
    } else {
      param[i] = param[i]! - p.lr * (g / avg);
    }
  }
}

// The CNN kernels (convolution, pooling, batch norm) on the native addon (native/src/cnn.cc).
// Each call writes its views and numbers into one small Float64Array (`geom`, in the order
// native/src/cnn_addon.cc reads them); the addon returns false for a dtype it has no loop for, and
// an addon built before these kernels existed has none of them: both run the js kernel.
import type { AvgPool2dParams, BatchNormParams, Conv2dParams, Kernels, MaxPool2dParams, View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';

type Arr = TypedArray;
/** The addon's CNN functions (all return false for an unsupported dtype). */
export interface NativeCnnAddon {
  conv2d(x: Arr, w: Arr, bias: Arr | null, out: Arr, geom: Float64Array): boolean;
  conv2dBackwardInput(gy: Arr, w: Arr, out: Arr, geom: Float64Array): boolean;
  conv2dBackwardWeight(x: Arr, gy: Arr, out: Arr, geom: Float64Array): boolean;
  maxPool2d(x: Arr, out: Arr, indices: Int32Array, geom: Float64Array): boolean;
  maxPool2dBackward(gy: Arr, indices: Arr, out: Arr, geom: Float64Array): boolean;
  avgPool2d(x: Arr, out: Arr, geom: Float64Array): boolean;
  avgPool2dBackward(gy: Arr, out: Arr, geom: Float64Array): boolean;
  adaptiveAvgPool2d(x: Arr, out: Arr, geom: Float64Array): boolean;
  adaptiveAvgPool2dBackward(gy: Arr, out: Arr, geom: Float64Array): boolean;
  batchNorm(x: Arr, w: Arr | null, b: Arr | null, rm: Arr | null, rv: Arr | null, out: Arr, mean: Arr, invStd: Arr, geom: Float64Array): boolean;
  batchNormBackward(gy: Arr, x: Arr, w: Arr | null, mean: Arr, invStd: Arr, gi: Arr | null, gw: Arr | null, gb: Arr | null, geom: Float64Array): boolean;
}

/** Builds the geometry buffer: views as offset, shape..., strides...; then numbers. */
class Geom {
  private buf = new Float64Array(64);
  private n = 0;
  reset(): this {
    this.n = 0;
    return this;
  }
  push(...values: number[]): this {
    if (this.n + values.length > this.buf.length) {
      const bigger = new Float64Array(Math.max(this.buf.length * 2, this.n + values.length));
      bigger.set(this.buf.subarray(0, this.n));
      this.buf = bigger;
    }
    for (const v of values) this.buf[this.n++] = v;
    return this;
  }
  view(v: View): this {
    return this.push(v.offset, ...v.shape, ...v.strides);
  }
  vector(v: View | null): this {
    return v ? this.push(v.offset, v.strides[0]!) : this.push(0, 0);
  }
  conv(p: Conv2dParams): this {
    return this.push(p.stride[0], p.stride[1], p.padding[0], p.padding[1], p.dilation[0], p.dilation[1], p.groups);
  }
  get buffer(): Float64Array {
    return this.buf;
  }
}

/** The addon's CNN kernels over the js ones, or {} when the addon has none. */
export function createNativeCnnKernels(addon: object, js: Kernels): Partial<Kernels> {
  const a = addon as Partial<NativeCnnAddon>;
  if (typeof a.conv2d !== 'function' || typeof a.batchNormBackward !== 'function') return {};
  const n = a as NativeCnnAddon;
  const g = new Geom();
  return {
    conv2d(x, w, bias, p, out): void {
      g.reset().view(x).view(w).vector(bias).conv(p);
      if (!n.conv2d(x.data, w.data, bias ? bias.data : null, out, g.buffer)) js.conv2d(x, w, bias, p, out);
    },
    conv2dBackwardInput(gy, w, inputShape, p, out): void {
      g.reset()
        .view(gy)
        .view(w)
        .push(...inputShape)
        .conv(p);
      if (!n.conv2dBackwardInput(gy.data, w.data, out, g.buffer)) js.conv2dBackwardInput(gy, w, inputShape, p, out);
    },
    conv2dBackwardWeight(x, gy, weightShape, p, out): void {
      g.reset()
        .view(x)
        .view(gy)
        .push(...weightShape)
        .conv(p);
      if (!n.conv2dBackwardWeight(x.data, gy.data, out, g.buffer)) js.conv2dBackwardWeight(x, gy, weightShape, p, out);
    },
    maxPool2d(x, p: MaxPool2dParams, out, indices): void {
      g.reset()
        .view(x)
        .push(...p.kernelSize, ...p.stride, ...p.padding, ...p.dilation, ...p.outputSize);
      if (!n.maxPool2d(x.data, out, indices, g.buffer)) js.maxPool2d(x, p, out, indices);
    },
    maxPool2dBackward(gy, indices, inputShape, out): void {
      g.reset()
        .view(gy)
        .view(indices)
        .push(...inputShape);
      if (!n.maxPool2dBackward(gy.data, indices.data, out, g.buffer)) js.maxPool2dBackward(gy, indices, inputShape, out);
    },
    avgPool2d(x, p: AvgPool2dParams, out): void {
      g.reset()
        .view(x)
        .push(...p.kernelSize, ...p.stride, ...p.padding, ...p.outputSize, p.countIncludePad ? 1 : 0, p.divisorOverride);
      if (!n.avgPool2d(x.data, out, g.buffer)) js.avgPool2d(x, p, out);
    },
    avgPool2dBackward(gy, inputShape, p: AvgPool2dParams, out): void {
      g.reset()
        .view(gy)
        .push(...inputShape, ...p.kernelSize, ...p.stride, ...p.padding, ...p.outputSize, p.countIncludePad ? 1 : 0, p.divisorOverride);
      if (!n.avgPool2dBackward(gy.data, out, g.buffer)) js.avgPool2dBackward(gy, inputShape, p, out);
    },
    adaptiveAvgPool2d(x, outputSize, out): void {
      g.reset()
        .view(x)
        .push(...outputSize);
      if (!n.adaptiveAvgPool2d(x.data, out, g.buffer)) js.adaptiveAvgPool2d(x, outputSize, out);
    },
    adaptiveAvgPool2dBackward(gy, inputShape, out): void {
      g.reset()
        .view(gy)
        .push(...inputShape);
      if (!n.adaptiveAvgPool2dBackward(gy.data, out, g.buffer)) js.adaptiveAvgPool2dBackward(gy, inputShape, out);
    },
    batchNorm(x, weight, bias, runningMean, runningVar, p: BatchNormParams, out, saveMean, saveInvStd): void {
      g.reset()
        .view(x)
        .vector(weight)
        .vector(bias)
        .push(p.training ? 1 : 0, p.momentum, p.eps);
      if (!n.batchNorm(x.data, weight ? weight.data : null, bias ? bias.data : null, runningMean, runningVar, out, saveMean, saveInvStd, g.buffer)) {
        js.batchNorm(x, weight, bias, runningMean, runningVar, p, out, saveMean, saveInvStd);
      }
    },
    batchNormBackward(gy, x, weight, saveMean, saveInvStd, training, gradInput, gradWeight, gradBias): void {
      g.reset()
        .view(gy)
        .view(x)
        .vector(weight)
        .push(training ? 1 : 0);
      if (!n.batchNormBackward(gy.data, x.data, weight ? weight.data : null, saveMean, saveInvStd, gradInput, gradWeight, gradBias, g.buffer)) {
        js.batchNormBackward(gy, x, weight, saveMean, saveInvStd, training, gradInput, gradWeight, gradBias);
      }
    },
  };
}

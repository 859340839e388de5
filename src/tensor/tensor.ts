// Tensor: a view (shape, strides, offset, dtype) over a storage array owned by the backend.
// CPU storages are plain typed arrays, so the garbage collector frees them: no dispose, no tidy.
// Math methods (x.add(y), x.sum(1), ...) are installed by src/ops/methods.ts.
import type { GradNode } from '../autograd/node.js';
import type { View } from '../backend/kernels.js';
import { getBackend } from '../backend/registry.js';
import { allocate, allocateUninitialized, type DType, type TypedArray } from './dtype.js';
import { contiguousStrides, numel, shapeStr } from './shape.js';
import { formatTensor } from './print.js';

export type NestedArray = number | boolean | NestedArray[];

export class Tensor {
  /** The storage array this tensor views (shared between views). */
  readonly storage: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  /** Whether backward() should compute a gradient for this tensor. */
  requiresGrad = false;
  /** The accumulated gradient of a leaf tensor after backward(). */
  grad: Tensor | null = null;
  /** The op that produced this tensor, when it was recorded for autograd. */
  gradFn: GradNode | null = null;
  /** When true, backward() also stores .grad on this non-leaf tensor. */
  retainsGrad = false;

  constructor(storage: TypedArray, dtype: DType, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this.storage = storage;
    this.dtype = dtype;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    this.offset = offset;
  }

  /** A new contiguous tensor of the given shape, filled with zeros. */
  static empty(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return new Tensor(allocate(dtype, numel(shape)), dtype, shape);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  numel(): number {
    return numel(this.shape);
  }

  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    const d = dim < 0 ? dim + this.ndim : dim;
    if (d < 0 || d >= this.ndim) throw new RangeError(`size: dim ${dim} is out of range for shape ${shapeStr(this.shape)}`);
    return this.shape[d]!;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  isContiguous(): boolean {
    let expected = 1;
    for (let d = this.ndim - 1; d >= 0; d--) {
      if (this.shape[d] !== 1 && this.strides[d] !== expected) return false;
      expected *= this.shape[d]!;
    }
    return true;
  }

  /** The kernel-level descriptor of this view (storage, dtype, offset, shape, strides): what kernels take as an input. */
  kernelView(): View {
    return { data: this.storage, dtype: this.dtype, offset: this.offset, shape: this.shape, strides: this.strides };
  }

  /** The elements in row-major order as a typed array (the storage itself when it already is exactly that). */
  toTypedArray(): TypedArray {
    const n = this.numel();
    if (this.isContiguous() && this.offset === 0 && this.storage.length === n) return this.storage;
    const out = allocate(this.dtype, n);
    getBackend().kernels.copy(this.kernelView(), { data: out, dtype: this.dtype, offset: 0, shape: this.shape, strides: contiguousStrides(this.shape) });
    return out;
  }

  /** A plain JS copy: nested arrays of numbers (booleans for bool tensors). */
  toArray(): NestedArray {
    const flat = this.toTypedArray();
    const isBool = this.dtype === 'bool';
    const build = (dim: number, start: number): NestedArray => {
      if (dim === this.ndim) return isBool ? flat[start] !== 0 : flat[start]!;
      const step = numel(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]!; i++) out.push(build(dim + 1, start + i * step));
      return out;
    };
    return build(0, 0);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.numel() !== 1) throw new RangeError(`item: only one-element tensors can be converted to a number, got shape ${shapeStr(this.shape)}`);
    return this.storage[this.offset]!;
  }

  /** Marks this tensor as needing a gradient (leaf tensors only), like PyTorch's requires_grad_(). */
  requiresGrad_(on = true): this {
    if (!this.isLeaf && !on) throw new Error('requiresGrad_: cannot turn off requiresGrad on a non-leaf tensor; use detach()');
    if (on && this.dtype !== 'float32' && this.dtype !== 'float64') {
      throw new TypeError(`requiresGrad_: only floating point tensors can require gradients, got ${this.dtype}`);
    }
    this.requiresGrad = on;
    return this;
  }

  /** Keep .grad on this non-leaf tensor during backward(). */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }
}

/**
 * A contiguous tensor whose elements are unspecified, for ops only: the output of a kernel that
 * writes every element before the tensor reaches anything else (no zero-fill; dtype.ts).
 */
export function uninitializedTensor(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return new Tensor(allocateUninitialized(dtype, numel(shape)), dtype, shape);
}

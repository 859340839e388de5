// The dtypes deepts stores, the typed array behind each, and how they combine.
import { MIN_POOLED_ELEMENTS, noteAllocation, takePooled } from './storage-pool.js';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** A zero-filled array of `size` elements: a reused one when the autograd engine has one spare (tensor/storage-pool.ts). */
export function allocate(dtype: DType, size: number): TypedArray {
  if (size < MIN_POOLED_ELEMENTS) return typedArray(dtype, size);
  const a = takePooled(dtype, size) ?? typedArray(dtype, size);
  noteAllocation(a);
  return a;
}

/**
 * An array of `size` elements whose contents are unspecified, for the output of a kernel that
 * writes every element before anything reads it (tensor.ts's uninitializedTensor): a pooled one as
 * it is, or a fresh one without the zero-fill (Buffer.allocUnsafeSlow on Node). Its memory was freed
 * by the collector, so no live value could read it; the kernel overwrites what a dead tensor left.
 */
export function allocateUninitialized(dtype: DType, size: number): TypedArray {
  if (size < MIN_POOLED_ELEMENTS) return typedArray(dtype, size);
  const a = takePooled(dtype, size, false) ?? unfilledArray(dtype, size);
  if (uninitializedFill !== null) a.fill(uninitializedFill);
  noteAllocation(a);
  return a;
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(size: number): Uint8Array } }).Buffer;

function unfilledArray(dtype: DType, size: number): TypedArray {
  if (!NodeBuffer) return typedArray(dtype, size);
  const buffer = NodeBuffer.allocUnsafeSlow(size * BYTES[dtype]).buffer as ArrayBuffer; // a buffer of its own, not Node's pool
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, 0, size);
    case 'float64':
      return new Float64Array(buffer, 0, size);
    case 'int32':
      return new Int32Array(buffer, 0, size);
    case 'bool':
      return new Uint8Array(buffer, 0, size);
  }
}

let uninitializedFill: number | null = null;

/** Tests: fill uninitialized arrays with `value` (NaN shows any element a kernel left unwritten); null stops. Returns the previous value. */
export function setUninitializedFill(value: number | null): number | null {
  const prev = uninitializedFill;
  uninitializedFill = value;
  return prev;
}

/** A new zero-filled array of `dtype`. */
export function typedArray(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'bool':
      return new Uint8Array(length);
  }
}

export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch-style promotion between two tensors: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

export function assertDType(dtype: string, op: string): DType {
  if (!(DTYPES as readonly string[]).includes(dtype)) {
    throw new TypeError(`${op}: unknown dtype '${dtype}', expected one of ${DTYPES.join(', ')}`);
  }
  return dtype as DType;
}

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

/** A new zero-filled array of `dtype`. */
export function typedArray(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(length);
    case 'float64': return new Float64Array(length);
    case 'int32': return new Int32Array(length);
    case 'bool': return new Uint8Array(length);
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

// The dtypes deepts stores, the typed array behind each, and how they combine.
import { MIN_POOLED_ELEMENTS, noteAllocation, noteFresh, takePooled } from './storage-pool.js';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** A zero-filled array of `size` elements: a reused one when the autograd engine has one spare (tensor/storage-pool.ts). */
export function allocate(dtype: DType, size: number): TypedArray {
  if (size < MIN_POOLED_ELEMENTS) return typedArray(dtype, size);
  let a = takePooled(dtype, size);
  if (!a) noteFresh((a = typedArray(dtype, size)), dtype);
  noteAllocation(a);
  return a;
}

/** A new array of `dtype`: zero-filled of a length, or over an existing buffer (the storage pool's recycling). */
export function typedArray(dtype: DType, lengthOrBuffer: number | ArrayBuffer): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(lengthOrBuffer as number);
    case 'float64': return new Float64Array(lengthOrBuffer as number);
    case 'int32': return new Int32Array(lengthOrBuffer as number);
    case 'bool': return new Uint8Array(lengthOrBuffer as number);
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

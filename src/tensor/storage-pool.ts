// Reuse of storages the autograd engine has proven dead. Allocating a fresh typed array costs a
// zeroed block from the system and, in bulk, garbage collections (~0.16 ms a MB here); refilling a
// dead one with zeros costs a tenth of that. During backward() every storage allocated is tracked;
// once a node's gradient has been passed on, the tracked storages that no pending gradient and no
// .grad refers to can only be the node's temporaries and spent gradients, and come back here for
// the next allocation of the same dtype and length (PyTorch's caching allocator, with the engine's
// bookkeeping standing in for reference counts).
import type { DType, TypedArray } from './dtype.js';

/** Arrays below this many elements are cheap to allocate and not pooled. */
export const MIN_POOLED_ELEMENTS = 4096;
/** The most the pool holds; what does not fit is left to the garbage collector. */
const MAX_POOLED_BYTES = 256 * 1024 * 1024;

const pool = new Map<string, TypedArray[]>();
let pooledBytes = 0;
let tracked: Set<TypedArray> | null = null;

const key = (dtype: DType, size: number) => `${dtype}:${size}`;

/** A dead array of this dtype and length, zero-filled, or null. */
export function takePooled(dtype: DType, size: number): TypedArray | null {
  const list = pool.get(key(dtype, size));
  const a = list?.pop();
  if (!a) return null;
  pooledBytes -= a.byteLength;
  a.fill(0);
  return a;
}

/** Notes a new storage while a backward pass tracks allocations. */
export function noteAllocation(a: TypedArray): void {
  tracked?.add(a);
}

/** Starts tracking allocations into `set` (null stops); returns the previous tracker, to restore. */
export function trackAllocations(set: Set<TypedArray> | null): Set<TypedArray> | null {
  const prev = tracked;
  tracked = set;
  return prev;
}

/** Gives back an array nothing refers to any more. Only the autograd engine calls this. */
export function recycle(a: TypedArray, dtype: DType): void {
  if (a.length < MIN_POOLED_ELEMENTS || pooledBytes + a.byteLength > MAX_POOLED_BYTES) return;
  const k = key(dtype, a.length);
  let list = pool.get(k);
  if (!list) pool.set(k, (list = []));
  list.push(a);
  pooledBytes += a.byteLength;
}

/** Empties the pool (tests; or to hand the memory back to the garbage collector). */
export function clearStoragePool(): void {
  pool.clear();
  pooledBytes = 0;
}

/** Bytes held for reuse. */
export function storagePoolBytes(): number {
  return pooledBytes;
}

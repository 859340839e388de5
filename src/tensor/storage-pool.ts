// Reuse of storages the autograd engine has proven dead. During backward() every storage
// allocated is tracked; once a node's gradient has been passed on, the tracked storages that no
// pending gradient and no .grad refers to can only be the node's temporaries and spent gradients:
// nothing outside the engine has seen them (backward() tracks nothing while a node the ops did not
// record runs, or while a registered backend, which sees every array, runs the kernels). They come
// back here for the next allocation of the same dtype and length, zero-filled, which costs less
// than a fresh array and brings on no collections (PyTorch's caching allocator, with the engine's
// bookkeeping standing in for reference counts).
import type { DType, TypedArray } from './dtype.js';

/** Arrays below this many elements are cheap to allocate and not pooled. */
export const MIN_POOLED_ELEMENTS = 4096;
/** The most the pool holds; what does not fit is left to the garbage collector. */
const MAX_POOLED_BYTES = 256 * 1024 * 1024;

const pool = new Map<string, TypedArray[]>();
const pooled = new Set<TypedArray>(); // what `pool` holds: an array given back twice is held once
let pooledBytes = 0;
let tracked: Set<TypedArray> | null = null;

const key = (dtype: DType, size: number) => `${dtype}:${size}`;

/** A dead array of this dtype and length, zero-filled (unless `zero` is false: allocateUninitialized), or null. */
export function takePooled(dtype: DType, size: number, zero = true): TypedArray | null {
  const list = pool.get(key(dtype, size));
  const a = list?.pop();
  if (!a) return null;
  pooled.delete(a);
  pooledBytes -= a.byteLength;
  if (zero) a.fill(0);
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

/** Gives back an array nothing can read any more (the autograd engine proved it); false when the pool is full. */
export function recycle(a: TypedArray, dtype: DType): boolean {
  if (pooled.has(a)) return true;
  if (a.length < MIN_POOLED_ELEMENTS || pooledBytes + a.byteLength > MAX_POOLED_BYTES) return false;
  const k = key(dtype, a.length);
  let list = pool.get(k);
  if (!list) pool.set(k, (list = []));
  list.push(a);
  pooled.add(a);
  pooledBytes += a.byteLength;
  return true;
}

/** Empties the pool (tests; or to hand the memory back to the garbage collector). */
export function clearStoragePool(): void {
  pool.clear();
  pooled.clear();
  pooledBytes = 0;
}

/** Bytes held for reuse. */
export function storagePoolBytes(): number {
  return pooledBytes;
}

// The forward's activations are not provably dead when backward() ends (user code may hold any
// of them, or a subarray, DataView or Buffer over their memory), so nothing here reuses them: the
// collector frees them, and malloc hands their memory out again only once no JS value can read
// it (the native addon keeps glibc from returning freed blocks to the system; native/src/
// malloc_tuning.cc). The exception is an op's scratch (ops/record.ts): intermediates a fused op
// keeps for its backward and never puts in a tensor it returns, which only its graph node can
// read; they come back here when a pass frees the node, or at once when nothing is recorded.

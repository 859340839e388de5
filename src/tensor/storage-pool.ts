// Reuse of storages the autograd engine has proven dead. Allocating a fresh typed array costs a
// zeroed block from the system and, in bulk, garbage collections (~0.16 ms a MB here); refilling a
// dead one with zeros costs a tenth of that. During backward() every storage allocated is tracked;
// once a node's gradient has been passed on, the tracked storages that no pending gradient and no
// .grad refers to can only be the node's temporaries and spent gradients, and come back here for
// the next allocation of the same dtype and length (PyTorch's caching allocator, with the engine's
// bookkeeping standing in for reference counts).
import { typedArray, type DType, type TypedArray } from './dtype.js';

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

/** Gives back an array nothing refers to any more (the autograd engine, the collector); false when the pool is full. */
export function recycle(a: TypedArray, dtype: DType): boolean {
  if (a.length < MIN_POOLED_ELEMENTS || pooledBytes + a.byteLength > MAX_POOLED_BYTES) return false;
  const k = key(dtype, a.length);
  let list = pool.get(k);
  if (!list) pool.set(k, (list = []));
  list.push(a);
  pooledBytes += a.byteLength;
  return true;
}

/** Empties the pool (tests; or to hand the memory back to the garbage collector). */
export function clearStoragePool(): void {
  pool.clear();
  pooledBytes = 0;
  epoch++; // buffers registered before this are not taken back when collected
}

// Recycling what the garbage collector finds dead. The forward pass's activations (≈ 38 MB a GPT
// step) are not provably dead when backward() ends — user code may still hold any of them — so
// the engine cannot recycle them; the collector can. While recycling is on, every fresh array is
// registered with a FinalizationRegistry that holds its ArrayBuffer (not the array); once the
// array is unreachable, its buffer comes back to the pool under a new array, which is registered
// in turn. Tensors share the array object itself, and the few second views over a buffer (a
// checkpoint writer's bytes) live within one synchronous call, so an unreachable array means an
// unused buffer: the callbacks run only between event-loop turns. A loop that turns this on awaits
// collectedStoragesReturned() once a step; until it yields, collected buffers wait in the registry.
type Held = { buffer: ArrayBuffer; dtype: DType; epoch: number };
let epoch = 0;
let collecting = false;
/** Bytes of the registered arrays (live, pooled, or collected and not yet handed back): a few steps' activations. */
const MAX_REGISTERED_BYTES = 128 * 1024 * 1024;
let registeredBytes = 0;
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<Held>((held) => {
    registeredBytes -= held.buffer.byteLength;
    if (held.epoch !== epoch) return;
    const a = typedArray(held.dtype, held.buffer);
    if (recycle(a, held.dtype)) register(a, held.dtype);
  })
  : null;

/** Turns recycling of collected storages on or off; returns whether it was on. */
export function recycleCollectedStorages(on: boolean): boolean {
  const was = collecting;
  collecting = on && registry !== null;
  return was;
}

function register(a: TypedArray, dtype: DType): void {
  registeredBytes += a.byteLength;
  registry!.register(a, { buffer: a.buffer as ArrayBuffer, dtype, epoch });
}

/**
 * Registers a fresh array (allocate() calls this once per new array) while recycling is on, up to
 * MAX_REGISTERED_BYTES: the registry holds a collected array's buffer until the loop yields, so
 * past that bound new arrays are left to the collector alone.
 */
export function noteFresh(a: TypedArray, dtype: DType): void {
  if (collecting && registeredBytes + a.byteLength <= MAX_REGISTERED_BYTES) register(a, dtype);
}

/** Yields one event-loop turn, in which the collector's callbacks hand their buffers back. */
export function collectedStoragesReturned(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else if (typeof MessageChannel === 'function') {
      // browsers: a message posts a task without setTimeout's 4 ms clamp
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
      channel.port2.postMessage(null);
    } else setTimeout(resolve, 0);
  });
}

/** Runs a training loop with recycling on (then as it was); the loop awaits collectedStoragesReturned() once a step. */
export async function withCollectedStorageRecycling<T>(loop: () => Promise<T>): Promise<T> {
  const was = recycleCollectedStorages(true);
  try {
    return await loop();
  } finally {
    recycleCollectedStorages(was);
  }
}

/** Bytes held for reuse. */
export function storagePoolBytes(): number {
  return pooledBytes;
}

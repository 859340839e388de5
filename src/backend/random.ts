// Counter-based random numbers: value i of a stream is a hash of (seed, offset + i). Every backend
// computes the same numbers for the same (seed, offset), fills can run in parallel, and the whole
// generator state is two integers, so checkpoints resume bit-for-bit.

/** A 32-bit integer finalizer with strong avalanche (lowbias32). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The 32 random bits at position `counter` (an integer below 2^53) of the stream keyed by `seed`. */
export function randomBits(seed: number, counter: number): number {
  const lo = counter >>> 0;
  const hi = Math.floor(counter / 4294967296) >>> 0;
  const key = mix32((seed >>> 0) ^ 0x9e3779b9);
  return mix32(mix32(lo ^ key) + Math.imul(hi ^ key, 0x85ebca6b));
}

/** Uniform in [0, 1) with 24 random bits (float32 resolution). */
export function uniform24(seed: number, counter: number): number {
  return (randomBits(seed, counter) >>> 8) / 16777216;
}

/** Uniform in [0, 1) with 53 random bits, from two consecutive counters. */
export function uniform53(seed: number, counter: number): number {
  const a = randomBits(seed, counter) >>> 5;
  const b = randomBits(seed, counter + 1) >>> 6;
  return (a * 67108864 + b) / 9007199254740992;
}

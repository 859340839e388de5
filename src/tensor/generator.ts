// The seeded random generator. Its whole state is (seed, offset) into a counter-based stream, so
// it can be saved in a checkpoint and restored to continue bit-for-bit.
import { randomBits, uniform53 } from '../backend/random.js';
import { checkNumber, checkOptions, isPlainObject } from '../util/options.js';

export type GeneratorState = { seed: number; offset: number };

export class Generator {
  seed: number;
  offset = 0;

  constructor(seed = 0) {
    checkNumber('Generator', 'seed', seed);
    if (!Number.isFinite(seed)) throw new TypeError(`Generator: seed must be a finite number, got ${seed}`);
    this.seed = seed >>> 0;
  }

  manualSeed(seed: number): this {
    checkNumber('manualSeed', 'seed', seed);
    if (!Number.isFinite(seed)) throw new TypeError(`manualSeed: seed must be a finite number, got ${seed}`);
    this.seed = Math.trunc(seed) >>> 0;
    this.offset = 0;
    return this;
  }

  getState(): GeneratorState {
    return { seed: this.seed, offset: this.offset };
  }

  setState(state: GeneratorState): this {
    if (!isPlainObject(state)) throw new TypeError(`Generator.setState: expected {seed, offset}, got ${state === null ? 'null' : typeof state}`);
    checkOptions('Generator.setState', state, ['seed', 'offset']);
    checkNumber('Generator.setState', 'seed', state.seed);
    checkNumber('Generator.setState', 'offset', state.offset, { integer: true, min: 0 });
    this.seed = state.seed >>> 0;
    this.offset = state.offset;
    return this;
  }

  /** Reserves `count` positions of the stream and returns the first. */
  reserve(count: number): number {
    const start = this.offset;
    this.offset += count;
    return start;
  }

  /** A uniform integer in [0, n), for host-side uses such as shuffling. */
  randomInt(n: number): number {
    // 53-bit uniform keeps the modulo bias negligible for any n below 2^32
    return Math.floor(uniform53(this.seed, this.reserve(2)) * n);
  }

  /** 32 random bits (host side). */
  nextUint32(): number {
    return randomBits(this.seed, this.reserve(1));
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.randomInt(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}

/** The default generator used when no generator is passed. */
export const defaultGenerator = new Generator(0);

/** Seeds the default generator, like torch.manual_seed. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

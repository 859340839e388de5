// Fisher–Yates in place on any array, drawing 32 bits a swap from a Generator (host side): the
// order of the sentiment splits and of length-bucketed batches. (Generator.permutation draws 53 bits
// a swap; the two are kept apart so that existing splits and run orders stay as they were.)
import type { Generator } from '../tensor/generator.js';

export function shuffleInPlace<T>(a: T[], gen: Generator): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor((gen.nextUint32() / 4294967296) * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

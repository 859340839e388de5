// Picking the next token from a row of logits: temperature scaling, top-k (keep the k most
// likely), top-p / nucleus (keep the smallest set whose probability reaches p), then a draw from
// the seeded generator. Temperature 0 means greedy (argmax).
import type { Generator } from '../tensor/generator.js';
import { checkOptions } from '../util/options.js';

export type SamplingOptions = { temperature?: number; topK?: number | null; topP?: number | null };

const SAMPLING_KEYS = ['temperature', 'topK', 'topP'];

export function checkSamplingOptions(op: string, o: SamplingOptions, allowed: readonly string[] = SAMPLING_KEYS): void {
  checkOptions(op, o, allowed);
  if (o === undefined) return;
  for (const k of ['temperature', 'topK', 'topP'] as const) {
    if (o[k] !== undefined && o[k] !== null && typeof o[k] !== 'number') throw new TypeError(`${op}: ${k} must be a number, got ${typeof o[k]}`);
  }
  if (o.temperature !== undefined && !(o.temperature >= 0 && Number.isFinite(o.temperature)))
    throw new RangeError(`${op}: temperature must be a finite number >= 0, got ${o.temperature}`);
  if (o.topK !== undefined && o.topK !== null && !(Number.isInteger(o.topK) && o.topK >= 1))
    throw new RangeError(`${op}: topK must be a positive integer, got ${o.topK}`);
  if (o.topP !== undefined && o.topP !== null && !(o.topP > 0 && o.topP <= 1)) throw new RangeError(`${op}: topP must be in (0, 1], got ${o.topP}`);
}

/** The probabilities sampling would draw from (after temperature, top-k and top-p), as float64. */
export function samplingProbabilities(logits: ArrayLike<number>, opts: SamplingOptions = {}): Float64Array {
  checkOptions('samplingProbabilities', opts, SAMPLING_KEYS);
  const n = logits.length;
  const temperature = opts.temperature ?? 1;
  const p = new Float64Array(n);
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if (logits[i]! > logits[best]!) best = i;
    p[best] = 1;
    return p;
  }
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[i]!);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    p[i] = Math.exp((logits[i]! - max) / temperature);
    sum += p[i]!;
  }
  for (let i = 0; i < n; i++) p[i] = p[i]! / sum;
  const topK = opts.topK ?? null,
    topP = opts.topP ?? null;
  if ((topK !== null && topK < n) || (topP !== null && topP < 1)) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b);
    let keep = topK !== null ? Math.min(topK, n) : n;
    if (topP !== null && topP < 1) {
      let cum = 0;
      for (let r = 0; r < keep; r++) {
        cum += p[order[r]!]!;
        if (cum >= topP) {
          keep = r + 1;
          break;
        }
      }
    }
    let kept = 0;
    for (let r = 0; r < n; r++) {
      if (r < keep) kept += p[order[r]!]!;
      else p[order[r]!] = 0;
    }
    for (let i = 0; i < n; i++) p[i] = p[i]! / kept;
  }
  return p;
}

/** One token id drawn from the logits row; consumes one 32-bit number from the generator unless greedy. */
export function sampleFromLogits(logits: ArrayLike<number>, opts: SamplingOptions, generator: Generator): number {
  if (!generator || typeof generator.nextUint32 !== 'function') throw new TypeError('sampleFromLogits: expected a Generator as the third argument');
  const p = samplingProbabilities(logits, opts);
  if ((opts.temperature ?? 1) === 0) return p.indexOf(1);
  const u = generator.nextUint32() / 4294967296;
  let cum = 0,
    last = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) continue;
    last = i;
    cum += p[i]!;
    if (u < cum) return i;
  }
  return last; // rounding left u above the total
}

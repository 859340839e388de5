// The playground's input features: x1, x2 and the hand-made products and sines it offers.
import type { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { mul, select, sin, stack } from '../ops/index.js';

export const FEATURE_NAMES = ['x1', 'x2', 'x1^2', 'x2^2', 'x1x2', 'sin(x1)', 'sin(x2)'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/**
 * Other spellings parseFeatures accepts (compared lower-case, spaces removed): shell-friendly
 * ones without ^ or parentheses, Python-style ones, and the playground's own ids (x, y, xSquared, ...).
 */
export const FEATURE_ALIASES: Readonly<Record<string, FeatureName>> = {
  x: 'x1',
  y: 'x2',
  x1sq: 'x1^2',
  'x1**2': 'x1^2',
  x1x1: 'x1^2',
  x1_2: 'x1^2',
  xsquared: 'x1^2',
  x2sq: 'x2^2',
  'x2**2': 'x2^2',
  x2x2: 'x2^2',
  x2_2: 'x2^2',
  ysquared: 'x2^2',
  'x1*x2': 'x1x2',
  x1_x2: 'x1x2',
  xtimesy: 'x1x2',
  sinx1: 'sin(x1)',
  sin_x1: 'sin(x1)',
  sinx: 'sin(x1)',
  sinx2: 'sin(x2)',
  sin_x2: 'sin(x2)',
  siny: 'sin(x2)',
};

/** The canonical name of one feature, or undefined if it is not one. */
export function featureName(name: string): FeatureName | undefined {
  const key = name.replace(/\s+/g, '').toLowerCase();
  if ((FEATURE_NAMES as readonly string[]).includes(key)) return key as FeatureName;
  return FEATURE_ALIASES[key];
}

/**
 * Parses a comma-separated feature list such as 'x1,x2,x1sq,sin(x1)' into canonical names, in the
 * given order. 'all' means every feature. Unknown and repeated names are errors.
 */
export function parseFeatures(list: string): FeatureName[] {
  const parts = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (!parts.length) throw new RangeError(`parseFeatures: empty feature list '${list}', expected comma-separated names from ${FEATURE_NAMES.join(', ')}`);
  if (parts.length === 1 && parts[0]!.toLowerCase() === 'all') return [...FEATURE_NAMES];
  const out: FeatureName[] = [];
  for (const part of parts) {
    const name = featureName(part);
    if (!name) {
      throw new RangeError(
        `parseFeatures: unknown feature '${part}', expected one of ${FEATURE_NAMES.join(', ')} (or aliases such as x1sq, x1*x2, sinx1, or 'all')`,
      );
    }
    if (out.includes(name)) throw new RangeError(`parseFeatures: feature '${part}' (${name}) is listed twice in '${list}'`);
    out.push(name);
  }
  return out;
}

/** The chosen features of points x (N, 2), as columns of an (N, F) tensor in the order given. Differentiable. */
export function applyFeatures(x: Tensor, features: readonly FeatureName[]): Tensor {
  if (x.ndim !== 2 || x.shape[1] !== 2) throw new RangeError(`applyFeatures: expected points of shape (N, 2), got ${shapeStr(x.shape)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new TypeError(`applyFeatures: expected float32 or float64 points, got ${x.dtype}`);
  if (!features.length) throw new RangeError('applyFeatures: expected at least one feature');
  const x1 = select(x, 1, 0); // (N,)
  const x2 = select(x, 1, 1); // (N,)
  const columns = features.map((f) => {
    switch (f) {
      case 'x1':
        return x1;
      case 'x2':
        return x2;
      case 'x1^2':
        return mul(x1, x1);
      case 'x2^2':
        return mul(x2, x2);
      case 'x1x2':
        return mul(x1, x2);
      case 'sin(x1)':
        return sin(x1);
      case 'sin(x2)':
        return sin(x2);
      default:
        throw new RangeError(`applyFeatures: unknown feature '${String(f)}', expected one of ${FEATURE_NAMES.join(', ')}`);
    }
  });
  return stack(columns, 1); // (N, F)
}

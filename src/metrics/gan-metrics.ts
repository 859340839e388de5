// How good and how varied a generator's samples are, measured with a classifier trained on the real
// data (for MNIST, a deepts LeNet-5 instead of the Inception network of the ImageNet versions):
// - Inception Score (Salimans et al. 2016): exp(E_x KL(p(y|x) ‖ p(y))), high when every sample is
//   one clear class and the classes are balanced; the MNIST test set itself scores ≈ 9.9 of 10.
// - Fréchet distance (Heusel et al. 2017's FID) between Gaussians fitted to the classifier's
//   penultimate features of real and generated images: ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½).
// - class shares and their KL divergence from uniform (mode collapse drops classes), and the
//   coverage of a known set of modes (the 8-Gaussians ring).
import { symmetricSqrt } from './symmetric-eigen.js';
import { checkOptions } from '../util/options.js';

/** Rows of a row-major (n, d) matrix given as a flat array, checked. */
function rowsOf(where: string, values: ArrayLike<number>, d: number): number {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`${where}: the row length must be a positive integer, got ${d}`);
  if (values.length % d !== 0) throw new RangeError(`${where}: ${values.length} values are not whole rows of ${d}`);
  return values.length / d;
}

export type InceptionScore = { mean: number; std: number; splits: number };

/**
 * The Inception Score of class probabilities (n, k) (rows summing to 1), as the original code
 * computes it: the samples cut into `splits` equal parts (default 10), the score of each, their
 * mean and standard deviation.
 */
export function inceptionScore(probs: ArrayLike<number>, k: number, opts: { splits?: number } = {}): InceptionScore {
  checkOptions('inceptionScore', opts, ['splits']);
  const n = rowsOf('inceptionScore', probs, k);
  const splits = opts.splits ?? 10;
  if (!Number.isInteger(splits) || splits < 1 || splits > n)
    throw new RangeError(`inceptionScore: splits must be an integer in 1..${n} (the samples), got ${splits}`);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const p = probs[i * k + j]!;
      if (!(p >= 0)) throw new RangeError(`inceptionScore: probability ${p} at row ${i}, class ${j}`);
      s += p;
    }
    if (Math.abs(s - 1) > 1e-3)
      throw new RangeError(`inceptionScore: row ${i} sums to ${Number(s.toPrecision(6))}, not 1 (pass probabilities: softmax of the logits)`);
  }
  const scores: number[] = [];
  for (let part = 0; part < splits; part++) {
    const lo = Math.floor((part * n) / splits),
      hi = Math.floor(((part + 1) * n) / splits);
    const marginal = new Float64Array(k);
    for (let i = lo; i < hi; i++) for (let j = 0; j < k; j++) marginal[j] = marginal[j]! + probs[i * k + j]! / (hi - lo);
    let kl = 0;
    for (let i = lo; i < hi; i++)
      for (let j = 0; j < k; j++) {
        const p = probs[i * k + j]!;
        if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[j]!));
      }
    scores.push(Math.exp(kl / (hi - lo)));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / splits;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / splits);
  return { mean, std, splits };
}

/** A Gaussian fitted to features: the mean (d) and the unbiased covariance (d × d, as numpy.cov). */
export type FeatureStatistics = { mean: Float64Array; cov: Float64Array; dim: number; count: number };

export function featureStatistics(features: ArrayLike<number>, d: number): FeatureStatistics {
  const n = rowsOf('featureStatistics', features, d);
  if (n < 2) throw new RangeError(`featureStatistics: a covariance needs at least 2 rows, got ${n}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = mean[j]! + features[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = features[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b] = cov[a * d + b]! + ra * row[b]!;
    }
  }
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b]! / (n - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  return { mean, cov, dim: d, count: n };
}

/** The Fréchet distance between two fitted Gaussians (FID when the features are Inception's; here a classifier's). */
export function frechetDistance(a: FeatureStatistics, b: FeatureStatistics): number {
  if (a.dim !== b.dim) throw new RangeError(`frechetDistance: features of ${a.dim} and ${b.dim} dimensions`);
  const d = a.dim;
  let meanTerm = 0,
    trace = 0;
  for (let j = 0; j < d; j++) {
    meanTerm += (a.mean[j]! - b.mean[j]!) ** 2;
    trace += a.cov[j * d + j]! + b.cov[j * d + j]!;
  }
  // tr((Σa Σb)^½) = tr((Σa^½ Σb Σa^½)^½): the product inside is symmetric positive semi-definite
  const ra = symmetricSqrt(a.cov, d);
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let k = 0; k < d; k++) {
      const rik = ra[i * d + k]!;
      if (rik === 0) continue;
      for (let j = 0; j < d; j++) t[i * d + j] = t[i * d + j]! + rik * b.cov[k * d + j]!;
    }
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let k = 0; k < d; k++) {
      const tik = t[i * d + k]!;
      if (tik === 0) continue;
      for (let j = 0; j < d; j++) m[i * d + j] = m[i * d + j]! + tik * ra[k * d + j]!;
    }
  for (let i = 0; i < d; i++)
    for (let j = 0; j < i; j++) {
      const s = (m[i * d + j]! + m[j * d + i]!) / 2; // rounding made it a hair asymmetric
      m[i * d + j] = s;
      m[j * d + i] = s;
    }
  const root = symmetricSqrt(m, d);
  let cross = 0;
  for (let j = 0; j < d; j++) cross += root[j * d + j]!;
  return Math.max(meanTerm + trace - 2 * cross, 0);
}

/** The share of each class among predicted labels (k classes). */
export function classShares(predicted: ArrayLike<number>, k: number): number[] {
  if (predicted.length === 0) throw new RangeError('classShares: no predictions');
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < predicted.length; i++) {
    const c = predicted[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new RangeError(`classShares: label ${c} at ${i} is outside 0..${k - 1}`);
    counts[c]!++;
  }
  return counts.map((c) => c / predicted.length);
}

/** KL(shares ‖ uniform) in nats: 0 when balanced, log k when one class has everything. */
export function klFromUniform(shares: readonly number[]): number {
  const k = shares.length;
  let kl = 0;
  for (const p of shares) if (p > 0) kl += p * Math.log(p * k);
  return kl;
}

export type ModeCoverage = {
  /** Samples within `radius` of each mode. */
  counts: number[];
  /** Modes holding at least `minShare` of the samples. */
  covered: number;
  /** The share of samples within `radius` of some mode ("high-quality" samples). */
  highQuality: number;
};

/**
 * Which of the known modes (m, d) the samples (n, d) reach: a sample belongs to its nearest mode
 * when it is within `radius`; a mode is covered when it holds at least `minShare` of the samples
 * (default 1 %). The measure of the unrolled-GAN paper's 8-Gaussians ring.
 */
export function modeCoverage(samples: ArrayLike<number>, modes: ArrayLike<number>, d: number, opts: { radius: number; minShare?: number }): ModeCoverage {
  checkOptions('modeCoverage', opts, ['radius', 'minShare']);
  const n = rowsOf('modeCoverage', samples, d),
    m = rowsOf('modeCoverage', modes, d);
  if (!(opts.radius > 0)) throw new RangeError(`modeCoverage: radius must be positive, got ${opts.radius}`);
  const minShare = opts.minShare ?? 0.01;
  const counts = new Array<number>(m).fill(0);
  let near = 0;
  for (let i = 0; i < n; i++) {
    let best = -1,
      bestDist = Infinity;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (samples[i * d + k]! - modes[j * d + k]!) ** 2;
      if (s < bestDist) {
        bestDist = s;
        best = j;
      }
    }
    if (Math.sqrt(bestDist) <= opts.radius) {
      counts[best]!++;
      near++;
    }
  }
  return { counts, covered: counts.filter((c) => c >= minShare * n).length, highQuality: near / n };
}

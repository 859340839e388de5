// Measuring a GAN on MNIST with a deepts LeNet-5 as the judge: the classifier (read from a `deepts
// train lenet` run, or trained once with its defaults and cached), the real data's feature
// statistics, and one call that samples a generator and returns every number the GAN commands log:
// Inception Score, FID-LeNet, class shares and their KL from uniform, sample diversity, the
// mode-collapse alarm, and for a conditional generator how often the classifier agrees with the
// requested class.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { Generator } from '../tensor/generator.js';
import { noGrad } from '../autograd/grad-mode.js';
import { cat, softmax } from '../ops/index.js';
import { loadCheckpoint } from '../io/checkpoint.js';
import { LeNet5 } from '../models/lenet.js';
import { generateImages, sampleNoise, type GanGenerator } from '../models/gan.js';
import { MNIST_NORMALIZATION, type MnistDatasetName } from '../data/mnist.js';
import { classShares, featureStatistics, frechetDistance, inceptionScore, klFromUniform, type FeatureStatistics } from '../metrics/gan-metrics.js';
import { readRunConfig } from './run-folder.js';
import { LENET_COMMAND, LENET_DEFAULTS, trainLenet, type LenetRunConfig } from './recipes/lenet.js';
import { checkOptions } from '../util/options.js';

export type MnistClassifier = { model: LeNet5; dataset: MnistDatasetName; testAccuracy: number | null; source: string };

/** Where the on-demand classifier is cached: $DEEPTS_CACHE, else $XDG_CACHE_HOME/deepts, else ~/.cache/deepts. */
export function deeptsCacheDir(): string {
  const env = process.env;
  if (env.DEEPTS_CACHE) return resolve(env.DEEPTS_CACHE);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'deepts');
}

function readLenetRun(dir: string, what: string): MnistClassifier {
  const config = readRunConfig<LenetRunConfig>(dir, LENET_COMMAND);
  const model = new LeNet5({ activation: config.activation, pool: config.pool });
  loadCheckpoint(join(dir, 'checkpoint.safetensors'), { model, generator: null });
  model.eval();
  const metricsPath = join(dir, 'metrics.json');
  const acc = existsSync(metricsPath) ? (JSON.parse(readFileSync(metricsPath, 'utf8')) as { testAccuracy?: number }).testAccuracy : undefined;
  return { model, dataset: config.dataset, testAccuracy: acc ?? null, source: what };
}

/**
 * The LeNet-5 that judges samples: from `run` (a `deepts train lenet` folder), or the cached one of
 * this data set, trained with `deepts train lenet`'s defaults on first use (about a minute).
 */
export async function mnistClassifier(
  opts: { dataset?: MnistDatasetName; run?: string | null; data?: string | null; say?: (line: string) => void } = {},
): Promise<MnistClassifier> {
  checkOptions('mnistClassifier', opts, ['dataset', 'run', 'data', 'say']);
  const dataset = opts.dataset ?? 'mnist';
  if (opts.run) {
    const c = readLenetRun(opts.run, `the deepts train lenet run ${opts.run}`);
    if (c.dataset !== dataset) throw new RangeError(`mnistClassifier: ${opts.run} is a LeNet of ${c.dataset}, but the samples are ${dataset}`);
    return c;
  }
  const dir = join(deeptsCacheDir(), `lenet-${dataset}`);
  if (existsSync(join(dir, 'metrics.json'))) return readLenetRun(dir, `the cached LeNet-5 in ${dir}`);
  const say = opts.say ?? (() => {});
  say(`training the judging LeNet-5 on ${dataset} once (deepts train lenet's defaults), cached in ${dir}`);
  const config: LenetRunConfig = {
    ...LENET_DEFAULTS,
    dataset,
    data: opts.data ?? null,
    download: false,
    activation: 'relu',
    pool: 'max',
    limit: null,
    testLimit: null,
    out: dir,
  };
  const r = await trainLenet(config, { quiet: true, say });
  if (r.loop.interrupted) throw new Error(`mnistClassifier: training the LeNet-5 was interrupted; it resumes with: deepts train lenet --resume ${dir}`);
  say(`LeNet-5 test accuracy ${((r.metrics.testAccuracy as number) * 100).toFixed(2)} %`);
  return readLenetRun(dir, `the cached LeNet-5 in ${dir}`);
}

/** G's tanh images in [−1, 1] as the classifier's input: back to [0, 1], then the data set's normalization. */
function classifierInput(images: Tensor, dataset: MnistDatasetName): Tensor {
  const { mean, std } = MNIST_NORMALIZATION[dataset];
  return images
    .add(1)
    .mul(0.5 / std)
    .sub(mean / std);
}

type Judged = { probs: Float32Array; features: Float32Array; predicted: Int32Array };

/** The classifier's probabilities (N, 10), penultimate features (N, 84) and predicted classes, in batches. */
function judge(c: MnistClassifier, images: Tensor, batch = 1000): Judged {
  const n = images.shape[0]!;
  const probs = new Float32Array(n * 10),
    features = new Float32Array(n * 84),
    predicted = new Int32Array(n);
  noGrad(() => {
    for (let i = 0; i < n; i += batch) {
      const m = Math.min(batch, n - i);
      const f = c.model.features(classifierInput(images.narrow(0, i, m), c.dataset)); // (m, 84)
      const p = softmax(c.model.fc3.forward(f), 1); // (m, 10)
      features.set(f.contiguous().toTypedArray() as Float32Array, i * 84);
      probs.set(p.contiguous().toTypedArray() as Float32Array, i * 10);
      predicted.set(p.argmax(1).toTypedArray() as Int32Array, i);
    }
  });
  return { probs, features, predicted };
}

/** Mean distance between the features of sample pairs (i, i + n/2), a cheap spread measure. */
function spread(features: Float32Array, d: number): number {
  const n = features.length / d,
    half = Math.floor(n / 2);
  let s = 0;
  for (let i = 0; i < half; i++) {
    let q = 0;
    for (let k = 0; k < d; k++) q += (features[i * d + k]! - features[(i + half) * d + k]!) ** 2;
    s += Math.sqrt(q);
  }
  return s / Math.max(half, 1);
}

export type GanEvaluation = {
  samples: number;
  inceptionScore: number;
  inceptionScoreStd: number;
  fid: number;
  classShares: number[];
  klFromUniform: number;
  /** Mean feature distance of sample pairs over that of real pairs: near 1 when varied, near 0 when collapsed. */
  diversity: number;
  /** Conditional models: the share of samples the classifier puts in the requested class. */
  classAgreement?: number;
  /** Why the samples look collapsed, or null. */
  modeCollapse: string | null;
};

/** The real images' side of every comparison: test-set statistics, computed once. */
export class GanEvaluator {
  readonly classifier: MnistClassifier;
  readonly real: FeatureStatistics;
  /** The real test set's own Inception Score, and the FID between its two halves (the floor FID can reach). */
  readonly realInceptionScore: number;
  readonly realVsRealFid: number;
  private readonly realSpread: number;

  /** `realImages`: the test images (N, 1, 28, 28) in [−1, 1]. */
  constructor(classifier: MnistClassifier, realImages: Tensor) {
    this.classifier = classifier;
    const j = judge(classifier, realImages);
    const n = realImages.shape[0]!;
    this.real = featureStatistics(j.features, 84);
    this.realInceptionScore = inceptionScore(j.probs, 10, { splits: Math.min(10, n) }).mean;
    const half = Math.floor(n / 2) * 84;
    this.realVsRealFid = frechetDistance(featureStatistics(j.features.subarray(0, half), 84), featureStatistics(j.features.subarray(half, 2 * half), 84));
    this.realSpread = spread(j.features, 84);
  }

  /** Every number of `images` (N, 1, 28, 28) in [−1, 1]; `requested` classes for a conditional generator. */
  evaluateImages(images: Tensor, requested?: Tensor): GanEvaluation {
    const n = images.shape[0]!;
    const j = judge(this.classifier, images);
    const is = inceptionScore(j.probs, 10, { splits: Math.min(10, n) });
    const shares = classShares(j.predicted, 10);
    const diversity = spread(j.features, 84) / this.realSpread;
    const top = shares.indexOf(Math.max(...shares));
    const modeCollapse =
      shares[top]! > 0.5
        ? `mode collapse: digit ${top} is ${(shares[top]! * 100).toFixed(0)} % of the samples`
        : diversity < 0.5
          ? `mode collapse: the samples' spread is ${(diversity * 100).toFixed(0)} % of the real images'`
          : null;
    const out: GanEvaluation = {
      samples: n,
      inceptionScore: is.mean,
      inceptionScoreStd: is.std,
      fid: frechetDistance(featureStatistics(j.features, 84), this.real),
      classShares: shares,
      klFromUniform: klFromUniform(shares),
      diversity,
      modeCollapse,
    };
    if (requested) {
      const want = requested.toTypedArray();
      let agree = 0;
      for (let i = 0; i < n; i++) if (j.predicted[i] === want[i]) agree++;
      out.classAgreement = agree / n;
    }
    return out;
  }

  /** Samples `n` images of G (eval mode, batches of 1,000; uniform random classes when conditional) and evaluates them. */
  evaluate(g: GanGenerator, opts: { samples?: number; seed?: number } = {}): GanEvaluation {
    checkOptions('GanEvaluator.evaluate', opts, ['samples', 'seed']);
    const n = opts.samples ?? 10_000;
    const gen = new Generator(opts.seed ?? 1234);
    const K = g.config.numClasses;
    // a conditional generator gets each class equally often, in a shuffled order (so the sample
    // pairs that diversity compares are of random classes, as the real pairs are)
    const classes = K > 0 ? tensor(Int32Array.from(gen.permutation(n), (i) => i % K)) : undefined;
    const parts: Tensor[] = [];
    for (let i = 0; i < n; i += 1000) {
      const m = Math.min(1000, n - i);
      parts.push(generateImages(g, sampleNoise(m, g.config.latentDim, gen), classes?.narrow(0, i, m)));
    }
    const images = parts.length === 1 ? parts[0]! : cat(parts, 0);
    return this.evaluateImages(images, classes);
  }
}

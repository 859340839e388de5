// The GANs against PyTorch (fixtures/gan, written by scripts/gan_fixtures.py): DCGAN's generator and
// discriminator, plain and conditional, with PyTorch's weights loaded as they are; the Inception Score
// as improved-gan computes it and the Fréchet distance as pytorch-fid does; and the models' bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dt from '../../src/index.js';
import { DCGANDiscriminator, DCGANGenerator, MLPGenerator, buildGan, checkGanConfig } from '../../src/models/gan.js';
import { featureStatistics, frechetDistance, inceptionScore, classShares, klFromUniform, modeCoverage } from '../../src/metrics/gan-metrics.js';
import { symmetricEigen, symmetricSqrt } from '../../src/metrics/symmetric-eigen.js';
import { loadGanNet, saveGanNet } from '../../src/train/recipes/gan.js';
import { compare, loadFixture, tensorOf, values, type T } from '../f32-fixtures.js';

type DcganCase = {
  name: string;
  latentDim: number;
  width: number;
  numClasses: number;
  G: Record<string, T>;
  D: Record<string, T>;
  z: T;
  fake: T;
  x: T;
  logits: T;
  r: T;
  dx: T;
  runningMeanAfter: T;
  runningVarAfter: T;
  classes?: number[];
};

/** PyTorch's state dict with its buffer names in camelCase (running_mean → runningMean); numBatchesTracked stays ours. */
const stateOf = (m: dt.nn.Module, s: Record<string, T>) => ({
  ...m.stateDict(),
  ...Object.fromEntries(Object.entries(s).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), tensorOf(v)])),
});

test("DCGAN's generator and discriminator match PyTorch's (plain and conditional), PyTorch's state dicts loading as they are", () => {
  for (const c of loadFixture<DcganCase[]>('gan', 'dcgan.json')) {
    const config = { model: c.numClasses ? ('cdcgan' as const) : ('dcgan' as const), latentDim: c.latentDim, width: c.width };
    const G = new DCGANGenerator(config),
      D = new DCGANDiscriminator(config);
    G.loadStateDict(stateOf(G, c.G));
    D.loadStateDict(stateOf(D, c.D));
    const classes = c.classes ? dt.tensor(Int32Array.from(c.classes)) : undefined;
    compare(`${c.name} G(z)`, G.forward(tensorOf(c.z), classes), c.fake);
    compare(`${c.name} G's running mean`, G.bn1.runningMean!, c.runningMeanAfter);
    compare(`${c.name} G's running var`, G.bn1.runningVar!, c.runningVarAfter);
    const x = tensorOf(c.x, true);
    const logits = D.forward(x.mul(2).sub(1), classes);
    compare(`${c.name} D(x)`, logits, c.logits);
    logits.mul(tensorOf(c.r)).sum().backward();
    compare(`${c.name} dD/dx`, x.grad!, c.dx);
  }
});

type MetricCase = { probs: T; splits: number; isMean: number; isStd: number; a: T; b: T; dim: number; fid: number; fidSelf: number };

test('the Inception Score and the Fréchet distance match improved-gan and pytorch-fid', () => {
  const m = loadFixture<MetricCase>('gan', 'metrics.json');
  const is = inceptionScore(values(m.probs), 10, { splits: m.splits });
  assert.ok(Math.abs(is.mean - m.isMean) < 1e-5 * m.isMean, `IS ${is.mean} vs ${m.isMean}`);
  assert.ok(Math.abs(is.std - m.isStd) < 1e-4, `IS std ${is.std} vs ${m.isStd}`);
  const a = featureStatistics(values(m.a), m.dim),
    b = featureStatistics(values(m.b), m.dim);
  const fid = frechetDistance(a, b);
  assert.ok(Math.abs(fid - m.fid) < 1e-6 * m.fid, `FID ${fid} vs pytorch-fid's ${m.fid}`);
  assert.ok(frechetDistance(a, a) < 1e-8, `FID of a set with itself: ${frechetDistance(a, a)} (pytorch-fid: ${m.fidSelf})`);
});

test('GAN metrics: the extreme cases, eigen-decomposition, class shares and mode coverage', () => {
  // one clear class each, balanced: IS = k; everything the same class: IS = 1
  const k = 4,
    onehot = new Float32Array(40 * k);
  for (let i = 0; i < 40; i++) onehot[i * k + (i % k)] = 1;
  assert.ok(Math.abs(inceptionScore(onehot, k, { splits: 1 }).mean - k) < 1e-9);
  const same = new Float32Array(40 * k);
  for (let i = 0; i < 40; i++) same[i * k] = 1;
  assert.ok(Math.abs(inceptionScore(same, k, { splits: 2 }).mean - 1) < 1e-12);
  assert.throws(() => inceptionScore(new Float32Array([0.5, 0.2]), 2, { splits: 1 }), /inceptionScore: row 0 sums to 0.7, not 1/);
  // diagonal Gaussians: FID = |μ1 − μ2|² + Σ (σ1 − σ2)²
  const a = featureStatistics(new Float64Array([1, 0, -1, 0, 0, 2, 0, -2]), 2); // means (0, 0), variances 2/3 and 8/3, covariance 0
  const b = { mean: new Float64Array([1, 2]), cov: new Float64Array([3, 0, 0, 0.5]), dim: 2, count: 10 };
  const expected = 1 + 4 + (Math.sqrt(2 / 3) - Math.sqrt(3)) ** 2 + (Math.sqrt(8 / 3) - Math.sqrt(0.5)) ** 2;
  assert.ok(Math.abs(frechetDistance(a, b) - expected) < 1e-9, `${frechetDistance(a, b)} vs ${expected}`);
  // a random symmetric matrix is V diag(λ) Vᵀ, and sqrt·sqrt gives it back
  const n = 7,
    gen = new dt.Generator(2);
  const r = dt.randn([n, n], { generator: gen, dtype: 'float64' });
  const s = dt.matmul(r, r.transpose(0, 1)).toTypedArray() as Float64Array;
  const { values: lam, vectors: v } = symmetricEigen(s, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let q = 0; q < n; q++) sum += v[i * n + q]! * lam[q]! * v[j * n + q]!;
      assert.ok(Math.abs(sum - s[i * n + j]!) < 1e-9 * 50, `V Λ Vᵀ [${i}][${j}] = ${sum}, expected ${s[i * n + j]}`);
    }
  for (let q = 1; q < n; q++) assert.ok(lam[q]! >= lam[q - 1]!, 'eigenvalues ascending');
  const root = symmetricSqrt(s, n);
  const back = dt.matmul(dt.tensor(root, { shape: [n, n] }), dt.tensor(root, { shape: [n, n] })).toTypedArray();
  back.forEach((x, i) => assert.ok(Math.abs(x - s[i]!) < 1e-8 * 50, `sqrt² [${i}]`));
  assert.throws(() => symmetricEigen([1, 2, 3, 4], 2), /symmetricEigen: the matrix is not symmetric \(a\[1\]\[0\] = 3 but a\[0\]\[1\] = 2\)/);
  assert.deepEqual(classShares([0, 1, 1, 3], 4), [0.25, 0.5, 0, 0.25]);
  assert.equal(klFromUniform([0.25, 0.25, 0.25, 0.25]), 0);
  assert.ok(Math.abs(klFromUniform([1, 0, 0, 0]) - Math.log(4)) < 1e-12);
  assert.throws(() => classShares([0, 10], 10), /classShares: label 10 at 1 is outside 0..9/);
  const cover = modeCoverage([0, 0, 0.05, 0, 5, 5, 1, 1], [0, 0, 1, 1, 3, 3], 2, { radius: 0.1, minShare: 0.2 });
  assert.deepEqual(cover, { counts: [2, 1, 0], covered: 2, highQuality: 0.75 });
});

test('GAN models: config, noise and class checks name the problem', () => {
  assert.throws(() => checkGanConfig({ model: 'wgan' as 'gan' }), /GAN: model must be one of 'gan', 'dcgan', 'cdcgan', got 'wgan'/);
  assert.throws(() => checkGanConfig({ model: 'dcgan', imageSize: 32 }), /laid out for 28×28 images, got imageSize 32/);
  assert.throws(() => checkGanConfig({ model: 'dcgan', numClasses: 10 }), /numClasses is for the conditional model \('cdcgan'\), got 10 for 'dcgan'/);
  assert.throws(() => checkGanConfig({ model: 'gan', bogus: 1 } as never), /bogus/);
  const { generator: G, discriminator: D } = buildGan({ model: 'cdcgan', latentDim: 8, width: 2 });
  assert.throws(() => G.forward(dt.randn([3, 8])), /DCGANGenerator: the conditional model needs the classes \(N,\) int32 of its 3 inputs/);
  assert.throws(() => G.forward(dt.randn([2, 8]), dt.tensor(Int32Array.from([1, 10]))), /DCGANGenerator: class 10 at 1 is outside 0..9/);
  assert.throws(() => G.forward(dt.randn([2, 9]), dt.tensor(Int32Array.from([1, 2]))), /DCGANGenerator: expected noise \(N, 8\), got \(2, 9\)/);
  assert.throws(
    () => D.forward(dt.randn([2, 1, 32, 32]), dt.tensor(Int32Array.from([1, 2]))),
    /DCGANDiscriminator: expected images \(N, 1, 28, 28\), got \(2, 1, 32, 32\)/,
  );
  const mlp = new MLPGenerator({ model: 'gan', latentDim: 4 }, { hidden: [8] });
  assert.throws(() => mlp.forward(dt.randn([2, 4]), dt.tensor(Int32Array.from([0, 1]))), /MLPGenerator: the 'gan' model is not conditional; pass no classes/);
  assert.deepEqual([...mlp.forward(dt.randn([2, 4])).shape], [2, 1, 28, 28]);
});

test('a generator file loaded as a discriminator (and the other way round) is refused by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-gan-'));
  const config = checkGanConfig({ model: 'dcgan', latentDim: 8, width: 2 });
  const { generator: G, discriminator: D } = buildGan(config);
  saveGanNet(join(dir, 'g.safetensors'), G, 'generator');
  saveGanNet(join(dir, 'd.safetensors'), D, 'discriminator');
  assert.throws(
    () => loadGanNet(join(dir, 'g.safetensors'), 'discriminator', config),
    /loadGanNet: .*g\.safetensors holds a GAN generator's weights, not a discriminator's/,
  );
  assert.throws(() => loadGanNet(join(dir, 'd.safetensors'), 'generator', config), /holds a GAN discriminator's weights, not a generator's/);
  // without the metadata: judged by the weights
  dt.saveSafetensors(join(dir, 'plain.safetensors'), D.stateDict());
  assert.throws(
    () => loadGanNet(join(dir, 'plain.safetensors'), 'generator', config),
    /holds weights named conv1\.weight, .*not the dcgan generator of this run \(no up1\.weight\)/,
  );
  const wider = checkGanConfig({ model: 'dcgan', latentDim: 8, width: 3 });
  assert.throws(
    () => loadGanNet(join(dir, 'g.safetensors'), 'generator', wider),
    /holds a dcgan generator, not the dcgan generator of this run \(up1\.weight is \(8, 8, 7, 7\), expected \(8, 12, 7, 7\)\)/,
  );
  const back = loadGanNet(join(dir, 'g.safetensors'), 'generator', config);
  const z = dt.randn([2, 8]);
  assert.deepEqual(dt.models.generateImages(back as DCGANGenerator, z).toTypedArray(), dt.models.generateImages(G, z).toTypedArray());
});

// The GAN recipe behind `deepts train gan`: the MLP GAN, DCGAN or conditional DCGAN on MNIST (or
// Fashion-MNIST), trained by the one training loop with ganStep (D on real and generated images,
// then G). The run folder gets the slide's progression — one fixed noise batch drawn at iterations
// 0, 50, 1,000, 4,000 and every evaluation, as PNGs and an animated GIF — the D/G loss curves,
// a latent interpolation strip, for the conditional model the class × noise grid, and metrics.json
// with the LeNet-judged Inception Score, FID, class shares and the mode-collapse alarm at each
// evaluation. Ctrl-C leaves a checkpoint that `--resume` continues bit for bit.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/creation.js';
import { Generator, manualSeed } from '../../tensor/generator.js';
import { getBackend } from '../../backend/registry.js';
import { cat } from '../../ops/index.js';
import { Adam } from '../../optim/index.js';
import { loadSafetensors, saveSafetensors } from '../../io/safetensors.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { loadMnist, mnistTensors, type MnistDatasetName } from '../../data/mnist.js';
import { AugmentedLoader } from '../../data/augment.js';
import {
  buildGan,
  checkGanConfig,
  generateImages,
  sampleClasses,
  sampleNoise,
  DCGANDiscriminator,
  DCGANGenerator,
  MLPDiscriminator,
  MLPGenerator,
  type GanConfig,
  type GanDiscriminator,
  type GanGenerator,
  type GanModelName,
} from '../../models/gan.js';
import { AveragedModel, updateBn } from '../../nn/averaged-model.js';
import { writeLossCurve } from '../plots/index.js';
import { imageGrid, writeImageGrid, type Tile } from '../plots/image-grid.js';
import { writeGif } from '../plots/gif.js';
import { encodePng } from '../plots/png.js';
import { trainLoop, type StepLogs, type TrainLoopResult } from '../loop.js';
import { ganStep, GAN_LOSS_KEYS, type GanBatch } from '../gan-step.js';
import { GanEvaluator, mnistClassifier, type GanEvaluation } from '../gan-evaluation.js';
import { machineRecord, readRunConfig, writeRunConfig } from '../run-folder.js';
import { checkOptions } from '../../util/options.js';

export const GAN_COMMAND = 'train gan';

export type GanRunConfig = {
  model: GanModelName;
  dataset: MnistDatasetName;
  /** Folder with the MNIST idx files (default: found under $DEEPTS_DATA). */
  data: string | null;
  iterations: number;
  batchSize: number;
  lr: number;
  beta1: number;
  latentDim: number;
  width: number;
  /** D's first layer's feature maps (DCGAN). */
  discriminatorWidth: number;
  labelSmoothing: number;
  nCritic: number;
  /** Decay of the exponential moving average of G's weights that is sampled and evaluated (0: G itself). */
  ema: number;
  evalEvery: number;
  evalSamples: number;
  /** A `deepts train lenet` run to judge with (default: the cached LeNet-5, trained on first use). */
  classifier: string | null;
  limit: number | null;
  seed: number;
  out: string;
};

/** DCGAN's optimizer (Adam 2e-4, β1 0.5) for both nets; 6,000 iterations of batch 64 (6.4 epochs). */
export const GAN_DEFAULTS = {
  dataset: 'mnist' as MnistDatasetName,
  iterations: 6000,
  batchSize: 64,
  lr: 2e-4,
  beta1: 0.5,
  latentDim: 100,
  width: 32,
  discriminatorWidth: 32,
  labelSmoothing: 0,
  nCritic: 1,
  ema: 0.999,
  evalEvery: 1000,
  evalSamples: 10_000,
  seed: 1,
};

/** The iterations whose fixed-noise samples are always drawn (the slide's grids; 0 is before any step). */
export const GAN_SNAPSHOTS = [0, 50, 1000, 4000] as const;

export type GanRunResult = { out: string; metrics: Record<string, unknown>; loop: TrainLoopResult };

/** A snapshot: G's images of the fixed inputs, as bytes (0 = −1, 255 = 1), base64. */
type Frame = { iteration: number; pixels: string };
type Saved = { evaluations: (GanEvaluation & { iteration: number; seconds: number })[]; curve: number[][] };

/** MNIST images as tanh's range: pixels v/255 in [0, 1] → [−1, 1]; labels as they are. */
function tanhRange(data: Awaited<ReturnType<typeof loadMnist>>): { x: Tensor; y: Tensor } {
  const { x, y } = mnistTensors(data, { normalize: false });
  return { x: x.mul(2).sub(1), y };
}

/** The judge of a run's samples: its LeNet-5 and the statistics of the run's data set's test images. */
async function ganEvaluator(config: GanRunConfig, classifierRun: string | null, say?: (line: string) => void): Promise<GanEvaluator> {
  const testData = await loadMnist('test', { dataset: config.dataset, dir: config.data ?? undefined });
  const classifier = await mnistClassifier({ dataset: config.dataset, run: classifierRun, data: config.data, say });
  return new GanEvaluator(classifier, tanhRange(testData).x);
}

/** One fixed batch of noise (and classes, row = class, for the conditional model): what every snapshot draws. */
function fixedInputs(g: GanGenerator, seed: number): { z: Tensor; classes?: Tensor; cols: number } {
  const gen = new Generator(Math.imul(seed ^ 0x3c6ef372, 0x9e3779b1) >>> 0);
  const K = g.config.numClasses;
  if (K === 0) return { z: sampleNoise(64, g.config.latentDim, gen), cols: 8 };
  // row = class, column = one noise vector shared by the row: the same style in every class
  const z = sampleNoise(10, g.config.latentDim, gen);
  const rows = Array.from({ length: K }, () => z);
  return { z: cat(rows, 0), classes: tensor(Int32Array.from({ length: 10 * K }, (_, i) => Math.floor(i / 10))), cols: 10 };
}

function tilesOf(images: Tensor, captions?: string[]): Tile[] {
  const n = images.shape[0]!,
    hw = images.shape[2]! * images.shape[3]!;
  const v = images.contiguous().toTypedArray() as Float32Array;
  return Array.from({ length: n }, (_, i) => ({ values: v.subarray(i * hw, (i + 1) * hw), caption: captions?.[i] }));
}

/** The grid of G's images (N, 1, 28, 28) in [−1, 1], white digits on black as MNIST draws them. */
function frameCanvas(images: Tensor, cols: number, title: string) {
  return imageGrid(tilesOf(images), { height: 28, width: 28, cols, scale: 2, colors: 'gray', range: [-1, 1], title });
}

const MODEL_NAMES: Record<GanModelName, string> = { gan: 'MLP GAN', dcgan: 'DCGAN', cdcgan: 'conditional DCGAN' };

function modelConfig(c: GanRunConfig): GanConfig {
  return { model: c.model, latentDim: c.latentDim, width: c.width, discriminatorWidth: c.discriminatorWidth ?? c.width };
}

/** Trains as configured and writes the run folder. `say` receives the human-readable lines. */
export async function trainGan(
  config: GanRunConfig,
  opts: { quiet?: boolean; resume?: boolean; say?: (line: string) => void; resumeHint?: string } = {},
): Promise<GanRunResult> {
  checkOptions('trainGan', opts, ['quiet', 'resume', 'say', 'resumeHint']);
  const say = opts.say ?? ((line: string) => console.log(line));
  const t0 = performance.now();
  const loadBefore = loadavg();
  const gc = checkGanConfig(modelConfig(config));
  const dataOpts = { dataset: config.dataset, dir: config.data ?? undefined };
  const trainData = await loadMnist('train', { ...dataOpts, limit: config.limit ?? undefined });
  const train = tanhRange(trainData);
  const evaluator = await ganEvaluator(config, config.classifier, opts.quiet ? undefined : say);
  const classifier = evaluator.classifier;

  manualSeed(config.seed);
  const weightsGen = new Generator(config.seed);
  const shuffleGen = new Generator(Math.imul(config.seed ^ 0x5bd1e995, 0x9e3779b1) >>> 0);
  const noiseGen = new Generator(Math.imul(config.seed ^ 0x27d4eb2f, 0x85ebca6b) >>> 0);
  const { generator: G, discriminator: D } = buildGan(gc, { generator: weightsGen });
  // the generator that is drawn and judged: G's weights averaged over the iterations (or G)
  const average = config.ema > 0 ? new AveragedModel(G, buildGan(gc, { generator: new Generator(0) }).generator, { decay: config.ema }) : null;
  average?.updateParameters(G);
  const Gs: GanGenerator = average ? average.module : G;
  // the average's BatchNorm statistics, measured on it before it is drawn or judged (the same noise each time)
  const measureAverage = (): void => {
    if (!average) return;
    const gen = new Generator(Math.imul(config.seed ^ 0x68e31da4, 0xb5297a4d) >>> 0);
    const K = gc.numClasses;
    const batches = Array.from({ length: 20 }, () => [sampleNoise(100, gc.latentDim, gen), ...(K ? [sampleClasses(100, K, gen)] : [])] as const);
    updateBn(Gs, batches);
  };
  const betas: [number, number] = [config.beta1, 0.999];
  const optimizerG = new Adam(G.parameters(), { lr: config.lr, betas });
  const optimizerD = new Adam(D.parameters(), { lr: config.lr, betas });
  const loader = new AugmentedLoader(train.x, train.y, { batchSize: config.batchSize, shuffle: true, generator: shuffleGen });

  const out = resolve(config.out);
  const samplesDir = join(out, 'samples');
  mkdirSync(samplesDir, { recursive: true });
  writeRunConfig(out, GAN_COMMAND, config);
  const backend = getBackend().name;
  const name = MODEL_NAMES[config.model];
  if (!opts.quiet) {
    say(`deepts train gan: ${name} on ${config.dataset}, ${trainData.count} training images, backend ${backend}, seed ${config.seed}`);
    say(
      `G ${G.numParameters().toLocaleString('en-US')} parameters, D ${D.numParameters().toLocaleString('en-US')}${average ? `; samples from G's moving average (decay ${config.ema})` : ''}; Adam lr ${config.lr}, β1 ${config.beta1}, batch ${config.batchSize}, ${config.iterations} iterations (${(config.iterations / loader.length).toFixed(1)} epochs)`,
    );
    say(
      `judge: ${classifier.source}${classifier.testAccuracy !== null ? ` (test accuracy ${(classifier.testAccuracy * 100).toFixed(2)} %)` : ''}; the real test images score IS ${evaluator.realInceptionScore.toFixed(2)}, FID between their halves ${evaluator.realVsRealFid.toFixed(2)}`,
    );
    say(`run folder: ${config.out}${opts.resume ? ' (resuming)' : ''}`);
  }

  // the progression: frames of the fixed inputs, kept in a file of their own (a resume drops those after its checkpoint)
  const inputs = fixedInputs(G, config.seed);
  const framesPath = join(samplesDir, 'progression.json');
  let frames: Frame[] = opts.resume && existsSync(framesPath) ? (JSON.parse(readFileSync(framesPath, 'utf8')) as Frame[]) : [];
  const snapshot = (iteration: number): void => {
    if (frames.some((f) => f.iteration === iteration)) return;
    measureAverage();
    const images = generateImages(Gs, inputs.z, inputs.classes);
    const canvas = frameCanvas(images, inputs.cols, `${name}, iteration ${iteration.toLocaleString('en-US')}`);
    writeFileAtomic(join(samplesDir, `iter-${String(iteration).padStart(6, '0')}.png`), encodePng(canvas.width, canvas.height, canvas.rgba));
    const v = images.contiguous().toTypedArray();
    const bytes = Uint8Array.from(v, (x) => Math.round(Math.max(0, Math.min(1, (x + 1) / 2)) * 255));
    frames.push({ iteration, pixels: Buffer.from(bytes).toString('base64') });
    frames.sort((a, b) => a.iteration - b.iteration);
    writeFileAtomic(framesPath, JSON.stringify(frames));
  };
  const snapshotAt = new Set<number>(GAN_SNAPSHOTS);

  const saved: Saved = { evaluations: [], curve: [] };
  let sums = [0, 0, 0, 0, 0]; // dLoss, gLoss, dReal, dFake, steps: averaged into the curve every 10 iterations
  const result = await trainLoop<GanBatch>({
    models: average ? { G, D, Gema: average } : { G, D },
    optimizers: { G: optimizerG, D: optimizerD },
    maxSteps: config.iterations,
    data: loader,
    step: ganStep({ netG: G, netD: D, optimizerG, optimizerD, noise: noiseGen, labelSmoothing: config.labelSmoothing, nCritic: config.nCritic }),
    lossKeys: GAN_LOSS_KEYS,
    evalEvery: config.evalEvery,
    evaluate: (ctx) => {
      measureAverage();
      const e = evaluator.evaluate(Gs, { samples: config.evalSamples });
      saved.evaluations.push({ iteration: ctx.step, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)), ...e });
      const logs: StepLogs = { inceptionScore: e.inceptionScore, fid: e.fid, klFromUniform: e.klFromUniform, diversity: e.diversity };
      if (e.classAgreement !== undefined) logs.classAgreement = e.classAgreement;
      return logs;
    },
    progress: { label: 'iteration' },
    logEvery: opts.quiet ? 0 : 50,
    say: opts.quiet ? null : say,
    log: join(out, 'log.jsonl'),
    checkpoint: join(out, 'checkpoint.safetensors'),
    checkpointEvery: config.evalEvery,
    config,
    kind: GAN_COMMAND,
    resume: opts.resume,
    generators: { weights: weightsGen, shuffle: shuffleGen, noise: noiseGen },
    resumeHint: opts.resumeHint ?? `deepts ${GAN_COMMAND} --resume ${config.out}`,
    state: {
      save: () => saved,
      load: (s) => {
        const v = s as Saved;
        saved.evaluations = v.evaluations;
        saved.curve = v.curve;
      },
    },
    hooks: {
      onTrainBegin: (ctx) => {
        frames = frames.filter((f) => f.iteration <= ctx.step);
        if (ctx.step === 0) snapshot(0);
      },
      onStepEnd: (logs, ctx) => {
        average?.updateParameters(G);
        sums = [sums[0]! + logs.dLoss!, sums[1]! + logs.gLoss!, sums[2]! + logs.dReal!, sums[3]! + logs.dFake!, sums[4]! + 1];
        if (ctx.step % 10 === 0) {
          saved.curve.push([ctx.step, ...sums.slice(0, 4).map((v) => v / sums[4]!)]);
          sums = [0, 0, 0, 0, 0];
        }
        if (snapshotAt.has(ctx.step)) snapshot(ctx.step);
      },
      onEval: (logs, ctx) => {
        snapshot(ctx.step);
        saveGanNet(join(out, 'generator.safetensors'), Gs, 'generator');
        saveGanNet(join(out, 'discriminator.safetensors'), D, 'discriminator');
        const e = saved.evaluations.at(-1)!;
        if (!opts.quiet) {
          const agree = e.classAgreement !== undefined ? `, class agreement ${(e.classAgreement * 100).toFixed(1)} %` : '';
          say(
            `  eval at iteration ${ctx.step}: IS ${e.inceptionScore.toFixed(2)} ± ${e.inceptionScoreStd.toFixed(2)}, FID-LeNet ${e.fid.toFixed(2)}, digits ${e.classShares.map((p) => (p * 100).toFixed(0)).join('/')} %, KL ${e.klFromUniform.toFixed(3)}, diversity ${e.diversity.toFixed(2)}${agree}`,
          );
        }
        if (e.modeCollapse) say(`  WARNING at iteration ${ctx.step}: ${e.modeCollapse}`);
        void logs;
      },
    },
  });
  if (result.interrupted) return { out, metrics: {}, loop: result };
  if (result.stopReason) throw new Error(`deepts ${GAN_COMMAND}: ${result.stopReason}`);

  // pictures
  writeGif(
    join(out, 'progression.gif'),
    frames.map((f) => {
      const bytes = Buffer.from(f.pixels, 'base64');
      const images = tensor(Float32Array.from(bytes, (b) => (b / 255) * 2 - 1)).reshape(bytes.length / 784, 1, 28, 28);
      return frameCanvas(images, inputs.cols, `${name}, iteration ${f.iteration.toLocaleString('en-US')}`);
    }),
    { delayMs: 600 },
  );
  writeSampleGrid(join(out, 'samples.png'), generateImages(Gs, inputs.z, inputs.classes), {
    cols: inputs.cols,
    title: G.config.numClasses ? `${name}: row = digit, column = one noise vector` : `${name} after ${result.step} iterations`,
  });
  writeInterpolation(join(out, 'interpolation.png'), Gs, config.seed);
  const curve = saved.curve;
  writeLossCurve(
    join(out, 'loss.svg'),
    [
      { name: 'D loss', points: curve.map((r) => [r[0]!, r[1]!] as const) },
      { name: 'G loss', points: curve.map((r) => [r[0]!, r[2]!] as const) },
    ],
    { title: `${name}: D and G losses (means over 10 iterations)`, xLabel: 'iteration', yLabel: 'binary cross-entropy' },
  );
  writeLossCurve(
    join(out, 'd-outputs.svg'),
    [
      { name: 'D(x), real', points: curve.map((r) => [r[0]!, r[3]!] as const) },
      { name: 'D(G(z)), generated', points: curve.map((r) => [r[0]!, r[4]!] as const) },
    ],
    { title: `${name}: D's mean probability "real"`, xLabel: 'iteration', yLabel: 'probability' },
  );
  const evals = saved.evaluations;
  if (evals.length)
    writeLossCurve(join(out, 'fid.svg'), [{ name: 'FID-LeNet', points: evals.map((e) => [e.iteration, e.fid] as const) }], {
      title: `${name}: FID-LeNet at each evaluation (real vs real ${evaluator.realVsRealFid.toFixed(2)})`,
      xLabel: 'iteration',
      yLabel: 'FID-LeNet',
      logY: evals.every((e) => e.fid > 0),
    });

  const last = evals.at(-1)!;
  const metrics: Record<string, unknown> = {
    model: config.model,
    dataset: config.dataset,
    iterations: result.step,
    inceptionScore: last.inceptionScore,
    inceptionScoreStd: last.inceptionScoreStd,
    fid: last.fid,
    classShares: last.classShares,
    klFromUniform: last.klFromUniform,
    diversity: last.diversity,
    ...(last.classAgreement !== undefined ? { classAgreement: last.classAgreement } : {}),
    modeCollapse: last.modeCollapse,
    evalSamples: last.samples,
    realInceptionScore: evaluator.realInceptionScore,
    realVsRealFid: evaluator.realVsRealFid,
    judge: { source: classifier.source, testAccuracy: classifier.testAccuracy },
    evaluations: evals,
    trainSeconds: Number(result.trainSeconds.toFixed(1)),
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    backend,
    parameters: { G: G.numParameters(), D: D.numParameters() },
    machine: machineRecord(loadBefore),
    config,
  };
  writeFileAtomic(join(out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  if (!opts.quiet) {
    say(
      `${name} after ${result.step} iterations: IS ${last.inceptionScore.toFixed(2)} (real ${evaluator.realInceptionScore.toFixed(2)}), FID-LeNet ${last.fid.toFixed(2)} (real vs real ${evaluator.realVsRealFid.toFixed(2)}), every digit ${(Math.min(...last.classShares) * 100).toFixed(1)}–${(Math.max(...last.classShares) * 100).toFixed(1)} % of ${last.samples} samples${last.classAgreement !== undefined ? `, class agreement ${(last.classAgreement * 100).toFixed(1)} %` : ''}`,
    );
    say(`${result.trainSeconds.toFixed(1)} s training, ${metrics.seconds} s in all`);
    say(
      `wrote ${config.out}/{metrics.json, samples.png, progression.gif, samples/, interpolation.png, loss.svg, d-outputs.svg, fid.svg, generator.safetensors, discriminator.safetensors, checkpoint.safetensors, log.jsonl, config.json}`,
    );
  }
  return { out, metrics, loop: result };
}

/** Ten images along the straight line between two noise vectors (per class row for the conditional model). */
function writeInterpolation(path: string, g: GanGenerator, seed: number): void {
  const gen = new Generator(Math.imul(seed ^ 0x1b873593, 0xcc9e2d51) >>> 0);
  const ends = sampleNoise(2, g.config.latentDim, gen).toTypedArray() as Float32Array;
  const steps = 10,
    d = g.config.latentDim;
  const K = g.config.numClasses;
  const rows = K > 0 ? K : 1;
  const z = new Float32Array(rows * steps * d);
  for (let r = 0; r < rows; r++)
    for (let s = 0; s < steps; s++) {
      const t = s / (steps - 1);
      for (let k = 0; k < d; k++) z[(r * steps + s) * d + k] = (1 - t) * ends[k]! + t * ends[d + k]!;
    }
  const classes = K > 0 ? tensor(Int32Array.from({ length: rows * steps }, (_, i) => Math.floor(i / steps))) : undefined;
  const images = generateImages(g, tensor(z).reshape(rows * steps, d), classes);
  const captions = Array.from({ length: rows * steps }, (_, i) =>
    i < steps ? `t=${((i % steps) / (steps - 1)).toFixed(2).replace(/0+$/, '').replace(/\.$/, '')}` : '',
  );
  writeSampleGrid(path, images, { cols: steps, captions, title: 'G((1 - t) z0 + t z1): between two noise vectors' });
}

export type GanRole = 'generator' | 'discriminator';

/** A net's weights with its role and config in the metadata, so loading it in the other role is refused by name. */
export function saveGanNet(path: string, net: GanGenerator | GanDiscriminator, role: GanRole): void {
  saveSafetensors(path, net.stateDict(), { 'deepts.gan': JSON.stringify({ role, config: net.config }) });
}

/** The generator of a `deepts train gan` run folder (its last evaluation's weights), in eval mode. */
export function loadGanRun(dir: string): { config: GanRunConfig; generator: GanGenerator } {
  const config = readRunConfig<GanRunConfig>(dir, GAN_COMMAND, 'generator.safetensors', '--run');
  return { config, generator: loadGanNet(join(dir, 'generator.safetensors'), 'generator', checkGanConfig(modelConfig(config))) as GanGenerator };
}

/** Reads a generator's or discriminator's file, refusing the other role's weights (or another model's) by name. */
export function loadGanNet(path: string, role: GanRole, modelConfig: GanConfig): GanGenerator | GanDiscriminator {
  const config = checkGanConfig(modelConfig);
  const { tensors, metadata } = loadSafetensors(path);
  const meta = metadata?.['deepts.gan'];
  const saved = meta ? (JSON.parse(meta) as { role?: string; config?: GanConfig }) : null;
  if (saved?.role !== undefined && saved.role !== role) throw new Error(`loadGanNet: ${path} holds a GAN ${saved.role}'s weights, not a ${role}'s`);
  const net =
    role === 'generator'
      ? config.model === 'gan'
        ? new MLPGenerator(config)
        : new DCGANGenerator(config)
      : config.model === 'gan'
        ? new MLPDiscriminator(config)
        : new DCGANDiscriminator(config);
  const missing = Object.keys(net.stateDict()).filter((k) => !(k in tensors));
  const wrongShape = Object.entries(net.stateDict()).find(([k, t]) => k in tensors && tensors[k]!.shape.join() !== t.shape.join());
  if (missing.length || wrongShape) {
    const what = saved?.config ? `a ${saved.config.model} ${saved.role ?? 'net'}` : `weights named ${Object.keys(tensors).slice(0, 3).join(', ')}, …`;
    throw new Error(
      `loadGanNet: ${path} holds ${what}, not the ${config.model} ${role} of this run (${missing.length ? `no ${missing[0]}` : `${wrongShape![0]} is (${tensors[wrongShape![0]]!.shape.join(', ')}), expected (${wrongShape![1].shape.join(', ')})`})`,
    );
  }
  net.loadStateDict(tensors);
  net.eval();
  return net;
}

export type GanSampleOptions = {
  /** Images to draw (default 64). */
  n?: number;
  /** Conditional models: draw this digit only (default: the classes in turn). */
  digit?: number;
  /** Seed of the noise (default 1). */
  seed?: number;
};

/** Images (n, 1, 28, 28) in [−1, 1] from a run's generator, and the classes asked for (conditional models). */
export function sampleGan(run: string | { generator: GanGenerator }, opts: GanSampleOptions = {}): { images: Tensor; classes: number[] | null } {
  checkOptions('sampleGan', opts, ['n', 'digit', 'seed']);
  const g = typeof run === 'string' ? loadGanRun(run).generator : run.generator;
  const n = opts.n ?? 64;
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new RangeError(`sampleGan: n must be an integer in 1..100000, got ${n}`);
  const K = g.config.numClasses;
  if (opts.digit !== undefined) {
    if (K === 0) throw new RangeError(`sampleGan: --digit needs a conditional model (cdcgan); this run's '${g.config.model}' draws any digit`);
    if (!Number.isInteger(opts.digit) || opts.digit < 0 || opts.digit >= K)
      throw new RangeError(`sampleGan: digit must be an integer in 0..${K - 1}, got ${opts.digit}`);
  }
  const gen = new Generator(opts.seed ?? 1);
  const classes = K > 0 ? Array.from({ length: n }, (_, i) => opts.digit ?? i % K) : null;
  const images = generateImages(g, sampleNoise(n, g.config.latentDim, gen), classes ? tensor(Int32Array.from(classes)) : undefined);
  return { images, classes };
}

/** Writes images (N, 1, 28, 28) in [−1, 1] as a PNG grid (white on black), `cols` a row (default √N). */
export function writeSampleGrid(path: string, images: Tensor, opts: { cols?: number; title?: string; captions?: string[] } = {}): void {
  checkOptions('writeSampleGrid', opts, ['cols', 'title', 'captions']);
  const n = images.shape[0]!;
  writeImageGrid(path, tilesOf(images, opts.captions), {
    height: images.shape[2]!,
    width: images.shape[3]!,
    cols: opts.cols ?? Math.ceil(Math.sqrt(n)),
    scale: 3,
    colors: 'gray',
    range: [-1, 1],
    title: opts.title,
  });
}

/** `deepts eval gan`: a run's generator judged again, on fresh samples. */
export async function evaluateGanRun(
  dir: string,
  opts: { samples?: number; seed?: number; classifier?: string | null; say?: (line: string) => void } = {},
): Promise<GanEvaluation & { realInceptionScore: number; realVsRealFid: number; judge: string }> {
  checkOptions('evaluateGanRun', opts, ['samples', 'seed', 'classifier', 'say']);
  const { config, generator } = loadGanRun(dir);
  const evaluator = await ganEvaluator(config, opts.classifier ?? config.classifier, opts.say);
  const e = evaluator.evaluate(generator, { samples: opts.samples ?? 10_000, seed: opts.seed });
  return { ...e, realInceptionScore: evaluator.realInceptionScore, realVsRealFid: evaluator.realVsRealFid, judge: evaluator.classifier.source };
}

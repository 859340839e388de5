// DCGAN training throughput: one iteration of `deepts train gan --model dcgan` (src/train/gan-step.ts
// on src/models/gan.ts, width 32, z of 100, batch 64: G makes a batch, D steps on it and a real
// batch, G steps through D) on deepts native against PyTorch CPU (the same nets and step in
// scripts/bench_reference.py gan, torch.set_num_threads(n), OPENBLAS_NUM_THREADS=1) and
// TensorFlow.js (cpu backend), all in one run. Images/s counts the real batch: 64 / median step.
import { Generator, manualSeed, optim, randn, tensor } from '../src/index.js';
import { buildGan } from '../src/models/gan.js';
import { ganStep, type GanBatch } from '../src/train/gan-step.js';
import type { StepContext } from '../src/train/loop.js';
import { nativeBackend, nativeUnavailable } from '../src/backend/native/index.js';
import type { MachineInfo } from './machine.js';
import { isUnavailable, loadTfjsCpu, pythonCommand, runPythonReference, type Unavailable } from './reference.js';
import { deeptsSteps, formatStepRow, stepTable, summarizeSteps, timeSteps, torchRow, type StepResult, type StepRow, type TorchStepResult } from './steps.js';
import { writeBenchReport } from './results.js';

export type GanBenchOptions = { threads: number; steps: number; warmup: number; reference: boolean; tfjs: boolean };
export type GanReport = { rows: StepRow[]; commands: string[] };

/** The workload (PyTorch's side reads the same numbers from its command line). */
export const GAN_BENCH = { batch: 64, latent: 100, width: 32 } as const;

/** One deepts iteration: ganStep as the training loop calls it, on a fixed real batch. */
function deeptsGanStep(): () => void {
  manualSeed(0);
  const { batch, latent, width } = GAN_BENCH;
  const { generator: netG, discriminator: netD } = buildGan({ model: 'dcgan', latentDim: latent, width });
  const betas: [number, number] = [0.5, 0.999];
  const optimizerG = new optim.Adam(netG.parameters(), { lr: 2e-4, betas });
  const optimizerD = new optim.Adam(netD.parameters(), { lr: 2e-4, betas });
  const step = ganStep({ netG, netD, optimizerG, optimizerD, noise: new Generator(1) });
  const real: GanBatch = [randn([batch, 1, 28, 28]).tanh(), tensor(Int32Array.from({ length: batch }, (_, i) => i % 10))];
  const ctx = { batch: real, step: 0, epoch: 0, batchInEpoch: 0, lr: 2e-4, nextBatch: () => real, stop: () => {} } as StepContext<GanBatch>;
  return () => {
    step(ctx);
  };
}

type TfTensor = import('@tensorflow/tfjs').Tensor;
type T2 = import('@tensorflow/tfjs').Tensor2D;
type T4 = import('@tensorflow/tfjs').Tensor4D;
type Scalar = import('@tensorflow/tfjs').Scalar;

/** The same iteration on TensorFlow.js's cpu backend (NHWC, conv2dTranspose, batch-normalized on batch statistics). */
async function tfjsRun(steps: number, warmup: number): Promise<StepResult | Unavailable> {
  const tf = await loadTfjsCpu();
  if (isUnavailable(tf)) return tf;
  const { batch, latent, width: w } = GAN_BENCH;
  const normal = (shape: number[]) => tf.variable(tf.randomNormal(shape, 0, 0.02));
  const gW1 = normal([7, 7, 4 * w, latent]),
    gW2 = normal([4, 4, 2 * w, 4 * w]),
    gW3 = normal([4, 4, 1, 2 * w]);
  const gBn = [tf.variable(tf.ones([4 * w])), tf.variable(tf.zeros([4 * w])), tf.variable(tf.ones([2 * w])), tf.variable(tf.zeros([2 * w]))];
  const dW1 = normal([4, 4, 1, w]),
    dW2 = normal([4, 4, w, 2 * w]),
    dW3 = normal([7, 7, 2 * w, 1]);
  const dBn = [tf.variable(tf.ones([2 * w])), tf.variable(tf.zeros([2 * w]))];
  const bn = (x: T4, g: TfTensor, b: TfTensor) => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm(x, mean, variance, b, g, 1e-5) as T4;
  };
  const G = (z: T2) => {
    let h = tf.conv2dTranspose(tf.reshape(z, [batch, 1, 1, latent]) as T4, gW1 as T4, [batch, 7, 7, 4 * w], 1, 'valid');
    h = tf.relu(bn(h, gBn[0]!, gBn[1]!)) as T4;
    h = tf.relu(bn(tf.conv2dTranspose(h, gW2 as T4, [batch, 14, 14, 2 * w], 2, 'same'), gBn[2]!, gBn[3]!)) as T4;
    return tf.tanh(tf.conv2dTranspose(h, gW3 as T4, [batch, 28, 28, 1], 2, 'same')) as T4;
  };
  const D = (x: T4) => {
    let h = tf.leakyRelu(tf.conv2d(x, dW1 as T4, 2, 'same'), 0.2) as T4;
    h = tf.leakyRelu(bn(tf.conv2d(h, dW2 as T4, 2, 'same'), dBn[0]!, dBn[1]!), 0.2) as T4;
    return tf.reshape(tf.conv2d(h, dW3 as T4, 1, 'valid'), [batch]);
  };
  const real = tf.tanh(tf.randomNormal([batch, 28, 28, 1])) as T4;
  const ones = tf.ones([batch]),
    zeros = tf.zeros([batch]);
  const optD = tf.train.adam(2e-4, 0.5, 0.999),
    optG = tf.train.adam(2e-4, 0.5, 0.999);
  const gVars = [gW1, gW2, gW3, ...gBn],
    dVars = [dW1, dW2, dW3, ...dBn];
  const bce = (logits: TfTensor, target: TfTensor) => tf.losses.sigmoidCrossEntropy(target, logits) as Scalar;
  const step = () => {
    const z = tf.randomNormal([batch, latent]) as T2;
    const fake = tf.tidy(() => G(z));
    const dCost = optD.minimize(() => tf.add(bce(D(real), ones), bce(D(fake), zeros)) as Scalar, true, dVars as never);
    const gCost = optG.minimize(() => bce(D(G(z)), ones), true, gVars as never);
    dCost?.dataSync();
    gCost?.dataSync();
    for (const t of [z, fake, dCost, gCost]) t?.dispose();
  };
  try {
    const times = timeSteps(step, steps, warmup);
    return summarizeSteps(`TensorFlow.js ${tf.version_core} (cpu backend)`, '1', times, batch, 'dcgan');
  } finally {
    for (const t of [...gVars, ...dVars, real, ones, zeros]) t.dispose();
  }
}

export async function runGanBench(opts: GanBenchOptions, log: (line: string) => void = () => {}): Promise<GanReport> {
  const rows: StepRow[] = [];
  const commands: string[] = [];
  const add = (row: StepRow) => {
    rows.push(row);
    log(formatStepRow(row, null, true));
  };
  const threadCounts = opts.threads === 1 ? [1] : [opts.threads, 1];
  for (const threads of threadCounts) {
    if (nativeBackend) add(await deeptsSteps('native', threads, deeptsGanStep, opts.steps, opts.warmup, GAN_BENCH.batch, 'dcgan'));
    else if (threads === threadCounts[0]) add({ workload: 'dcgan', name: 'deepts native', error: `not available (${nativeUnavailable})` });
    if (opts.reference) {
      const args = ['gan', '--threads', String(threads), '--steps', String(opts.steps), '--warmup', String(opts.warmup)];
      const env = { OPENBLAS_NUM_THREADS: '1' };
      commands.push(pythonCommand(args, env));
      const r = runPythonReference<TorchStepResult>(args, env);
      add(isUnavailable(r) ? { workload: 'dcgan', name: 'PyTorch CPU', error: r.error } : torchRow(r, GAN_BENCH.batch, 'dcgan'));
    }
  }
  if (opts.tfjs) {
    // TensorFlow.js's cpu transposed convolutions take about two minutes an iteration (bench/results/gan.md): one, without warm-up
    const r = await tfjsRun(1, 0);
    add(isUnavailable(r) ? { workload: 'dcgan', name: 'TensorFlow.js (cpu backend)', error: r.error } : r);
  }
  return { rows, commands };
}

export function ganMarkdown(report: GanReport): string {
  const { batch, latent, width: w } = GAN_BENCH;
  return [
    `dcgan: one DCGAN iteration at 28×28 (G: z ${latent} → ConvT 7×7 → ${4 * w}@7×7 → ConvT 4×4 s2 → ${2 * w}@14×14 → ConvT 4×4 s2 → 1@28×28, BatchNorm + ReLU, tanh; D: Conv 4×4 s2 → ${w}@14×14 → Conv 4×4 s2 → ${2 * w}@7×7 + BatchNorm → Conv 7×7 → logit, LeakyReLU 0.2), batch ${batch}:`,
    'G makes a batch; D steps on it and a real batch (binary cross-entropy); G steps through D (non-saturating loss); Adam 2e-4, β1 0.5 for both.',
    'Time per iteration and real images/s as median / best.',
    '',
    stepTable(report.rows, 'images/s', report.commands, true),
  ].join('\n');
}

/** `deepts bench gan`: runs the bench and writes bench/results/gan.md and .json. */
export async function runGanTarget(machine: MachineInfo, opts: GanBenchOptions, log: (s: string) => void): Promise<void> {
  const report = await runGanBench(opts, log);
  log(writeBenchReport('gan', 'DCGAN training: deepts vs PyTorch and TensorFlow.js', machine, ganMarkdown(report), { options: opts, ...report }).join('\n'));
}

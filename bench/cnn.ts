// CNN throughput, two workloads, deepts on native (and briefly on js) against PyTorch CPU
// (torch.set_num_threads(n), OPENBLAS_NUM_THREADS=1, via scripts/bench_reference.py) and
// TensorFlow.js (cpu backend), all in one run:
//
//   lenet  one LeNet-5 training step (src/models/lenet.ts; torch's twin in bench_reference.py and
//          /work/shared/reference/torch_train.py): batch 64 of 1×28×28, cross-entropy, SGD lr 0.01
//          momentum 0.9; images/s = 64 / median step time.
//   conv   one ResNet-style 3×3 conv layer, 64 → 64 channels, pad 1, 56×56, batch 8, no bias:
//          forward, then backward for the input and the filters; images/s = 8 / median time.
//
// deepts and PyTorch run at --threads (default 2) and again at 1 thread, since on a shared machine
// the second core may not be free. TensorFlow.js and deepts js are far slower: few steps (and
// TensorFlow.js's conv layer at batch 1; images/s is per image either way).
import { backward, conv2d, crossEntropy, manualSeed, optim, randint, randn } from '../src/index.js';
import { LeNet5 } from '../src/models/lenet.js';
import { nativeBackend, nativeUnavailable } from '../src/backend/native/index.js';
import type { MachineInfo } from './machine.js';
import { isUnavailable, loadTfjsCpu, pythonCommand, runPythonReference, type Unavailable } from './reference.js';
import { deeptsSteps, formatStepRow, stepTable, summarizeSteps, timeSteps, torchRow, type StepResult, type StepRow, type TorchStepResult } from './steps.js';
import { writeBenchReport } from './results.js';

export type CnnWorkload = 'lenet' | 'conv';
export type CnnOptions = { threads: number; steps: number; warmup: number; reference: boolean; js: boolean; tfjs: boolean };

export type CnnReport = { rows: StepRow[]; commands: string[] };

/** The two workloads' shapes (PyTorch's side reads the same numbers from its command line). */
export const LENET_BATCH = 64;
export const CONV = { batch: 8, channels: 64, size: 56, kernel: 3, padding: 1 } as const;
const BATCH: Record<CnnWorkload, number> = { lenet: LENET_BATCH, conv: CONV.batch };

/** A step of `workload` on deepts (a fresh model and data, seed 0). */
function deeptsStep(workload: CnnWorkload): () => void {
  manualSeed(0);
  if (workload === 'lenet') {
    const model = new LeNet5();
    const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = randn([LENET_BATCH, 1, 28, 28]);
    const y = randint(0, 10, [LENET_BATCH]);
    return () => {
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
    };
  }
  const { batch, channels, size, kernel, padding } = CONV;
  const x = randn([batch, channels, size, size]).requiresGrad_();
  const w = randn([channels, channels, kernel, kernel])
    .mul(1 / Math.sqrt(channels * kernel * kernel))
    .requiresGrad_();
  const gy = randn([batch, channels, size, size]);
  return () => {
    x.grad = null;
    w.grad = null;
    backward(conv2d(x, w, null, { padding }), gy);
  };
}

function deeptsRun(workload: CnnWorkload, backend: 'native' | 'js', threads: number, steps: number, warmup: number): Promise<StepResult> {
  return deeptsSteps(backend, threads, () => deeptsStep(workload), steps, warmup, BATCH[workload], workload);
}

type TfTensor = import('@tensorflow/tfjs').Tensor;
type T1 = import('@tensorflow/tfjs').Tensor1D;
type T2 = import('@tensorflow/tfjs').Tensor2D;
type T4 = import('@tensorflow/tfjs').Tensor4D;
type Scalar = import('@tensorflow/tfjs').Scalar;

/**
 * The same workloads on TensorFlow.js's cpu backend (NHWC; 'same' padding is LeNet's pad 2 and the
 * conv layer's pad 1). Its conv layer takes minutes at batch 8, so it runs at `convBatch`.
 */
async function tfjsRun(workload: CnnWorkload, steps: number, warmup: number, convBatch: number): Promise<StepResult | Unavailable> {
  const tf = await loadTfjsCpu();
  if (isUnavailable(tf)) return tf;
  const uniform = (shape: number[], fanIn: number) => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
  let step: () => void;
  const disposables: TfTensor[] = [];
  if (workload === 'lenet') {
    const c1w = uniform([5, 5, 1, 6], 25),
      c1b = uniform([6], 25);
    const c2w = uniform([5, 5, 6, 16], 150),
      c2b = uniform([16], 150);
    const f1w = uniform([400, 120], 400),
      f1b = uniform([120], 400);
    const f2w = uniform([120, 84], 120),
      f2b = uniform([84], 120);
    const f3w = uniform([84, 10], 84),
      f3b = uniform([10], 84);
    disposables.push(c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b);
    const x = tf.randomNormal([LENET_BATCH, 28, 28, 1]) as T4;
    const y = tf.oneHot(tf.randomUniform([LENET_BATCH], 0, 10, 'int32') as T1, 10);
    disposables.push(x, y);
    const opt = tf.train.momentum(0.01, 0.9);
    step = () => {
      const cost = opt.minimize(() => {
        let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, c1w as T4, 1, 'same'), c1b)) as T4, 2, 2, 'valid');
        h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, c2w as T4, 1, 'valid'), c2b)) as T4, 2, 2, 'valid');
        // torch flattens (C, H, W); the order does not change the cost
        let f = tf.reshape(h, [LENET_BATCH, 400]) as T2;
        f = tf.relu(tf.add(tf.matMul(f, f1w as T2), f1b)) as T2;
        f = tf.relu(tf.add(tf.matMul(f, f2w as T2), f2b)) as T2;
        return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(f, f3w as T2), f3b)) as Scalar;
      }, true);
      cost?.dataSync();
      cost?.dispose();
    };
  } else {
    const { channels, size, kernel } = CONV,
      batch = convBatch;
    const x = tf.randomNormal([batch, size, size, channels]) as T4;
    const w = tf.randomNormal([kernel, kernel, channels, channels], 0, 1 / Math.sqrt(channels * kernel * kernel)) as T4;
    const dy = tf.randomNormal([batch, size, size, channels]) as T4;
    disposables.push(x, w, dy);
    const grads = tf.grads((a: TfTensor, b: TfTensor) => tf.conv2d(a as T4, b as T4, 1, 'same'));
    step = () => {
      const [gx, gw] = grads([x, w], dy);
      gx!.dataSync();
      gw!.dataSync();
      gx!.dispose();
      gw!.dispose();
    };
  }
  try {
    const times = timeSteps(step, steps, warmup);
    const batch = workload === 'conv' ? convBatch : BATCH[workload];
    return summarizeSteps(`TensorFlow.js ${tf.version_core} (cpu backend)${batch !== BATCH[workload] ? `, batch ${batch}` : ''}`, '1', times, batch, workload);
  } finally {
    for (const t of disposables) t.dispose();
  }
}

export async function runCnnBench(opts: CnnOptions, log: (line: string) => void = () => {}): Promise<CnnReport> {
  const rows: StepRow[] = [];
  const commands: string[] = [];
  const add = (row: StepRow) => {
    rows.push(row);
    log(formatStepRow(row, null, true));
  };
  const threadCounts = opts.threads === 1 ? [1] : [opts.threads, 1];
  for (const workload of ['lenet', 'conv'] as const) {
    // the conv layer is ~50× a LeNet step's work: fewer steps
    const steps = workload === 'lenet' ? opts.steps : Math.max(3, Math.ceil(opts.steps / 5));
    const warmup = workload === 'lenet' ? opts.warmup : Math.max(1, Math.ceil(opts.warmup / 5));
    for (const threads of threadCounts) {
      if (nativeBackend) add(await deeptsRun(workload, 'native', threads, steps, warmup));
      else if (threads === threadCounts[0]) add({ workload, name: 'deepts native', error: `not available (${nativeUnavailable})` });
      if (opts.reference) {
        const args = [workload, '--threads', String(threads), '--steps', String(steps), '--warmup', String(warmup)];
        const env = { OPENBLAS_NUM_THREADS: '1' };
        commands.push(pythonCommand(args, env));
        const r = runPythonReference<TorchStepResult>(args, env);
        add(isUnavailable(r) ? { workload, name: 'PyTorch CPU', error: r.error } : torchRow(r, BATCH[workload], workload));
      }
    }
    if (opts.tfjs) {
      // seconds a LeNet step and tens of seconds a conv-layer image on this backend (bench/results/cnn.md): a few steps, the conv at batch 1 without warm-up
      const r = workload === 'lenet' ? await tfjsRun(workload, Math.min(opts.steps, 3), 1, 0) : await tfjsRun(workload, 1, 0, 1);
      add(isUnavailable(r) ? { workload, name: 'TensorFlow.js (cpu backend)', error: r.error } : r);
    }
    // the js backend only for LeNet: the conv layer would take a minute
    if (opts.js && workload === 'lenet') add(await deeptsRun(workload, 'js', 1, Math.min(opts.steps, 3), 1));
  }
  return { rows, commands };
}

export function cnnMarkdown(report: CnnReport): string {
  const { batch, channels, size, kernel, padding } = CONV;
  return [
    `lenet: LeNet-5 training step (conv 5×5 pad 2 → 6, max pool, conv 5×5 → 16, max pool, 400-120-84-10, ReLU), batch ${LENET_BATCH}, cross-entropy, SGD lr 0.01 momentum 0.9.`,
    `conv: one ${kernel}×${kernel} conv layer ${channels} → ${channels} channels, pad ${padding}, ${size}×${size}, batch ${batch}, no bias: forward + backward (input and filter gradients).`,
    'Time per step and images/s as median / best.',
    '',
    stepTable(report.rows, 'images/s', report.commands, true),
  ].join('\n');
}

/** `deepts bench cnn`: runs the bench and writes bench/results/cnn.md and .json. */
export async function runCnnTarget(machine: MachineInfo, opts: CnnOptions, log: (s: string) => void): Promise<void> {
  const report = await runCnnBench(opts, log);
  log(writeBenchReport('cnn', 'CNN training: deepts vs PyTorch and TensorFlow.js', machine, cnnMarkdown(report), { options: opts, ...report }).join('\n'));
}

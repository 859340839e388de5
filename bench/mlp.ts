// One training step of an MLP (784-1024-1024-10, ReLU, batch 128, cross-entropy, Adam): deepts on
// native (and on js), against PyTorch CPU (torch.set_num_threads(2), OPENBLAS_NUM_THREADS=1) and
// TensorFlow.js (cpu backend); deepts and PyTorch again on 1 thread, since on a shared machine the
// second core may not be free. samples/s = batch / median step time; the best step alongside.
import { nn, optim, crossEntropy, randn, randint, manualSeed } from '../src/index.js';
import { nativeBackend, nativeUnavailable } from '../src/backend/native/index.js';
import { isUnavailable, loadTfjsCpu, pythonCommand, runPythonReference, type Unavailable } from './reference.js';
import { deeptsSteps, stepTable, summarizeSteps, timeSteps, torchRow, type StepResult, type StepRow, type TorchStepResult } from './steps.js';

export type MlpOptions = { threads: number; batch: number; steps: number; warmup: number; reference: boolean; js: boolean; tfjs: boolean };

export type MlpReport = { rows: StepRow[]; batch: number; commands: string[] };

const LAYERS = [784, 1024, 1024, 10] as const;

function deeptsMlp(backend: 'native' | 'js', threads: number, batch: number, steps: number, warmup: number): Promise<StepResult> {
  return deeptsSteps(
    backend,
    threads,
    () => {
      manualSeed(0);
      const model = new nn.Sequential(
        new nn.Linear(LAYERS[0], LAYERS[1]),
        new nn.ReLU(),
        new nn.Linear(LAYERS[1], LAYERS[2]),
        new nn.ReLU(),
        new nn.Linear(LAYERS[2], LAYERS[3]),
      );
      const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
      const x = randn([batch, LAYERS[0]]);
      const y = randint(0, LAYERS[3], [batch]);
      return () => {
        opt.zeroGrad();
        const loss = crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
      };
    },
    steps,
    warmup,
    batch,
  );
}

async function tfjsMlp(batch: number, steps: number, warmup: number): Promise<StepResult | Unavailable> {
  const tf = await loadTfjsCpu();
  if (isUnavailable(tf)) return tf;
  const dense = (i: number, o: number) => [tf.variable(tf.randomUniform([i, o], -1 / Math.sqrt(i), 1 / Math.sqrt(i))), tf.variable(tf.zeros([o]))] as const;
  const [w1, b1] = dense(LAYERS[0], LAYERS[1]);
  const [w2, b2] = dense(LAYERS[1], LAYERS[2]);
  const [w3, b3] = dense(LAYERS[2], LAYERS[3]);
  const x = tf.randomNormal([batch, LAYERS[0]]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, LAYERS[3], 'int32') as import('@tensorflow/tfjs').Tensor1D, LAYERS[3]);
  const opt = tf.train.adam(1e-3);
  const step = () => {
    const cost = opt.minimize(() => {
      const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
      const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
      const logits = tf.add(tf.matMul(h2, w3), b3);
      return tf.losses.softmaxCrossEntropy(y, logits) as import('@tensorflow/tfjs').Scalar;
    }, true);
    cost?.dataSync();
    cost?.dispose();
  };
  return summarizeSteps(`TensorFlow.js ${tf.version_core} (cpu backend)`, '1', timeSteps(step, steps, warmup), batch);
}

export async function runMlpBench(opts: MlpOptions, log: (line: string) => void = () => {}): Promise<MlpReport> {
  const rows: StepRow[] = [];
  const commands: string[] = [];
  const add = (row: StepRow) => {
    rows.push(row);
    log(stepTable([row], 'samples/s', []).split('\n')[2]!);
  };
  if (nativeBackend) add(await deeptsMlp('native', opts.threads, opts.batch, opts.steps, opts.warmup));
  else add({ name: 'deepts native', error: `not available (${nativeUnavailable})` });
  const torch = (threads: number) => {
    const args = ['mlp', '--threads', String(threads), '--batch', String(opts.batch), '--steps', String(opts.steps), '--warmup', String(opts.warmup)];
    const env = { OPENBLAS_NUM_THREADS: '1' };
    commands.push(pythonCommand(args, env));
    const r = runPythonReference<TorchStepResult>(args, env);
    if (isUnavailable(r)) add({ name: 'PyTorch CPU', error: r.error });
    else add(torchRow(r, opts.batch));
  };
  if (opts.reference) torch(opts.threads);
  // the same on one thread, both sides: on a shared machine the second core may not be free
  if (nativeBackend && opts.threads !== 1) add(await deeptsMlp('native', 1, opts.batch, opts.steps, opts.warmup));
  if (opts.reference && opts.threads !== 1) torch(1);
  if (opts.tfjs) {
    const r = await tfjsMlp(opts.batch, Math.min(opts.steps, 3), 1);
    add(isUnavailable(r) ? { name: 'TensorFlow.js (cpu backend)', error: r.error } : r);
  }
  if (opts.js) add(await deeptsMlp('js', 1, opts.batch, Math.min(opts.steps, 3), 1));
  return { rows, batch: opts.batch, commands };
}

export function mlpMarkdown(report: MlpReport): string {
  return [
    `MLP training step: 784-1024-1024-10 (ReLU), batch ${report.batch}, cross-entropy, Adam; step time and samples/s as median / best.`,
    '',
    stepTable(report.rows, 'samples/s', report.commands),
  ].join('\n');
}

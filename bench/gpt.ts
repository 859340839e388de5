// One training step of nanoGPT's shakespeare-char CPU model (vocab 65, 4 layers, 4 heads, 128
// wide, block 64, batch 12, no bias, dropout 0): random (B, T) windows of a token stream, forward,
// cross-entropy, backward, clip 1.0, AdamW (decay on ≥ 2-D parameters, β 0.9/0.99) — the step
// `deepts train gpt --preset shakespeare-char` takes 2,000 times (the preset's β1 0.6 and zero
// decay cost the same, and both sides here use nanoGPT's values). deepts on native (2 and 1
// threads) and js, against PyTorch CPU (scripts/bench_reference.py gpt) and TensorFlow.js (cpu).
import { randint, manualSeed, Generator, TokenBatcher, models, optim } from '../src/index.js';
import { nativeBackend, nativeUnavailable } from '../src/backend/native/index.js';
import { isUnavailable, loadTfjsCpu, pythonCommand, runPythonReference, type Unavailable } from './reference.js';
import { deeptsSteps, stepTable, summarizeSteps, timeSteps, torchRow, type StepResult, type StepRow, type TorchStepResult } from './steps.js';

export type GptBenchOptions = { threads: number; steps: number; warmup: number; reference: boolean; js: boolean; tfjs: boolean };
export type GptBenchReport = { rows: StepRow[]; batch: number; block: number; commands: string[] };

const VOCAB = 65,
  LAYERS = 4,
  HEADS = 4,
  WIDTH = 128,
  BLOCK = 64,
  BATCH = 12;
const TOKENS = BATCH * BLOCK;

type GptRow = 'public' | 'train';

/**
 * 'public': exactly a user's loop on the public API, a plain synchronous loop:
 *   const { loss } = model.forward(x, y); loss.backward(); clipGradNorm(model.parameters(), 1); opt.step(); opt.zeroGrad();
 * 'train': the same step with a turn of the event loop after each (an async loop's cost; trainLoop itself yields only every 50 ms, for Ctrl-C).
 */
function deeptsGpt(backend: 'native' | 'js', threads: number, steps: number, warmup: number, row: GptRow = 'public'): Promise<StepResult> {
  return deeptsSteps(
    backend,
    threads,
    () => {
      manualSeed(0);
      const model = new models.GPT({ blockSize: BLOCK, vocabSize: VOCAB, nLayer: LAYERS, nHead: HEADS, nEmbd: WIDTH, dropout: 0, bias: false });
      const opt = model.configureOptimizers({ weightDecay: 0.1, lr: 1e-3, betas: [0.9, 0.99] });
      const stream = randint(0, VOCAB, [200_000], { dtype: 'int32' }).toTypedArray() as Int32Array;
      const batches = new TokenBatcher(stream, { batchSize: BATCH, blockSize: BLOCK, generator: new Generator(0) });
      return () => {
        const { x, y } = batches.next();
        const { loss } = model.forward(x, y);
        loss!.backward();
        optim.clipGradNorm(model.parameters(), 1.0);
        opt.step();
        opt.zeroGrad();
        loss!.item();
      };
    },
    steps,
    warmup,
    TOKENS,
    undefined,
    backend === 'js' ? undefined : row === 'public' ? 'public-API step' : 'train loop: a turn a step',
    row === 'train',
  );
}

/**
 * The same model in TensorFlow.js layers-free ops: tied embeddings, pre-norm blocks, causal
 * attention by masking, GELU (tanh form: tfjs has no erf-GELU op), Adam with nanoGPT's betas
 * (tfjs has no AdamW; the decay is a few elementwise ops, immaterial to the timing), clip 1.0.
 */
async function tfjsGpt(steps: number, warmup: number): Promise<StepResult | Unavailable> {
  const tf = await loadTfjsCpu();
  if (isUnavailable(tf)) return tf;
  const C = WIDTH,
    hs = WIDTH / HEADS;
  const w = (shape: number[], std = 0.02) => tf.variable(tf.randomNormal(shape, 0, std));
  const wte = w([VOCAB, C]),
    wpe = w([BLOCK, C]),
    lnf = tf.variable(tf.ones([C]));
  const blocks = Array.from({ length: LAYERS }, () => ({
    ln1: tf.variable(tf.ones([C])),
    attn: w([C, 3 * C]),
    proj: w([C, C]),
    ln2: tf.variable(tf.ones([C])),
    fc: w([C, 4 * C]),
    fc2: w([4 * C, C]),
  }));
  const vars = [wte, wpe, lnf, ...blocks.flatMap((b) => [b.ln1, b.attn, b.proj, b.ln2, b.fc, b.fc2])];
  const mask = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([BLOCK, BLOCK]), -1, 0)), -1e9)); // (T, T): 0 on and below the diagonal
  const layerNorm = (x: import('@tensorflow/tfjs').Tensor, g: import('@tensorflow/tfjs').Tensor) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g);
  };
  const gelu = (x: import('@tensorflow/tfjs').Tensor) =>
    tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));
  const heads = (t: import('@tensorflow/tfjs').Tensor) => tf.transpose(tf.reshape(t, [BATCH, BLOCK, HEADS, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
  const stream = tf.randomUniform([200_000], 0, VOCAB, 'int32').dataSync() as Int32Array;
  const opt = tf.train.adam(1e-3, 0.9, 0.99);
  const posIds = tf.range(0, BLOCK, 1, 'int32');
  const step = () => {
    const xs = new Int32Array(TOKENS),
      ys = new Int32Array(TOKENS);
    for (let b = 0; b < BATCH; b++) {
      const at = Math.floor(Math.random() * (stream.length - BLOCK - 1));
      xs.set(stream.subarray(at, at + BLOCK), b * BLOCK);
      ys.set(stream.subarray(at + 1, at + 1 + BLOCK), b * BLOCK);
    }
    const cost = opt.minimize(
      () => {
        let x = tf.add(tf.reshape(tf.gather(wte, tf.tensor1d(xs, 'int32')), [BATCH, BLOCK, C]), tf.gather(wpe, posIds)); // (B, T, C)
        for (const b of blocks) {
          const qkv = tf.reshape(tf.matMul(tf.reshape(layerNorm(x, b.ln1), [TOKENS, C]), b.attn), [BATCH, BLOCK, 3 * C]);
          const [q, k, v] = tf.split(qkv, 3, 2).map(heads) as [
            import('@tensorflow/tfjs').Tensor4D,
            import('@tensorflow/tfjs').Tensor4D,
            import('@tensorflow/tfjs').Tensor4D,
          ];
          const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hs)), mask)); // (B, nh, T, T)
          const y = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [TOKENS, C]);
          x = tf.add(x, tf.reshape(tf.matMul(y, b.proj), [BATCH, BLOCK, C]));
          const h = gelu(tf.matMul(tf.reshape(layerNorm(x, b.ln2), [TOKENS, C]), b.fc));
          x = tf.add(x, tf.reshape(tf.matMul(h, b.fc2), [BATCH, BLOCK, C]));
        }
        const logits = tf.matMul(tf.reshape(layerNorm(x, lnf), [TOKENS, C]), wte, false, true); // (B·T, V), tied
        return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(ys, 'int32'), VOCAB), logits) as import('@tensorflow/tfjs').Scalar;
      },
      true,
      vars,
    );
    cost?.dataSync();
    cost?.dispose();
  };
  const result = summarizeSteps(`TensorFlow.js ${tf.version_core} (cpu backend)`, '1', timeSteps(step, steps, warmup), TOKENS);
  tf.dispose([...vars, mask, posIds]);
  return result;
}

export async function runGptBench(opts: GptBenchOptions, log: (line: string) => void = () => {}): Promise<GptBenchReport> {
  const rows: StepRow[] = [];
  const commands: string[] = [];
  const add = (row: StepRow) => {
    rows.push(row);
    log(stepTable([row], 'tokens/s', []).split('\n')[2]!);
  };
  const torch = (threads: number) => {
    const args = ['gpt', '--threads', String(threads), '--steps', String(opts.steps), '--warmup', String(opts.warmup)];
    const env = { OPENBLAS_NUM_THREADS: '1' };
    commands.push(pythonCommand(args, env));
    const r = runPythonReference<TorchStepResult>(args, env);
    add(isUnavailable(r) ? { name: 'PyTorch CPU', error: r.error } : torchRow(r, TOKENS));
  };
  if (nativeBackend) {
    add(await deeptsGpt('native', opts.threads, opts.steps, opts.warmup));
    add(await deeptsGpt('native', opts.threads, opts.steps, opts.warmup, 'train'));
  } else add({ name: 'deepts native', error: `not available (${nativeUnavailable})` });
  if (opts.reference) torch(opts.threads);
  // the same on one thread, both sides: on a shared machine the second core may not be free
  if (nativeBackend && opts.threads !== 1) {
    add(await deeptsGpt('native', 1, opts.steps, opts.warmup));
    add(await deeptsGpt('native', 1, opts.steps, opts.warmup, 'train'));
  }
  if (opts.reference && opts.threads !== 1) torch(1);
  if (opts.tfjs) {
    const r = await tfjsGpt(Math.min(opts.steps, 3), 1);
    add(isUnavailable(r) ? { name: 'TensorFlow.js (cpu backend)', error: r.error } : r);
  }
  if (opts.js) add(await deeptsGpt('js', 1, Math.min(opts.steps, 3), 1));
  return { rows, batch: BATCH, block: BLOCK, commands };
}

export function gptMarkdown(report: GptBenchReport): string {
  return [
    `Character-GPT training step (nanoGPT's shakespeare-char CPU model: vocab ${VOCAB}, ${LAYERS} layers, ${HEADS} heads, ${WIDTH} wide, block ${report.block}, batch ${report.batch} = ${TOKENS} tokens, AdamW, clip 1.0); step time and tokens/s as median / best.`,
    '',
    stepTable(report.rows, 'tokens/s', report.commands),
  ].join('\n');
}

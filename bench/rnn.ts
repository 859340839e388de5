// One sentiment-classifier training step: random token ids (batch 64, length 100, vocabulary 5,000)
// → nn.Embedding(5000, 128) → a 1-layer bidirectional nn.LSTM(128, 256, batchFirst) → the final
// hidden states of both directions concatenated (hN is (2, B, 256) → (B, 512)) → nn.Linear(512, 2)
// → cross-entropy against random labels → backward → Adam (lr 1e-3). deepts on native (--threads,
// default 2, and 1 thread, since on a shared machine the second core may not be free) and js,
// against PyTorch CPU (scripts/bench_reference.py rnn: the same model with nn.LSTM(bidirectional=True,
// batch_first=True) and torch.cat([h_n[0], h_n[1]], 1)) and TensorFlow.js cpu (the same model in tfjs
// ops, see tfjsRnn: a minute or more a step, so 2 steps); sequences/s = 64 / median step time, the
// best step alongside.
//
// Peak memory: every row runs in a fresh process of its own (this file run as
// `node dist/bench/rnn.js --child <row> <threads> <steps> <warmup>`, printing one JSON line; PyTorch
// is its own Python process anyway), and reports that process's peak resident set, getrusage's
// ru_maxrss (Node's process.resourceUsage().maxRSS, Python's resource.getrusage(RUSAGE_SELF)) —
// the same measurement on every side, counting the runtime itself, the model, the optimizer state,
// the batch, and the largest transient of any step (warm-up included), but nothing of the parent
// and nothing an earlier row left allocated. The RSS just before the model is built (after the
// imports: Node + deepts + addon, or Python + torch) is reported beside it, so the difference is
// what the training itself takes. In-process rows would report the largest of all rows so far.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nn, optim, crossEntropy, cat, randint, manualSeed, type Tensor } from '../src/index.js';
import { nativeBackend, nativeUnavailable } from '../src/backend/native/index.js';
import type { MachineInfo } from './machine.js';
import { isUnavailable, loadTfjsCpu, pythonCommand, runPythonReference, type Unavailable } from './reference.js';
import { deeptsSteps, stepTable, summarizeSteps, timeSteps, torchRow, type StepResult, type StepRow, type TorchStepResult } from './steps.js';
import { writeBenchReport } from './results.js';

export type RnnOptions = { threads: number; steps: number; warmup: number; reference: boolean; js: boolean; tfjs: boolean };

/** Peak and starting resident set of a row's process, MB (2^20 bytes). */
export type RnnMemory = { peakRssMB: number; baseRssMB: number };
export type RnnRow = StepRow & { memory?: RnnMemory };
export type RnnReport = { rows: RnnRow[]; commands: string[] };

export const RNN = { batch: 64, length: 100, vocab: 5000, embed: 128, hidden: 256, classes: 2, lr: 1e-3 } as const;

type RowKind = 'native' | 'js' | 'tfjs';

const MB = 2 ** 20;
const rssMB = () => process.memoryUsage.rss() / MB;
/** ru_maxrss of this process so far (kilobytes on Linux, as Python's). */
const peakRssMB = () => (process.resourceUsage().maxRSS * 1024) / MB;

/** The classifier, as a user would write it on the public API. */
class Sentiment extends nn.Module {
  embedding = new nn.Embedding(RNN.vocab, RNN.embed);
  lstm = new nn.LSTM(RNN.embed, RNN.hidden, { bidirectional: true, batchFirst: true });
  fc = new nn.Linear(2 * RNN.hidden, RNN.classes);

  forward(ids: Tensor): Tensor {
    const [, [hN]] = this.lstm.forward(this.embedding.forward(ids)); // hN (2, B, H): forward, reverse
    return this.fc.forward(cat([hN.select(0, 0), hN.select(0, 1)], 1)); // (B, 2H)
  }
}

/** A deepts row in this process: a plain loop of forward, loss.backward(), opt.step(), opt.zeroGrad(), loss.item(). */
function deeptsRnn(backend: 'native' | 'js', threads: number, steps: number, warmup: number): Promise<StepResult> {
  return deeptsSteps(
    backend,
    threads,
    () => {
      manualSeed(0);
      const model = new Sentiment();
      const opt = new optim.Adam(model.parameters(), { lr: RNN.lr });
      const x = randint(0, RNN.vocab, [RNN.batch, RNN.length]);
      const y = randint(0, RNN.classes, [RNN.batch]);
      return () => {
        const loss = crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        opt.zeroGrad();
        loss.item();
      };
    },
    steps,
    warmup,
    RNN.batch,
  );
}

type TfTensor = import('@tensorflow/tfjs').Tensor;
type T1 = import('@tensorflow/tfjs').Tensor1D;
type T2 = import('@tensorflow/tfjs').Tensor2D;
type Scalar = import('@tensorflow/tfjs').Scalar;

/**
 * The same model in TensorFlow.js ops under an optimizer (as the gpt bench): the embedding as a
 * gather, each direction's input projection as one matmul over every step, then per step
 * h Whh + that step's slice (tf.unstack, whose gradient is one stack), the gates i, f, g, o with
 * sigmoid/tanh as PyTorch's, the two final states concatenated, a dense layer to 2 logits, softmax
 * cross-entropy, Adam; initialized as PyTorch (one bias per direction: b_ih + b_hh is one vector).
 * Not tf.layers: its Bidirectional(LSTM) does the same ops, and the one thing it cannot avoid is
 * the embedding's gradient — tfjs cpu's gather gradient is unsortedSegmentSum, which runs a
 * full-size masked op for every one of the 5,000 vocabulary rows (more than 20 minutes a step here,
 * and 11 GB). So the gather has a custom gradient, one tf.scatterND of the rows' gradients
 * (duplicate ids summed): the same values, at the cost PyTorch's and deepts' embedding backward
 * have.
 */
async function tfjsRnn(steps: number, warmup: number): Promise<StepResult | Unavailable> {
  const tf = await loadTfjsCpu();
  if (isUnavailable(tf)) return tf;
  const { batch: B, length: T, vocab: V, embed: E, hidden: H, classes } = RNN;
  const uniform = (shape: number[], k: number) => tf.variable(tf.randomUniform(shape, -k, k));
  const emb = tf.variable(tf.randomNormal([V, E]));
  const dirs = [0, 1].map(() => ({
    wIh: uniform([E, 4 * H], 1 / Math.sqrt(H)),
    wHh: uniform([H, 4 * H], 1 / Math.sqrt(H)),
    b: uniform([4 * H], 1 / Math.sqrt(H)),
  }));
  const fcW = uniform([2 * H, classes], 1 / Math.sqrt(2 * H)),
    fcB = uniform([classes], 1 / Math.sqrt(2 * H));
  const vars = [emb, ...dirs.flatMap((d) => [d.wIh, d.wHh, d.b]), fcW, fcB];
  const ids = tf.randomUniform([B, T], 0, V, 'int32'); // batch first, as the other sides'
  const y = tf.oneHot(tf.randomUniform([B], 0, classes, 'int32') as T1, classes);
  const opt = tf.train.adam(RNN.lr);
  const direction = (x: TfTensor, d: (typeof dirs)[number], reverse: boolean): TfTensor => {
    const xs = tf.unstack(tf.reshape(tf.add(tf.matMul(x as T2, d.wIh as T2), d.b), [T, B, 4 * H]), 0); // T × (B, 4H)
    let h: TfTensor = tf.zeros([B, H]),
      c: TfTensor = tf.zeros([B, H]);
    for (let i = 0; i < T; i++) {
      const [gi, gf, gg, go] = tf.split(tf.add(xs[reverse ? T - 1 - i : i]!, tf.matMul(h as T2, d.wHh as T2)), 4, 1) as [
        TfTensor,
        TfTensor,
        TfTensor,
        TfTensor,
      ];
      c = tf.add(tf.mul(tf.sigmoid(gf), c), tf.mul(tf.sigmoid(gi), tf.tanh(gg)));
      h = tf.mul(tf.sigmoid(go), tf.tanh(c));
    }
    return h;
  };
  const step = () => {
    const cost = opt.minimize(
      () => {
        const flat = tf.reshape(tf.transpose(ids), [T * B]); // time major
        const rows = tf.reshape(flat, [T * B, 1]);
        const embed = tf.customGrad((w) => ({ value: tf.gather(w as TfTensor, flat), gradFunc: (dy) => [tf.scatterND(rows, dy as TfTensor, [V, E])] }));
        const x = embed(emb); // (T·B, E)
        const hN = tf.concat([direction(x, dirs[0]!, false), direction(x, dirs[1]!, true)], 1); // (B, 2H)
        return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(hN as T2, fcW as T2), fcB)) as Scalar;
      },
      true,
      vars,
    );
    cost?.dataSync();
    cost?.dispose();
  };
  try {
    const label = `TensorFlow.js ${tf.version_core} (cpu backend)${warmup === 0 ? ', no warm-up' : ''}`;
    return summarizeSteps(label, '1', timeSteps(step, steps, warmup), RNN.batch);
  } finally {
    tf.dispose([...vars, ids, y]);
  }
}

/** A row in this process (the child's side): its result and this process's memory. */
async function childRow(kind: RowKind, threads: number, steps: number, warmup: number): Promise<RnnRow> {
  const baseRssMB = rssMB();
  let row: StepRow;
  if (kind === 'tfjs') {
    const r = await tfjsRnn(steps, warmup);
    row = isUnavailable(r) ? { name: 'TensorFlow.js (cpu backend)', error: r.error } : r;
  } else if (kind === 'native' && !nativeBackend) row = { name: 'deepts native', error: `not available (${nativeUnavailable})` };
  else row = await deeptsRnn(kind, threads, steps, warmup);
  return 'error' in row ? row : { ...row, memory: { peakRssMB: peakRssMB(), baseRssMB } };
}

/** Runs a row in a fresh Node process (this file with --child) and reads its JSON line. */
function spawnRow(kind: RowKind, threads: number, steps: number, warmup: number, timeoutMs = 1_800_000): RnnRow {
  const name = kind === 'tfjs' ? 'TensorFlow.js (cpu backend)' : `deepts ${kind}`;
  const env = { ...process.env, ...(kind === 'native' ? { DEEPTS_NUM_THREADS: String(threads) } : {}) };
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', kind, String(threads), String(steps), String(warmup)], {
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * MB,
  });
  if (r.error) return { name, error: `the row's process could not run: ${r.error.message}` };
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as RnnRow;
  } catch {
    return { name, error: `no result (exit ${r.status ?? r.signal}): ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}` };
  }
}

type TorchRnnResult = TorchStepResult & { peak_rss_mb: number; base_rss_mb: number };

export async function runRnnBench(opts: RnnOptions, log: (line: string) => void = () => {}): Promise<RnnReport> {
  const rows: RnnRow[] = [];
  const commands: string[] = [];
  const add = (row: RnnRow) => {
    rows.push(row);
    const mem = row.memory ? ` peak RSS ${row.memory.peakRssMB.toFixed(0)} MB (${row.memory.baseRssMB.toFixed(0)} MB before the model)` : '';
    log(`${stepTable([row], 'sequences/s', []).split('\n')[2]!}${mem}`);
  };
  const torch = (threads: number) => {
    const { batch, length, vocab, embed, hidden } = RNN;
    const args = ['rnn', '--threads', String(threads), '--steps', String(opts.steps), '--warmup', String(opts.warmup)];
    args.push('--batch', String(batch), '--length', String(length), '--vocab', String(vocab), '--embed', String(embed), '--hidden', String(hidden));
    const env = { OPENBLAS_NUM_THREADS: '1' };
    commands.push(pythonCommand(args, env));
    const r = runPythonReference<TorchRnnResult>(args, env);
    add(isUnavailable(r) ? { name: 'PyTorch CPU', error: r.error } : { ...torchRow(r, batch), memory: { peakRssMB: r.peak_rss_mb, baseRssMB: r.base_rss_mb } });
  };
  add(spawnRow('native', opts.threads, opts.steps, opts.warmup));
  if (opts.reference) torch(opts.threads);
  // the same on one thread, both sides: on a shared machine the second core may not be free
  if (opts.threads !== 1) {
    add(spawnRow('native', 1, opts.steps, opts.warmup));
    if (opts.reference) torch(1);
  }
  // deepts js takes seconds a step and TensorFlow.js's cpu backend about a minute or more: 1–2
  // steps, TensorFlow.js's without a warm-up step (a first step's extra cost is nothing against a minute)
  if (opts.tfjs) add(spawnRow('tfjs', 1, Math.min(opts.steps, 2), 0));
  if (opts.js) add(spawnRow('js', 1, Math.min(opts.steps, 2), 1));
  return { rows, commands };
}

function memoryTable(rows: RnnRow[]): string {
  const mb = (x: number) => Math.round(x).toLocaleString('en-US');
  return [
    '| run | threads | peak RSS MB | RSS before the model MB | peak − before MB |',
    '|---|---:|---:|---:|---:|',
    ...rows
      .filter((r) => r.memory)
      .map((r) => {
        const m = r.memory!;
        return `| ${r.name} | ${'threads' in r ? r.threads : ''} | ${mb(m.peakRssMB)} | ${mb(m.baseRssMB)} | ${mb(m.peakRssMB - m.baseRssMB)} |`;
      }),
  ].join('\n');
}

export function rnnMarkdown(report: RnnReport): string {
  const { batch, length, vocab, embed, hidden } = RNN;
  return [
    `Sentiment-classifier training step: random ids (batch ${batch}, length ${length}, vocabulary ${vocab}) → Embedding(${vocab}, ${embed}) → 1-layer bidirectional LSTM(${embed}, ${hidden}) → final hidden states of both directions concatenated → Linear(${2 * hidden}, 2) → cross-entropy → Adam (lr 1e-3). Step time and sequences/s as median / best.`,
    '',
    stepTable(report.rows, 'sequences/s', report.commands),
    '',
    "Peak memory: each row's own process (deepts and TensorFlow.js rows a fresh Node process each, PyTorch its Python process), peak resident set as getrusage's ru_maxrss; 'before the model' is the RSS after the imports (the runtime and the library).",
    '',
    memoryTable(report.rows),
  ].join('\n');
}

/** `deepts bench rnn`: runs the bench and writes bench/results/rnn.md and .json. */
export async function runRnnTarget(machine: MachineInfo, opts: RnnOptions, log: (s: string) => void): Promise<void> {
  const report = await runRnnBench(opts, log);
  log(
    writeBenchReport('rnn', 'LSTM sentiment training step: deepts vs PyTorch and TensorFlow.js', machine, rnnMarkdown(report), {
      options: opts,
      shapes: RNN,
      ...report,
    }).join('\n'),
  );
}

// a row's own process: node dist/bench/rnn.js --child native|js|tfjs <threads> <steps> <warmup>
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href && process.argv[2] === '--child') {
  const [kind, threads, steps, warmup] = process.argv.slice(3) as [RowKind, string, string, string];
  childRow(kind, Number(threads), Number(steps), Number(warmup)).then(
    (row) => console.log(JSON.stringify(row)),
    (e: unknown) => {
      console.log(
        JSON.stringify({ name: kind === 'tfjs' ? 'TensorFlow.js (cpu backend)' : `deepts ${kind}`, error: String(e instanceof Error ? e.message : e) }),
      );
      process.exitCode = 1;
    },
  );
}

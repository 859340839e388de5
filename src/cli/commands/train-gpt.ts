// `deepts train gpt`: nanoGPT's train.py for a character (or GPT-2 BPE) language model on Tiny
// Shakespeare. Every eval interval it prints train/val loss (means over evalIters random batches)
// and a sample; the run folder gets config.json, tokenizer.json, log.jsonl, samples/ (iterations 0,
// 250, 500, … as text), samples.md, metrics.json, loss.svg and checkpoint.safetensors, from which
// `--resume DIR` continues bit-for-bit and `deepts sample --run DIR` generates.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, helpText, numberFlag, parseFlags, type FlagSpec, type Parsed } from '../args.js';
import { Generator } from '../../tensor/generator.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { GPT, type GPTConfig } from '../../models/gpt.js';
import { cosineWithWarmup } from '../../optim/cosine-with-warmup.js';
import { clipGradNorm } from '../../optim/clip-grad-norm.js';
import { saveCheckpoint, loadCheckpoint } from '../../io/checkpoint.js';
import { writeLossCurve } from '../../train/plots/index.js';
import { formatDuration } from '../../train/progress.js';
import { TokenBatcher, trainValSplit } from '../../data/token-batcher.js';
import { collectedStoragesReturned, withCollectedStorageRecycling } from '../../tensor/storage-pool.js';
import { generate } from '../../generate/generate.js';
import { CharTokenizer } from '../../tokenizers/char-tokenizer.js';
import { loadGpt2 } from '../../tokenizers/gpt2-files.js';
import { dataPath } from '../../tokenizers/data-paths.js';
import type { Tokenizer } from '../../tokenizers/tokenizer.js';

const COMMAND = 'train gpt';

/** Everything a run depends on (saved as config.json and in the checkpoint). */
export type GptRunConfig = {
  preset: string;
  data: string;
  tokenizer: 'char' | 'gpt2';
  nLayer: number;
  nHead: number;
  nEmbd: number;
  blockSize: number;
  dropout: number;
  bias: boolean;
  batchSize: number;
  maxIters: number;
  lr: number;
  minLr: number;
  warmupIters: number;
  lrDecayIters: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  gradClip: number;
  evalInterval: number;
  evalIters: number;
  logInterval: number;
  sampleTokens: number;
  temperature: number;
  topK: number;
  trainFraction: number;
  seed: number;
  out: string;
};

type Preset = Omit<GptRunConfig, 'out' | 'data' | 'preset'> & { summary: string };

/**
 * shakespeare-char: nanoGPT's config/train_shakespeare_char.py with the README's CPU overrides
 * (--device=cpu --eval_iters=20 --block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128
 * --max_iters=2000 --lr_decay_iters=2000 --dropout=0.0; val loss ≈ 1.88 there), except AdamW's β1
 * 0.6 (nanoGPT 0.9) and no weight decay (nanoGPT 0.1). In 2,000 steps at lr ≤ 1e-3 this model is
 * still far from converged; the shorter momentum lowers the validation loss by 0.02–0.03 on average
 * over paired seeds, in PyTorch too (docs/transformers.md). `--beta1 0.9 --weight-decay 0.1` is
 * nanoGPT's recipe exactly.
 */
export const GPT_PRESETS: Record<string, Preset> = {
  'shakespeare-char': {
    summary: "nanoGPT's CPU run: 4 layers, 4 heads, 128 wide, block 64, batch 12, 2,000 iterations, AdamW β1 0.6 (val ≈ 1.88)",
    tokenizer: 'char', nLayer: 4, nHead: 4, nEmbd: 128, blockSize: 64, dropout: 0, bias: false,
    batchSize: 12, maxIters: 2000, lr: 1e-3, minLr: 1e-4, warmupIters: 100, lrDecayIters: 2000,
    weightDecay: 0, beta1: 0.6, beta2: 0.99, gradClip: 1, evalInterval: 250, evalIters: 20, logInterval: 10,
    sampleTokens: 300, temperature: 0.8, topK: 200, trainFraction: 0.9, seed: 1337,
  },
  'shakespeare-char-baby': {
    summary: "nanoGPT's GPU 'baby GPT': 6 layers, 6 heads, 384 wide, block 256, batch 64, dropout 0.2, 5,000 iterations (val 1.4697 on an A100)",
    tokenizer: 'char', nLayer: 6, nHead: 6, nEmbd: 384, blockSize: 256, dropout: 0.2, bias: false,
    batchSize: 64, maxIters: 5000, lr: 1e-3, minLr: 1e-4, warmupIters: 100, lrDecayIters: 5000,
    weightDecay: 0.1, beta1: 0.9, beta2: 0.99, gradClip: 1, evalInterval: 250, evalIters: 200, logInterval: 10,
    sampleTokens: 300, temperature: 0.8, topK: 200, trainFraction: 0.9, seed: 1337,
  },
};

const NUMERIC: [keyof GptRunConfig, string, { integer?: boolean; min?: number; max?: number }, string][] = [
  ['nLayer', 'n-layer', { integer: true, min: 1, max: 256 }, 'transformer blocks'],
  ['nHead', 'n-head', { integer: true, min: 1, max: 256 }, 'attention heads'],
  ['nEmbd', 'n-embd', { integer: true, min: 1, max: 65536 }, 'embedding width'],
  ['blockSize', 'block-size', { integer: true, min: 1, max: 1 << 20 }, 'context length T'],
  ['dropout', 'dropout', { min: 0, max: 0.95 }, 'dropout probability'],
  ['batchSize', 'batch-size', { integer: true, min: 1, max: 1 << 20 }, 'sequences per step B'],
  ['maxIters', 'max-iters', { integer: true, min: 0, max: 1e9 }, 'training iterations'],
  ['lr', 'lr', { min: 0, max: 10 }, 'peak learning rate'],
  ['minLr', 'min-lr', { min: 0, max: 10 }, 'learning rate at the end of the cosine decay'],
  ['warmupIters', 'warmup-iters', { integer: true, min: 0, max: 1e9 }, 'linear warmup iterations'],
  ['lrDecayIters', 'lr-decay-iters', { integer: true, min: 0, max: 1e9 }, 'iterations of the cosine decay'],
  ['weightDecay', 'weight-decay', { min: 0, max: 10 }, 'AdamW weight decay (on ≥ 2-D parameters only)'],
  ['beta1', 'beta1', { min: 0, max: 0.999999 }, 'AdamW β1'],
  ['beta2', 'beta2', { min: 0, max: 0.999999 }, 'AdamW β2'],
  ['gradClip', 'grad-clip', { min: 0, max: 1e6 }, 'clip the gradient norm to this (0 = off)'],
  ['evalInterval', 'eval-interval', { integer: true, min: 1, max: 1e9 }, 'evaluate, sample and checkpoint every this many iterations'],
  ['evalIters', 'eval-iters', { integer: true, min: 1, max: 1e6 }, 'batches per loss estimate'],
  ['logInterval', 'log-interval', { integer: true, min: 1, max: 1e9 }, 'print the batch loss every this many iterations'],
  ['sampleTokens', 'sample-tokens', { integer: true, min: 0, max: 1e6 }, 'tokens per sample'],
  ['temperature', 'temperature', { min: 0, max: 100 }, 'sampling temperature'],
  ['topK', 'top-k', { integer: true, min: 0, max: 1e9 }, 'sample from the k most likely tokens (0 = all)'],
  ['trainFraction', 'train-fraction', { min: 0.01, max: 0.99 }, 'leading fraction of the text used for training; the rest is validation'],
  ['seed', 'seed', { integer: true, min: 0, max: 4294967295 }, 'seed for the weights, batches and samples'],
];

const spec: Record<string, FlagSpec> = {
  preset: { type: 'string', default: 'shakespeare-char', help: `${Object.keys(GPT_PRESETS).join('|')}` },
  data: { type: 'string', help: 'training text (default $DEEPTS_DATA/tinyshakespeare/input.txt)' },
  tokenizer: { type: 'string', help: 'char (the sorted characters of the text) | gpt2 (BPE)' },
  bias: { type: 'boolean', help: 'biases in Linear and LayerNorm (GPT-2); the presets have none' },
  ...Object.fromEntries(NUMERIC.map(([, flag, , help]) => [flag, { type: 'string', help: `${help} (preset value by default)` } as FlagSpec])),
  out: { type: 'string', help: 'run folder (default runs/gpt-<preset>-<timestamp>)' },
  resume: { type: 'string', help: 'continue the run in this folder from its checkpoint (flags may raise --max-iters)' },
  quiet: { type: 'boolean', short: 'q', help: 'print only the evaluations and the final numbers' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

function timestamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function defaultOut(preset: string): string {
  const base = join('runs', `gpt-${preset}-${timestamp()}`);
  let out = base;
  for (let k = 2; existsSync(out); k++) out = `${base}-${k}`;
  return out;
}

/** Parses the flags over the preset (or over the resumed run's config). */
export function parseGptConfig(argv: string[]): { config: GptRunConfig; quiet: boolean; resume: string | null } | 'help' {
  const parsed = parseFlags(COMMAND, argv, spec);
  const f: Parsed['flags'] = parsed.flags;
  if (f.help) return 'help';
  if (parsed.positionals.length) throw new CliError(`deepts ${COMMAND}: unexpected argument '${parsed.positionals[0]}' (flags start with --; see --help)`);
  const resume = typeof f.resume === 'string' && f.resume !== '' ? f.resume : null;
  let base: GptRunConfig;
  if (resume) {
    const path = join(resume, 'config.json');
    if (!existsSync(path)) throw new CliError(`deepts ${COMMAND}: --resume ${resume}: no config.json there (is it a run folder of deepts train gpt?)`);
    base = JSON.parse(readFileSync(path, 'utf8')) as GptRunConfig;
  } else {
    const name = String(f.preset);
    const preset = GPT_PRESETS[name];
    if (!preset) throw new CliError(`deepts ${COMMAND}: --preset expects one of ${Object.keys(GPT_PRESETS).join('|')}, got '${name}'`);
    const { summary: _s, ...values } = preset;
    base = { ...values, preset: name, data: dataPath('tinyshakespeare', 'input.txt'), out: '' };
  }
  const config: GptRunConfig = { ...base };
  for (const [key, flag, range] of NUMERIC) {
    const v = numberFlag(COMMAND, f, flag, range);
    if (v !== undefined) (config as Record<string, unknown>)[key] = v;
  }
  if (resume) {
    const fixed = ['nLayer', 'nHead', 'nEmbd', 'blockSize', 'bias'] as const;
    for (const k of fixed) if (config[k] !== base[k]) throw new CliError(`deepts ${COMMAND}: --resume keeps the model's shape; ${k} cannot change (${String(base[k])} → ${String(config[k])})`);
    if (f.data !== undefined || f.tokenizer !== undefined) throw new CliError(`deepts ${COMMAND}: --resume keeps the run's data and tokenizer; drop --data/--tokenizer`);
    config.out = resume;
  } else {
    if (typeof f.data === 'string') config.data = f.data;
    if (f.tokenizer !== undefined) {
      if (f.tokenizer !== 'char' && f.tokenizer !== 'gpt2') throw new CliError(`deepts ${COMMAND}: --tokenizer expects char|gpt2, got '${String(f.tokenizer)}'`);
      config.tokenizer = f.tokenizer;
    }
    if (f.bias === true) config.bias = true;
    config.out = typeof f.out === 'string' && f.out !== '' ? f.out : defaultOut(config.preset);
  }
  if (config.nEmbd % config.nHead !== 0) throw new CliError(`deepts ${COMMAND}: --n-embd ${config.nEmbd} must be divisible by --n-head ${config.nHead}`);
  if (config.minLr > config.lr) throw new CliError(`deepts ${COMMAND}: --min-lr ${config.minLr} is above --lr ${config.lr}`);
  if (config.lrDecayIters < config.warmupIters) throw new CliError(`deepts ${COMMAND}: --lr-decay-iters ${config.lrDecayIters} is below --warmup-iters ${config.warmupIters}`);
  return { config, quiet: f.quiet === true, resume };
}

/** The tokenizer of a run: the char vocabulary is saved in the run folder as tokenizer.json. */
export function runTokenizer(dir: string): Tokenizer & { eotId?: number } {
  const path = join(dir, 'tokenizer.json');
  if (!existsSync(path)) throw new Error(`${dir}: no tokenizer.json (not a deepts train gpt run folder?)`);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { format?: string };
  if (doc.format === 'deepts-char') return CharTokenizer.fromJson(readFileSync(path, 'utf8'), path);
  if (doc.format === 'gpt2') return loadGpt2();
  throw new Error(`${path}: unknown tokenizer format '${String(doc.format)}'`);
}

export type GptRunResult = { out: string; metrics: Record<string, unknown> };
type LogEntry = { iter: number; trainLoss: number; valLoss: number; lr: number; seconds: number };

/** Iteration-indexed: the iterations at which a sample is taken (0, 250, 500 and every eval). */
function sampleDue(iter: number, c: GptRunConfig): boolean {
  return iter === 0 || iter === 250 || iter === 500 || iter % c.evalInterval === 0 || iter === c.maxIters;
}

/** Trains as configured (or resumes) and writes the run folder; `say` receives the printed lines. */
export async function trainGpt(config: GptRunConfig, opts: { quiet?: boolean; resume?: string | null; say?: (line: string) => void } = {}): Promise<GptRunResult> {
  const say = opts.say ?? ((line: string) => console.log(line));
  const t0 = performance.now();
  const out = resolve(config.out);
  mkdirSync(join(out, 'samples'), { recursive: true });

  // data: the text, its tokenizer, one token stream, 90/10 split as nanoGPT's prepare.py
  if (!existsSync(config.data)) throw new CliError(`deepts ${COMMAND}: no training text at ${config.data} (set --data or DEEPTS_DATA)`);
  const text = readFileSync(config.data, 'utf8');
  let tokenizer: Tokenizer;
  if (opts.resume) tokenizer = runTokenizer(out);
  else if (config.tokenizer === 'char') tokenizer = CharTokenizer.fromCorpus(text);
  else tokenizer = loadGpt2();
  const ids = Int32Array.from(tokenizer.encode(text));
  const { train, val } = trainValSplit(ids, config.trainFraction);
  if (val.length < config.blockSize + 1) throw new CliError(`deepts ${COMMAND}: the validation split has ${val.length} tokens, fewer than --block-size ${config.blockSize} + 1`);

  const gen = new Generator(config.seed);
  const modelConfig: GPTConfig = {
    blockSize: config.blockSize, vocabSize: tokenizer.vocabSize, nLayer: config.nLayer, nHead: config.nHead,
    nEmbd: config.nEmbd, dropout: config.dropout, bias: config.bias,
  };
  const model = new GPT(modelConfig, { generator: gen });
  const optimizer = model.configureOptimizers({ weightDecay: config.weightDecay, lr: config.lr, betas: [config.beta1, config.beta2] });
  const trainBatches = new TokenBatcher(train, { batchSize: config.batchSize, blockSize: config.blockSize, generator: gen });
  let iter = 0;
  let log: LogEntry[] = [];
  let batchLosses: [number, number][] = [];
  let trainSeconds = 0;
  const ckptPath = join(out, 'checkpoint.safetensors');
  if (opts.resume) {
    if (!existsSync(ckptPath)) throw new CliError(`deepts ${COMMAND}: --resume ${config.out}: no checkpoint.safetensors there`);
    const ck = loadCheckpoint(ckptPath, { model, optimizer, generator: gen });
    iter = ck.step;
    const extra = ck.extra as { log?: LogEntry[]; batchLosses?: [number, number][]; trainSeconds?: number } | null;
    log = extra?.log ?? [];
    batchLosses = extra?.batchLosses ?? [];
    trainSeconds = extra?.trainSeconds ?? 0;
  } else {
    writeFileSync(join(out, 'tokenizer.json'), tokenizer instanceof CharTokenizer ? tokenizer.toJson() + '\n' : JSON.stringify({ format: 'gpt2' }) + '\n');
    writeFileSync(join(out, 'log.jsonl'), '');
  }
  writeFileSync(join(out, 'config.json'), JSON.stringify({ ...config, model: modelConfig }, null, 2) + '\n');

  const tokensPerIter = config.batchSize * config.blockSize;
  {
    say(`deepts train gpt: ${config.preset}, ${tokenizer.vocabSize}-token ${config.tokenizer} vocabulary, ${train.length.toLocaleString('en-US')} train / ${val.length.toLocaleString('en-US')} val tokens`);
    say(`model: ${config.nLayer} layers, ${config.nHead} heads, ${config.nEmbd} wide, block ${config.blockSize}, dropout ${config.dropout}: ${(model.getNumParams() / 1e6).toFixed(2)}M parameters`);
    say(`training: batch ${config.batchSize} × ${config.blockSize} = ${tokensPerIter} tokens/iteration, AdamW lr ${config.lr} → ${config.minLr} (warmup ${config.warmupIters}, cosine to ${config.lrDecayIters}), β1 ${config.beta1}, β2 ${config.beta2}, weight decay ${config.weightDecay}, clip ${config.gradClip}`);
    say(`run folder: ${config.out}${opts.resume ? ` (resuming at iteration ${iter})` : ''}`);
  }

  const estimateLoss = (at: number): { train: number; val: number } => {
    model.eval();
    const res = { train: 0, val: 0 };
    noGrad(() => {
      for (const [split, stream] of [['train', train], ['val', val]] as const) {
        // eval batches come from their own generator (seed, iteration): they never shift the training batches
        const b = new TokenBatcher(stream, { batchSize: config.batchSize, blockSize: config.blockSize, generator: new Generator((config.seed * 1000003 + at * 7919 + (split === 'val' ? 1 : 0)) >>> 0) });
        let s = 0;
        for (let k = 0; k < config.evalIters; k++) {
          const { x, y } = b.next();
          s += model.forward(x, y).loss!.item();
        }
        res[split] = s / config.evalIters;
      }
    });
    model.train();
    return res;
  };

  /** The mean loss over a whole split, in consecutive non-overlapping windows of blockSize tokens (every token predicted once). */
  const fullSplitLoss = (stream: Int32Array): number => {
    const windows = new TokenBatcher(stream, { batchSize: config.batchSize, blockSize: config.blockSize });
    const T = config.blockSize, n = windows.windows;
    model.eval();
    let total = 0;
    noGrad(() => {
      for (let w0 = 0; w0 < n; w0 += config.batchSize) {
        const offsets = Array.from({ length: Math.min(config.batchSize, n - w0) }, (_, i) => (w0 + i) * T);
        const { x, y } = windows.at(offsets);
        total += model.forward(x, y).loss!.item() * offsets.length;
      }
    });
    model.train();
    return total / n;
  };

  const startIds = tokenizer.encode('\n');
  const sample = (at: number): string => {
    if (config.sampleTokens === 0) return '';
    const ids2 = generate(model, startIds, { maxNewTokens: config.sampleTokens, temperature: config.temperature, topK: config.topK || null, seed: (config.seed + at) >>> 0 });
    model.train();
    const txt = tokenizer.decode(ids2);
    writeFileSync(join(out, 'samples', `iter-${String(at).padStart(6, '0')}.txt`), txt + '\n');
    appendFileSync(join(out, 'samples.md'), `## Sample after ${at.toLocaleString('en-US')} iterations\n\n\`\`\`\n${txt}\n\`\`\`\n\n`);
    return txt;
  };

  const writeCurve = (): void => {
    const series = [
      { name: 'train (batch)', points: batchLosses.map(([i, l]) => [i, l] as const) },
      { name: 'train', points: log.map((e) => [e.iter, e.trainLoss] as const) },
      { name: 'val', points: log.map((e) => [e.iter, e.valLoss] as const) },
    ].filter((s) => s.points.length);
    if (series.length) writeLossCurve(join(out, 'loss.svg'), series, { title: `GPT ${config.preset}: cross-entropy`, xLabel: 'iteration', yLabel: 'loss', logY: true });
  };

  const evaluate = (at: number, lr: number): LogEntry => {
    const l = estimateLoss(at);
    const entry: LogEntry = { iter: at, trainLoss: l.train, valLoss: l.val, lr, seconds: Number(((performance.now() - t0) / 1000).toFixed(2)) };
    log.push(entry);
    appendFileSync(join(out, 'log.jsonl'), JSON.stringify(entry) + '\n');
    say(`step ${at}: train loss ${l.train.toFixed(4)}, val loss ${l.val.toFixed(4)}`);
    return entry;
  };

  const checkpoint = (at: number): void => {
    saveCheckpoint(ckptPath, {
      model, optimizer, step: at, config: { ...config, model: modelConfig } as unknown, generator: gen,
      extra: { log, batchLosses, trainSeconds },
    });
  };

  model.train();
  let lr = cosineWithWarmup(iter, { maxLr: config.lr, minLr: config.minLr, warmupIters: config.warmupIters, decayIters: config.lrDecayIters });
  const evalAndSample = (at: number): void => {
    const evalDue = at % config.evalInterval === 0 || at === config.maxIters;
    if (evalDue) evaluate(at, lr);
    if (sampleDue(at, config)) {
      const txt = sample(at);
      if (txt) say(`--- sample at iteration ${at} ---\n${txt}\n---`);
    }
    if (evalDue && at > 0) { checkpoint(at); writeCurve(); }
  };
  if (!opts.resume) evalAndSample(0);
  let lastLog = performance.now();
  // the forward's activations go back to the storage pool once collected (a turn of the event loop a step)
  await withCollectedStorageRecycling(async () => {
    while (iter < config.maxIters) {
      lr = cosineWithWarmup(iter, { maxLr: config.lr, minLr: config.minLr, warmupIters: config.warmupIters, decayIters: config.lrDecayIters });
      for (const g of optimizer.paramGroups) g.lr = lr;
      const s0 = performance.now();
      const { x, y } = trainBatches.next();
      const { loss } = model.forward(x, y);
      loss!.backward();
      if (config.gradClip > 0) clipGradNorm(model.parameters(), config.gradClip);
      optimizer.step();
      optimizer.zeroGrad();
      const lossValue = loss!.item();
      trainSeconds += (performance.now() - s0) / 1000;
      iter++;
      batchLosses.push([iter, Number(lossValue.toFixed(4))]);
      if (!opts.quiet && iter % config.logInterval === 0) {
        const now = performance.now();
        const ms = (now - lastLog) / config.logInterval;
        lastLog = now;
        const eta = formatDuration(((config.maxIters - iter) * ms) / 1000);
        say(`iter ${iter}: loss ${lossValue.toFixed(4)}, time ${ms.toFixed(0)}ms, ${(tokensPerIter / ms * 1000).toFixed(0)} tokens/s, lr ${lr.toExponential(2)}, ETA ${eta}`);
      }
      if (iter % config.evalInterval === 0 || iter === config.maxIters || sampleDue(iter, config)) {
        evalAndSample(iter);
        lastLog = performance.now();
      }
      await collectedStoragesReturned();
    }
  });
  // with --max-iters 0 (or a resumed run already at its end) the loop evaluated and saved nothing new
  if (!log.length || log[log.length - 1]!.iter !== iter) evaluate(iter, lr);
  if (iter === 0) checkpoint(iter);
  writeCurve();

  const valLossFull = fullSplitLoss(val);
  say(`val loss over the whole validation split (${Math.floor((val.length - 1) / config.blockSize).toLocaleString('en-US')} windows of ${config.blockSize}): ${valLossFull.toFixed(4)}`);
  const seconds = (performance.now() - t0) / 1000;
  const last = log[log.length - 1]!;
  const metrics: Record<string, unknown> = {
    preset: config.preset,
    valLoss: Number(last.valLoss.toFixed(4)),
    valLossFull: Number(valLossFull.toFixed(4)),
    trainLoss: Number(last.trainLoss.toFixed(4)),
    bestValLoss: Number(Math.min(...log.map((e) => e.valLoss)).toFixed(4)),
    iterations: iter,
    tokensPerIteration: tokensPerIter,
    tokensPerSecond: trainSeconds > 0 ? Math.round((tokensPerIter * batchLosses.length) / trainSeconds) : null,
    trainSeconds: Number(trainSeconds.toFixed(1)),
    seconds: Number(seconds.toFixed(1)),
    numParameters: model.getNumParams(),
    vocabSize: tokenizer.vocabSize,
    evals: log,
    config: { ...config, model: modelConfig },
  };
  writeFileSync(join(out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  say(`done: ${iter} iterations, train loss ${last.trainLoss.toFixed(4)}, val loss ${last.valLoss.toFixed(4)}, ${metrics.tokensPerSecond} tokens/s, ${seconds.toFixed(0)} s`);
  say(`wrote ${config.out}/{metrics.json, loss.svg, samples.md, samples/, log.jsonl, checkpoint.safetensors, config.json, tokenizer.json}`);
  return { out, metrics };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseGptConfig(argv);
  if (parsed === 'help') {
    const presets = Object.entries(GPT_PRESETS).map(([n, p]) => `  ${n}: ${p.summary}`).join('\n');
    console.log(helpText(COMMAND, '[--preset shakespeare-char] [flags]', spec) + `\n\npresets:\n${presets}`);
    return 0;
  }
  await trainGpt(parsed.config, { quiet: parsed.quiet, resume: parsed.resume });
  return 0;
}

// `deepts train bert` / `deepts train albert`: masked-language-model pre-training, character
// level, on Tiny Shakespeare. Windows of T characters; 15% of the positions are masked (BERT's
// 80/10/10 rule) and the model predicts them from both sides. Prints the MLM loss on held-out text
// every eval interval and, at the end, a fill-in-the-blanks example; the run folder gets
// config.json, tokenizer.json, log.jsonl, metrics.json, loss.svg and checkpoint.safetensors.
import { existsSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, helpText, numberFlag, parseFlags, type FlagSpec } from '../args.js';
import { Tensor } from '../../tensor/tensor.js';
import { Generator } from '../../tensor/generator.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { argmax } from '../../ops/index.js';
import { BertForMaskedLM, type BertConfig } from '../../models/bert.js';
import { AlbertForMaskedLM, type AlbertConfig } from '../../models/albert.js';
import { AdamW } from '../../optim/adamw.js';
import { cosineWithWarmup } from '../../optim/cosine-with-warmup.js';
import { clipGradNorm } from '../../optim/clip-grad-norm.js';
import { saveCheckpoint } from '../../io/checkpoint.js';
import { writeLossCurve } from '../../train/plots/index.js';
import { formatDuration } from '../../train/progress.js';
import { TokenBatcher, maskTokens, trainValSplit } from '../../data/token-batcher.js';
import { CharTokenizer } from '../../tokenizers/char-tokenizer.js';
import { collectedStoragesReturned, withCollectedStorageRecycling } from '../../tensor/storage-pool.js';
import { dataPath } from '../../tokenizers/data-paths.js';

export type MlmRunConfig = {
  model: 'bert' | 'albert';
  data: string;
  nLayer: number;
  hidden: number;
  heads: number;
  intermediate: number;
  /** ALBERT's factorized embedding width E. */
  embedding: number;
  blockSize: number;
  batchSize: number;
  maxIters: number;
  lr: number;
  minLr: number;
  warmupIters: number;
  weightDecay: number;
  dropout: number;
  maskProb: number;
  evalInterval: number;
  evalIters: number;
  logInterval: number;
  seed: number;
  out: string;
};

/** Small enough for a CPU: 4 layers of 128 (ALBERT: one shared layer applied 4 times, E = 64). */
export const MLM_DEFAULTS: Omit<MlmRunConfig, 'model' | 'data' | 'out'> = {
  nLayer: 4, hidden: 128, heads: 4, intermediate: 512, embedding: 64, blockSize: 64, batchSize: 12, maxIters: 300,
  lr: 1e-3, minLr: 1e-4, warmupIters: 30, weightDecay: 0.01, dropout: 0, maskProb: 0.15, evalInterval: 50, evalIters: 10, logInterval: 10, seed: 1337,
};

const NUMERIC: [keyof MlmRunConfig, string, { integer?: boolean; min?: number; max?: number }, string][] = [
  ['nLayer', 'n-layer', { integer: true, min: 1, max: 256 }, 'encoder layers (ALBERT: applications of its one shared layer)'],
  ['hidden', 'hidden', { integer: true, min: 1, max: 65536 }, 'hidden size H'],
  ['heads', 'heads', { integer: true, min: 1, max: 256 }, 'attention heads'],
  ['intermediate', 'intermediate', { integer: true, min: 1, max: 1 << 20 }, 'feed-forward width'],
  ['embedding', 'embedding', { integer: true, min: 1, max: 65536 }, 'ALBERT embedding width E'],
  ['blockSize', 'block-size', { integer: true, min: 2, max: 4096 }, 'characters per window T'],
  ['batchSize', 'batch-size', { integer: true, min: 1, max: 1 << 20 }, 'windows per step B'],
  ['maxIters', 'max-iters', { integer: true, min: 1, max: 1e9 }, 'training iterations'],
  ['lr', 'lr', { min: 0, max: 10 }, 'peak learning rate (AdamW, warmup then cosine)'],
  ['minLr', 'min-lr', { min: 0, max: 10 }, 'final learning rate'],
  ['warmupIters', 'warmup-iters', { integer: true, min: 0, max: 1e9 }, 'warmup iterations'],
  ['weightDecay', 'weight-decay', { min: 0, max: 10 }, 'AdamW weight decay on ≥ 2-D parameters'],
  ['dropout', 'dropout', { min: 0, max: 0.95 }, 'dropout probability'],
  ['maskProb', 'mask-prob', { min: 0.01, max: 1 }, 'fraction of positions to predict'],
  ['evalInterval', 'eval-interval', { integer: true, min: 1, max: 1e9 }, 'evaluate every this many iterations'],
  ['evalIters', 'eval-iters', { integer: true, min: 1, max: 1e6 }, 'batches per loss estimate'],
  ['logInterval', 'log-interval', { integer: true, min: 1, max: 1e9 }, 'print the batch loss every this many iterations'],
  ['seed', 'seed', { integer: true, min: 0, max: 4294967295 }, 'seed for weights, windows and masks'],
];

function spec(): Record<string, FlagSpec> {
  return {
    data: { type: 'string', help: 'training text (default $DEEPTS_DATA/tinyshakespeare/input.txt)' },
    ...Object.fromEntries(NUMERIC.map(([key, flag, , help]) => [flag, { type: 'string', default: String(MLM_DEFAULTS[key as keyof typeof MLM_DEFAULTS]), help } as FlagSpec])),
    out: { type: 'string', help: 'run folder (default runs/<model>-mlm-<timestamp>)' },
    quiet: { type: 'boolean', short: 'q', help: 'print only the evaluations and the final numbers' },
    help: { type: 'boolean', short: 'h', help: 'show this help' },
  };
}

function defaultOut(model: string): string {
  const d = new Date(), p = (n: number): string => String(n).padStart(2, '0');
  const base = join('runs', `${model}-mlm-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`);
  let out = base;
  for (let k = 2; existsSync(out); k++) out = `${base}-${k}`;
  return out;
}

export function parseMlmConfig(model: 'bert' | 'albert', argv: string[]): { config: MlmRunConfig; quiet: boolean } | 'help' {
  const command = `train ${model}`;
  const parsed = parseFlags(command, argv, spec());
  const f = parsed.flags;
  if (f.help) return 'help';
  if (parsed.positionals.length) throw new CliError(`deepts ${command}: unexpected argument '${parsed.positionals[0]}' (flags start with --; see --help)`);
  const config = { ...MLM_DEFAULTS, model, data: typeof f.data === 'string' ? f.data : dataPath('tinyshakespeare', 'input.txt'), out: typeof f.out === 'string' && f.out ? f.out : defaultOut(model) } as MlmRunConfig;
  for (const [key, flag, range] of NUMERIC) (config as Record<string, unknown>)[key] = numberFlag(command, f, flag, range);
  if (config.hidden % config.heads !== 0) throw new CliError(`deepts ${command}: --hidden ${config.hidden} must be divisible by --heads ${config.heads}`);
  if (config.minLr > config.lr) throw new CliError(`deepts ${command}: --min-lr ${config.minLr} is above --lr ${config.lr}`);
  return { config, quiet: f.quiet === true };
}

export type MlmRunResult = { out: string; metrics: Record<string, unknown>; model: BertForMaskedLM | AlbertForMaskedLM };

export async function trainMlm(config: MlmRunConfig, opts: { quiet?: boolean; say?: (line: string) => void } = {}): Promise<MlmRunResult> {
  const say = opts.say ?? ((line: string) => console.log(line));
  const t0 = performance.now();
  const out = resolve(config.out);
  mkdirSync(out, { recursive: true });
  if (!existsSync(config.data)) throw new CliError(`deepts train ${config.model}: no training text at ${config.data} (set --data or DEEPTS_DATA)`);
  const text = readFileSync(config.data, 'utf8');
  const chars = CharTokenizer.fromCorpus(text);
  const maskId = chars.vocabSize; // one extra id: [MASK]
  const vocabSize = chars.vocabSize + 1;
  const { train, val } = trainValSplit(Int32Array.from(chars.encode(text)), 0.9);
  const gen = new Generator(config.seed);
  const base: BertConfig = {
    vocabSize, hiddenSize: config.hidden, numHiddenLayers: config.nLayer, numAttentionHeads: config.heads, intermediateSize: config.intermediate,
    maxPositionEmbeddings: config.blockSize, typeVocabSize: 1, dropout: config.dropout, layerNormEps: 1e-12,
  };
  const model = config.model === 'bert'
    ? new BertForMaskedLM(base, { generator: gen })
    : new AlbertForMaskedLM({ ...base, embeddingSize: config.embedding } as AlbertConfig, { generator: gen });
  const decay = model.parameters().filter((p) => p.ndim >= 2), noDecay = model.parameters().filter((p) => p.ndim < 2);
  const optimizer = new AdamW([{ params: decay, weightDecay: config.weightDecay }, { params: noDecay, weightDecay: 0 }], { lr: config.lr, betas: [0.9, 0.999] });
  const batches = new TokenBatcher(train, { batchSize: config.batchSize, blockSize: config.blockSize, generator: gen });
  writeFileSync(join(out, 'config.json'), JSON.stringify({ ...config, modelConfig: model.config }, null, 2) + '\n');
  writeFileSync(join(out, 'tokenizer.json'), JSON.stringify({ format: 'deepts-char', version: 1, chars: chars.chars, mask: maskId }) + '\n');
  writeFileSync(join(out, 'log.jsonl'), '');
  const name = config.model === 'bert' ? 'BERT' : 'ALBERT';
  say(`deepts train ${config.model}: masked-language model on ${config.data.split('/').slice(-2).join('/')}, ${vocabSize} ids (characters + [MASK]), ${train.length.toLocaleString('en-US')} train / ${val.length.toLocaleString('en-US')} val characters`);
  say(`model: ${name}, ${config.nLayer} layers${config.model === 'albert' ? ' sharing one parameter set' : ''}, hidden ${config.hidden}, ${config.heads} heads, feed-forward ${config.intermediate}${config.model === 'albert' ? `, embeddings ${config.embedding}` : ''}: ${model.numParameters().toLocaleString('en-US')} parameters`);
  say(`training: batch ${config.batchSize} × ${config.blockSize}, ${Math.round(config.maskProb * 100)}% masked, AdamW lr ${config.lr} → ${config.minLr}, ${config.maxIters} iterations; run folder ${config.out}`);

  const estimate = (at: number): { train: number; val: number } => {
    model.eval();
    const res = { train: 0, val: 0 };
    noGrad(() => {
      for (const [split, stream] of [['train', train], ['val', val]] as const) {
        const g = new Generator((config.seed * 1000003 + at * 7919 + (split === 'val' ? 1 : 0)) >>> 0);
        const b = new TokenBatcher(stream, { batchSize: config.batchSize, blockSize: config.blockSize, generator: g });
        let s = 0;
        for (let k = 0; k < config.evalIters; k++) {
          const { input, labels } = maskTokens(b.next().x, { maskId, vocabSize, prob: config.maskProb, generator: g });
          s += model.forward(input, labels).loss!.item();
        }
        res[split] = s / config.evalIters;
      }
    });
    model.train();
    return res;
  };

  const log: { iter: number; trainLoss: number; valLoss: number }[] = [];
  const batchLosses: [number, number][] = [];
  const evaluate = (at: number): void => {
    const l = estimate(at);
    log.push({ iter: at, trainLoss: l.train, valLoss: l.val });
    appendFileSync(join(out, 'log.jsonl'), JSON.stringify({ iter: at, trainLoss: l.train, valLoss: l.val }) + '\n');
    say(`step ${at}: train MLM loss ${l.train.toFixed(4)}, val MLM loss ${l.val.toFixed(4)}`);
  };

  let trainSeconds = 0;
  model.train();
  evaluate(0);
  // the forward's activations go back to the storage pool once collected (a turn of the event loop a step)
  await withCollectedStorageRecycling(async () => {
    for (let iter = 0; iter < config.maxIters;) {
      const lr = cosineWithWarmup(iter, { maxLr: config.lr, minLr: config.minLr, warmupIters: Math.min(config.warmupIters, config.maxIters), decayIters: config.maxIters });
      for (const g of optimizer.paramGroups) g.lr = lr;
      const s0 = performance.now();
      const { input, labels } = maskTokens(batches.next().x, { maskId, vocabSize, prob: config.maskProb, generator: gen });
      const { loss } = model.forward(input, labels);
      loss!.backward();
      clipGradNorm(model.parameters(), 1);
      optimizer.step();
      optimizer.zeroGrad();
      const value = loss!.item();
      trainSeconds += (performance.now() - s0) / 1000;
      iter++;
      batchLosses.push([iter, value]);
      if (!opts.quiet && iter % config.logInterval === 0) {
        const eta = formatDuration((trainSeconds / iter) * (config.maxIters - iter));
        say(`iter ${iter}: loss ${value.toFixed(4)}, ${((iter * config.batchSize) / trainSeconds).toFixed(0)} sequences/s, lr ${lr.toExponential(2)}, ETA ${eta}`);
      }
      if (iter % config.evalInterval === 0 || iter === config.maxIters) evaluate(iter);
      await collectedStoragesReturned();
    }
  });

  // fill in the blanks on held-out text: every 6th character masked
  const window = Array.from(val.subarray(0, config.blockSize));
  const masked = window.map((id, i) => (i % 6 === 3 ? maskId : id));
  const pred = noGrad(() => {
    model.eval();
    const { logits } = model.forward(new Tensor(Int32Array.from(masked), 'int32', [1, window.length]));
    return Array.from(argmax(logits, -1).toTypedArray());
  });
  const show = (ids: number[]): string => ids.map((id) => (id === maskId ? '_' : chars.decode([id]))).join('').replace(/\n/g, '⏎');
  const filled = masked.map((id, i) => (id === maskId ? pred[i]! : id));
  const hits = masked.filter((id, i) => id === maskId && pred[i] === window[i]).length, holes = masked.filter((id) => id === maskId).length;
  say(`fill-in (every 6th character masked): ${show(masked)}`);
  say(`model's answer:                        ${show(filled)}   (${hits}/${holes} right)`);

  const seconds = (performance.now() - t0) / 1000;
  const last = log[log.length - 1]!;
  const metrics: Record<string, unknown> = {
    model: config.model, valLoss: Number(last.valLoss.toFixed(4)), trainLoss: Number(last.trainLoss.toFixed(4)),
    initialValLoss: Number(log[0]!.valLoss.toFixed(4)), iterations: config.maxIters,
    tokensPerSecond: Math.round((config.batchSize * config.blockSize * config.maxIters) / trainSeconds),
    seconds: Number(seconds.toFixed(1)), numParameters: model.numParameters(), fillInAccuracy: hits / holes, evals: log, config,
  };
  writeFileSync(join(out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  writeLossCurve(join(out, 'loss.svg'), [
    { name: 'train (batch)', points: batchLosses },
    { name: 'train', points: log.map((e) => [e.iter, e.trainLoss] as const) },
    { name: 'val', points: log.map((e) => [e.iter, e.valLoss] as const) },
  ], { title: `${name} masked-language model: cross-entropy on masked characters`, xLabel: 'iteration', yLabel: 'MLM loss', logY: true });
  saveCheckpoint(join(out, 'checkpoint.safetensors'), { model, optimizer, step: config.maxIters, config, generator: gen, extra: { log } });
  say(`done: ${config.maxIters} iterations, val MLM loss ${log[0]!.valLoss.toFixed(4)} → ${last.valLoss.toFixed(4)}, ${metrics.tokensPerSecond} tokens/s, ${seconds.toFixed(0)} s`);
  say(`wrote ${config.out}/{metrics.json, loss.svg, log.jsonl, checkpoint.safetensors, config.json, tokenizer.json}`);
  return { out, metrics, model };
}

export function runFor(model: 'bert' | 'albert'): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const parsed = parseMlmConfig(model, argv);
    if (parsed === 'help') {
      console.log(helpText(`train ${model}`, '[flags]', spec()));
      return 0;
    }
    await trainMlm(parsed.config, { quiet: parsed.quiet });
    return 0;
  };
}

// The masked-language-model recipe behind `deepts train bert` / `deepts train albert`: character
// level, on Tiny Shakespeare, as a configuration of the one training loop. Windows of T
// characters; 15% of the positions are masked (BERT's 80/10/10 rule) and the model predicts them
// from both sides. Prints the MLM loss on held-out text every eval interval and, at the end, a
// fill-in-the-blanks example; the run folder gets config.json, tokenizer.json, log.jsonl,
// metrics.json, loss.svg and checkpoint.safetensors (resumable, also after Ctrl-C).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Tensor } from '../../tensor/tensor.js';
import { Generator } from '../../tensor/generator.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { argmax } from '../../ops/index.js';
import { BertForMaskedLM, type BertConfig } from '../../models/bert.js';
import { AlbertForMaskedLM, type AlbertConfig } from '../../models/albert.js';
import { AdamW } from '../../optim/adamw.js';
import { cosineWithWarmup } from '../../optim/cosine-with-warmup.js';
import { writeLossCurve } from '../plots/index.js';
import { TokenBatcher, maskTokens, trainValSplit } from '../../data/token-batcher.js';
import { CharTokenizer } from '../../tokenizers/char-tokenizer.js';
import { trainLoop, type TrainLoopResult } from '../loop.js';
import { writeRunConfig } from '../run-folder.js';
import { checkOptions } from '../../util/options.js';

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
  nLayer: 4,
  hidden: 128,
  heads: 4,
  intermediate: 512,
  embedding: 64,
  blockSize: 64,
  batchSize: 12,
  maxIters: 300,
  lr: 1e-3,
  minLr: 1e-4,
  warmupIters: 30,
  weightDecay: 0.01,
  dropout: 0,
  maskProb: 0.15,
  evalInterval: 50,
  evalIters: 10,
  logInterval: 10,
  seed: 1337,
};

export type MlmRunResult = { out: string; metrics: Record<string, unknown>; model: BertForMaskedLM | AlbertForMaskedLM; loop: TrainLoopResult };

/** Trains as configured (or resumes the run in config.out) and writes the run folder. */
export async function trainMlm(
  config: MlmRunConfig,
  opts: { quiet?: boolean; resume?: boolean; say?: (line: string) => void; resumeHint?: string } = {},
): Promise<MlmRunResult> {
  checkOptions('trainMlm', opts, ['quiet', 'resume', 'say', 'resumeHint']);
  const say = opts.say ?? ((line: string) => console.log(line));
  const command = `train ${config.model}`;
  const t0 = performance.now();
  const out = resolve(config.out);
  mkdirSync(out, { recursive: true });
  if (!existsSync(config.data)) throw new Error(`deepts ${command}: no training text at ${config.data} (set --data or DEEPTS_DATA)`);
  const text = readFileSync(config.data, 'utf8');
  const chars = CharTokenizer.fromCorpus(text);
  const maskId = chars.vocabSize; // one extra id: [MASK]
  const vocabSize = chars.vocabSize + 1;
  const { train, val } = trainValSplit(Int32Array.from(chars.encode(text)), 0.9);
  const gen = new Generator(config.seed);
  const base: BertConfig = {
    vocabSize,
    hiddenSize: config.hidden,
    numHiddenLayers: config.nLayer,
    numAttentionHeads: config.heads,
    intermediateSize: config.intermediate,
    maxPositionEmbeddings: config.blockSize,
    typeVocabSize: 1,
    dropout: config.dropout,
    layerNormEps: 1e-12,
  };
  const model =
    config.model === 'bert'
      ? new BertForMaskedLM(base, { generator: gen })
      : new AlbertForMaskedLM({ ...base, embeddingSize: config.embedding } as AlbertConfig, { generator: gen });
  const decay = model.parameters().filter((p) => p.ndim >= 2),
    noDecay = model.parameters().filter((p) => p.ndim < 2);
  const optimizer = new AdamW(
    [
      { params: decay, weightDecay: config.weightDecay },
      { params: noDecay, weightDecay: 0 },
    ],
    { lr: config.lr, betas: [0.9, 0.999] },
  );
  const batches = new TokenBatcher(train, { batchSize: config.batchSize, blockSize: config.blockSize, generator: gen });
  writeRunConfig(out, command, { ...config, modelConfig: model.config });
  writeFileSync(join(out, 'tokenizer.json'), JSON.stringify({ format: 'deepts-char', version: 1, chars: chars.chars, mask: maskId }) + '\n');
  const name = config.model === 'bert' ? 'BERT' : 'ALBERT';
  say(
    `deepts train ${config.model}: masked-language model on ${config.data.split('/').slice(-2).join('/')}, ${vocabSize} ids (characters + [MASK]), ${train.length.toLocaleString('en-US')} train / ${val.length.toLocaleString('en-US')} val characters`,
  );
  say(
    `model: ${name}, ${config.nLayer} layers${config.model === 'albert' ? ' sharing one parameter set' : ''}, hidden ${config.hidden}, ${config.heads} heads, feed-forward ${config.intermediate}${config.model === 'albert' ? `, embeddings ${config.embedding}` : ''}: ${model.numParameters().toLocaleString('en-US')} parameters`,
  );
  say(
    `training: batch ${config.batchSize} × ${config.blockSize}, ${Math.round(config.maskProb * 100)}% masked, AdamW lr ${config.lr} → ${config.minLr}, ${config.maxIters} iterations; run folder ${config.out}`,
  );

  const estimate = (at: number): { train: number; val: number } => {
    const res = { train: 0, val: 0 };
    noGrad(() => {
      for (const [split, stream] of [
        ['train', train],
        ['val', val],
      ] as const) {
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
    return res;
  };

  let log: { iter: number; trainLoss: number; valLoss: number }[] = [];
  let batchLosses: [number, number][] = [];
  const schedule = (iter: number): number =>
    cosineWithWarmup(iter, { maxLr: config.lr, minLr: config.minLr, warmupIters: Math.min(config.warmupIters, config.maxIters), decayIters: config.maxIters });
  const result = await trainLoop({
    models: { model },
    optimizers: { optimizer },
    lr: schedule,
    maxSteps: config.maxIters,
    data: () => batches.next(),
    loss: ({ batch }) => {
      const { input, labels } = maskTokens(batch.x, { maskId, vocabSize, prob: config.maskProb, generator: gen });
      return model.forward(input, labels).loss!;
    },
    clipGradNorm: 1,
    evalEvery: config.evalInterval,
    evalAtStart: true,
    evaluate: (ctx) => {
      const l = estimate(ctx.step);
      return { trainLoss: l.train, valLoss: l.val };
    },
    checkpoint: join(out, 'checkpoint.safetensors'),
    checkpointEvery: config.evalInterval,
    config,
    kind: command,
    generators: { gen },
    resume: Boolean(opts.resume),
    resumeHint: opts.resumeHint ?? `deepts ${command} --resume ${config.out}`,
    log: join(out, 'log.jsonl'),
    logEvery: opts.quiet ? 0 : config.logInterval,
    say,
    progress: { label: 'iter', units: { name: 'sequences', perStep: config.batchSize } },
    state: {
      save: () => ({ log, batchLosses }),
      load: (s) => ({ log, batchLosses } = s as { log: typeof log; batchLosses: typeof batchLosses }),
    },
    hooks: {
      onStepEnd: (logs, ctx) => {
        batchLosses.push([ctx.step, logs.loss!]);
      },
      onEval: (logs, ctx) => {
        log.push({ iter: ctx.step, trainLoss: logs.trainLoss!, valLoss: logs.valLoss! });
        say(`step ${ctx.step}: train MLM loss ${logs.trainLoss!.toFixed(4)}, val MLM loss ${logs.valLoss!.toFixed(4)}`);
      },
    },
  });
  if (result.interrupted) return { out, metrics: {}, model, loop: result };

  // fill in the blanks on held-out text: every 6th character masked
  const window = Array.from(val.subarray(0, config.blockSize));
  const masked = window.map((id, i) => (i % 6 === 3 ? maskId : id));
  const pred = noGrad(() => {
    model.eval();
    const { logits } = model.forward(new Tensor(Int32Array.from(masked), 'int32', [1, window.length]));
    return Array.from(argmax(logits, -1).toTypedArray());
  });
  const show = (ids: number[]): string =>
    ids
      .map((id) => (id === maskId ? '_' : chars.decode([id])))
      .join('')
      .replace(/\n/g, '⏎');
  const filled = masked.map((id, i) => (id === maskId ? pred[i]! : id));
  const hits = masked.filter((id, i) => id === maskId && pred[i] === window[i]).length,
    holes = masked.filter((id) => id === maskId).length;
  say(`fill-in (every 6th character masked): ${show(masked)}`);
  say(`model's answer:                        ${show(filled)}   (${hits}/${holes} right)`);

  const seconds = (performance.now() - t0) / 1000;
  const last = log[log.length - 1]!;
  const metrics: Record<string, unknown> = {
    model: config.model,
    valLoss: Number(last.valLoss.toFixed(4)),
    trainLoss: Number(last.trainLoss.toFixed(4)),
    initialValLoss: Number(log[0]!.valLoss.toFixed(4)),
    iterations: result.step,
    tokensPerSecond: Math.round((config.batchSize * config.blockSize * batchLosses.length) / result.trainSeconds),
    seconds: Number(seconds.toFixed(1)),
    numParameters: model.numParameters(),
    fillInAccuracy: hits / holes,
    evals: log,
    config,
  };
  writeFileSync(join(out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  writeLossCurve(
    join(out, 'loss.svg'),
    [
      { name: 'train (batch)', points: batchLosses },
      { name: 'train', points: log.map((e) => [e.iter, e.trainLoss] as const) },
      { name: 'val', points: log.map((e) => [e.iter, e.valLoss] as const) },
    ],
    { title: `${name} masked-language model: cross-entropy on masked characters`, xLabel: 'iteration', yLabel: 'MLM loss', logY: true },
  );
  say(
    `done: ${result.step} iterations, val MLM loss ${log[0]!.valLoss.toFixed(4)} → ${last.valLoss.toFixed(4)}, ${metrics.tokensPerSecond} tokens/s, ${seconds.toFixed(0)} s`,
  );
  say(`wrote ${config.out}/{metrics.json, loss.svg, log.jsonl, checkpoint.safetensors, config.json, tokenizer.json}`);
  return { out, metrics, model, loop: result };
}

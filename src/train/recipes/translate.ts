// The translation recipe behind `deepts train translate`, and `translateTexts` behind `deepts
// translate`: a GRU encoder–decoder (no attention, Bahdanau or Luong) learns the Tatoeba zh–en pairs
// in either direction from scratch, through the one training loop (progress with tokens/s and ETA,
// checkpoints, Ctrl-C and --resume). After every epoch: the validation loss, the validation BLEU of
// greedy decoding and a few sample translations; the weights of the epoch with the best validation
// BLEU are kept (model.safetensors), and the test set is translated with beam search at the end.
// BLEU is sacreBLEU's (src/metrics): English references with the 13a tokenizer, lower-cased (the
// model's English vocabulary is lower-case), Chinese with its zh tokenizer; the signature is saved.
import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Tensor } from '../../tensor/tensor.js';
import { Generator, manualSeed } from '../../tensor/generator.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { getBackend } from '../../backend/registry.js';
import { Adam } from '../../optim/index.js';
import { cosineWithWarmup } from '../../optim/cosine-with-warmup.js';
import { loadSafetensors, saveSafetensors } from '../../io/safetensors.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { writeLossCurve } from '../plots/index.js';
import { trainLoop, type TrainLoopResult } from '../loop.js';
import { machineRecord, readRunConfig, writeRunConfig } from '../run-folder.js';
import { loadTranslationPairs, translationVocab, TRANSLATION_DIRECTIONS, type TranslationDirection, type TranslationPair } from '../../data/translation.js';
import { TranslationBatches, type TranslationBatch } from '../../data/translation-batches.js';
import { VocabTokenizer, BOS_ID, UNK_ID, splitTokens } from '../../tokenizers/vocab-tokenizer.js';
import { Seq2Seq, seq2seqLoss, type Seq2SeqAttention } from '../../models/seq2seq.js';
import { TransformerTranslator } from '../../models/transformer-translator.js';
import { beamSearch, greedyDecode, type Seq2SeqHypothesis, type Seq2SeqModel } from '../../generate/seq2seq-decode.js';
import { corpusBleu, type BleuScore } from '../../metrics/bleu.js';
import { corpusChrf, type ChrfScore } from '../../metrics/chrf.js';
import { checkNumber, checkOptions } from '../../util/options.js';

export const TRANSLATE_COMMAND = 'train translate';
export const TRANSLATE_MODELS = ['seq2seq', 'attention', 'luong', 'transformer'] as const;
export type TranslateModelName = (typeof TRANSLATE_MODELS)[number];
export { TRANSLATION_DIRECTIONS };

/** Which attention each model name means: the slide's single context vector, Bahdanau's additive, Luong's general. */
const ATTENTION: Record<Exclude<TranslateModelName, 'transformer'>, Seq2SeqAttention> = { seq2seq: 'none', attention: 'bahdanau', luong: 'luong-general' };
const describeModel = (c: TranslateRunConfig) =>
  c.model === 'transformer' ? 'Transformer encoder-decoder' : `GRU, ${c.encoder ?? encoderDefault(c.model)} encoder, ${ATTENTION[c.model]} attention`;

export type TranslateRunConfig = {
  direction: TranslationDirection;
  /** The folder holding cmn.txt; null: $DEEPTS_DATA/translation/cmn-eng. */
  data: string | null;
  model: TranslateModelName;
  epochs: number;
  batchSize: number;
  /** Adam's peak learning rate, reached after `warmup` steps. */
  lr: number;
  /** After the linear warm-up: 'cosine' to lr / 10 over the rest; 'noam' (the Transformer paper's): lr·√(warmup / step). */
  schedule: 'cosine' | 'noam';
  warmup: number;
  /** GRU models: the embedding size; the Transformer: its width dModel (embeddings and every layer). */
  embedding: number;
  /** GRU models: the decoder's state size (the bidirectional encoder has half of it a direction); the Transformer: its feed-forward width. */
  hidden: number;
  /** Stacked GRU layers, or Transformer layers on each side. */
  layers: number;
  /**
   * GRU models: a 'bidirectional' encoder (annotations [h→; h←], hidden/2 a direction) or a
   * 'unidirectional' one (the slide's encoder: one left-to-right GRU whose last state is c). Default:
   * unidirectional for seq2seq, bidirectional with attention; unused by the Transformer.
   */
  encoder?: 'bidirectional' | 'unidirectional';
  /** Transformer attention heads (GRU models: unused). */
  heads: number;
  dropout: number;
  /** The probability of feeding the gold previous token while training (else the model's own argmax). */
  teacherForcing: number;
  labelSmoothing: number;
  clip: number;
  /** Tokens seen fewer times in the training split are <unk>. */
  minFreq: number;
  /** Tokens kept of a sentence, source and target. */
  maxLength: number;
  /** Beam width of the test translations and of `deepts translate` (1: greedy). */
  beam: number;
  /** α of GNMT's length penalty in beam search. */
  lengthPenalty: number;
  seed: number;
  /** Train on the first N training pairs only (quick runs); null: all of them. */
  limit: number | null;
  out: string;
};

/** Defaults for a model (a run of about 20–30 minutes on 2 cores). */
export function translateDefaults(model: TranslateModelName = 'attention'): Omit<TranslateRunConfig, 'direction' | 'data' | 'model' | 'out' | 'limit'> {
  if (model === 'transformer')
    // the course anchor's 3 layers of 256 (Vaswani's base model at a quarter of the width)
    return {
      ...translateDefaults('attention'),
      epochs: 8,
      lr: 1e-3,
      schedule: 'noam',
      warmup: 800,
      embedding: 256,
      hidden: 1024,
      layers: 3,
      heads: 4,
      dropout: 0.1,
    };
  return {
    epochs: 10,
    batchSize: 64,
    lr: 2e-3,
    schedule: 'cosine',
    warmup: 200,
    embedding: 256,
    hidden: 256,
    layers: 1,
    heads: 4,
    dropout: 0.3,
    teacherForcing: 1,
    labelSmoothing: 0.1,
    clip: 1,
    minFreq: 2,
    maxLength: 60,
    beam: 5,
    lengthPenalty: 0.6,
    seed: 1,
  };
}

/** The source and target languages of a direction. */
function languages(direction: TranslationDirection): { source: 'zh' | 'en'; target: 'zh' | 'en' } {
  return direction === 'zh-en' ? { source: 'zh', target: 'en' } : { source: 'en', target: 'zh' };
}

export type TranslationModel = Seq2Seq | TransformerTranslator;

/** The GRU encoder a model has by default: the baseline's is the slide's one left-to-right GRU, the attention models' bidirectional (as Bahdanau's). */
export function encoderDefault(model: TranslateModelName): 'bidirectional' | 'unidirectional' {
  return model === 'seq2seq' ? 'unidirectional' : 'bidirectional';
}

/** The model a run config describes, for vocabularies of these sizes. */
export function translationModel(c: TranslateRunConfig, srcVocabSize: number, tgtVocabSize: number, generator: Generator): TranslationModel {
  if (c.model === 'transformer')
    return new TransformerTranslator(
      {
        srcVocabSize,
        tgtVocabSize,
        dModel: c.embedding,
        nhead: c.heads,
        numEncoderLayers: c.layers,
        numDecoderLayers: c.layers,
        dimFeedforward: c.hidden,
        dropout: c.dropout,
        maxLength: c.maxLength + 2, // + <bos> and the decoded <eos>
      },
      { generator },
    );
  return new Seq2Seq(
    {
      srcVocabSize,
      tgtVocabSize,
      embeddingDim: c.embedding,
      hiddenSize: c.hidden,
      numLayers: c.layers,
      dropout: c.dropout,
      attention: ATTENTION[c.model],
      bidirectional: (c.encoder ?? encoderDefault(c.model)) === 'bidirectional',
    },
    { generator },
  );
}

/** sacreBLEU for the target language: English 13a lower-cased (the vocabulary is lower-case), Chinese zh. */
export function translationBleu(hypotheses: readonly string[], references: readonly string[], target: 'zh' | 'en'): BleuScore {
  return corpusBleu([...hypotheses], [[...references]], target === 'en' ? { tokenize: '13a', lowercase: true } : { tokenize: 'zh' });
}

/** chrF2 for the target language, lower-cased for English as the BLEU. */
export function translationChrf(hypotheses: readonly string[], references: readonly string[], target: 'zh' | 'en'): ChrfScore {
  return corpusChrf([...hypotheses], [[...references]], { lowercase: target === 'en' });
}

export type Translation = {
  source: string;
  translation: string;
  /** The source tokens the model saw (after the vocabulary: unknown ones are <unk>) and the output tokens. */
  sourceTokens: string[];
  targetTokens: string[];
  /** targetTokens.length rows over sourceTokens (null for the model without attention). */
  attention: number[][] | null;
  /** Source tokens that are not in the vocabulary (read as <unk>). */
  unknown: string[];
  /** The source was longer than the model's maxLength and was cut. */
  truncated: boolean;
  logProb: number;
};

/** Translates `texts` with a trained model, batched (by length) and in order. */
export function translateWith(
  model: TranslationModel,
  vocabs: { source: VocabTokenizer; target: VocabTokenizer },
  texts: readonly string[],
  opts: { beam: number; lengthPenalty: number; maxLength: number; batchSize?: number },
): Translation[] {
  checkOptions('translateWith', opts, ['beam', 'lengthPenalty', 'maxLength', 'batchSize']);
  const encoded = texts.map((t) => {
    const ids = vocabs.source.encode(t);
    const kept = ids.length ? ids.slice(0, opts.maxLength) : [UNK_ID];
    return { ids: kept, truncated: ids.length > opts.maxLength };
  });
  const order = texts.map((_, i) => i).sort((a, b) => encoded[a]!.ids.length - encoded[b]!.ids.length);
  const out = new Array<Translation>(texts.length);
  const batchSize = opts.batchSize ?? 64;
  const wasTraining = model.training;
  model.eval();
  try {
    for (let s = 0; s < order.length; s += batchSize) {
      const rows = order.slice(s, s + batchSize);
      const S = Math.max(...rows.map((i) => encoded[i]!.ids.length));
      const ids = new Int32Array(rows.length * S);
      rows.forEach((i, r) => ids.set(encoded[i]!.ids, r * S));
      const src = new Tensor(ids, 'int32', [rows.length, S]);
      const srcLengths = rows.map((i) => encoded[i]!.ids.length);
      const m = model as Seq2SeqModel<unknown>;
      const hyps: Seq2SeqHypothesis[] =
        opts.beam > 1 ? beamSearch(m, src, { srcLengths, beamWidth: opts.beam, lengthPenalty: opts.lengthPenalty }) : greedyDecode(m, src, { srcLengths });
      rows.forEach((i, r) => {
        const h = hyps[r]!;
        const token = (v: VocabTokenizer, id: number) => v.idToToken(id) ?? '<unk>';
        const pieces = splitTokens(texts[i]!, vocabs.source.level);
        const sourceTokens = encoded[i]!.ids.map((id) => token(vocabs.source, id));
        out[i] = {
          source: texts[i]!,
          translation: vocabs.target.decode(h.tokens),
          sourceTokens: sourceTokens.map((t, k) => (t === '<unk>' ? `${pieces[k] ?? t}?` : t)),
          targetTokens: h.tokens.map((id) => token(vocabs.target, id)),
          attention: h.attention,
          unknown: pieces.filter((p) => vocabs.source.tokenToId(p) === undefined),
          truncated: encoded[i]!.truncated,
          logProb: h.logProb,
        };
      });
    }
  } finally {
    model.train(wasTraining);
  }
  return out;
}

/** Mean teacher-forced loss (per target token, label smoothing included) of the batches. */
function meanLoss(model: TranslationModel, batches: TranslationBatches, labelSmoothing: number): number {
  let sum = 0,
    tokens = 0;
  const wasTraining = model.training;
  model.eval();
  noGrad(() => {
    for (const [src, decIn, labels] of batches) {
      let n = 0;
      for (const v of labels.toTypedArray()) if (v !== 0) n++;
      sum += seq2seqLoss(model.forward(src, null, decIn).logits, labels, { labelSmoothing }).item() * n;
      tokens += n;
    }
  });
  model.train(wasTraining);
  return sum / tokens;
}

export type TranslateRunResult = { out: string; metrics: Record<string, unknown>; loop: TrainLoopResult };

type EvalEntry = { step: number; epoch: number; trainLoss: number; valLoss: number; valBleu: number; seconds: number };

/** Trains as configured and writes the run folder. `say` receives the human-readable lines. */
export async function trainTranslate(
  config: TranslateRunConfig,
  opts: { quiet?: boolean; resume?: boolean; say?: (line: string) => void; resumeHint?: string } = {},
): Promise<TranslateRunResult> {
  checkOptions('trainTranslate', opts, ['quiet', 'resume', 'say', 'resumeHint']);
  checkNumber('trainTranslate', 'teacherForcing', config.teacherForcing, { min: 0, max: 1 });
  if (config.model === 'transformer' && config.teacherForcing !== 1)
    throw new RangeError(
      `trainTranslate: the Transformer trains on every target position at once (teacher forcing 1), got teacherForcing ${config.teacherForcing}`,
    );
  const say = opts.say ?? ((line: string) => console.log(line));
  const t0 = performance.now();
  const loadBefore = loadavg();
  const lang = languages(config.direction);
  const data = loadTranslationPairs({ direction: config.direction, dir: config.data ?? undefined }); // the split is the data set's, not the run's
  const train = config.limit !== null ? data.train.slice(0, config.limit) : data.train;
  const vocabs = {
    source: translationVocab(
      train.map((p) => p.source),
      lang.source,
      { minFreq: config.minFreq },
    ),
    target: translationVocab(
      train.map((p) => p.target),
      lang.target,
      { minFreq: config.minFreq },
    ),
  };

  manualSeed(config.seed);
  const weightsGen = new Generator(config.seed);
  const shuffleGen = new Generator(Math.imul(config.seed ^ 0x5bd1e995, 0x9e3779b1) >>> 0);
  const forcingGen = new Generator((config.seed + 0x2545f491) >>> 0);
  const model = translationModel(config, vocabs.source.vocabSize, vocabs.target.vocabSize, weightsGen);
  const optimizer = new Adam(model.parameters(), { lr: config.lr });
  const batches = (pairs: readonly TranslationPair[], shuffle: boolean) =>
    TranslationBatches.fromPairs(pairs, vocabs, {
      batchSize: shuffle ? config.batchSize : 256,
      shuffle,
      maxLength: config.maxLength,
      ...(shuffle ? { generator: shuffleGen } : {}),
    });
  const trainBatches = batches(train, true),
    validation = batches(data.validation, false);
  const steps = config.epochs * trainBatches.length;
  const targetTokens = trainBatches.targets.reduce((a, t) => a + t.length + 1, 0);

  const out = resolve(config.out);
  mkdirSync(out, { recursive: true });
  writeRunConfig(out, TRANSLATE_COMMAND, config);
  writeFileAtomic(join(out, 'source-vocab.json'), vocabs.source.toJson() + '\n');
  writeFileAtomic(join(out, 'target-vocab.json'), vocabs.target.toJson() + '\n');
  const backend = getBackend().name;
  if (!opts.quiet) {
    say(
      `deepts train translate: ${config.direction}, ${train.length} train / ${data.validation.length} validation / ${data.test.length} test pairs, backend ${backend}, seed ${config.seed}`,
    );
    say(`split: ${data.split}`);
    say(
      `vocabularies (seen ≥ ${config.minFreq}× in train, + 4 specials): source ${vocabs.source.vocabSize.toLocaleString('en-US')} ${lang.source === 'zh' ? 'characters' : 'words'}, target ${vocabs.target.vocabSize.toLocaleString('en-US')} ${lang.target === 'zh' ? 'characters' : 'words'}; batches ${(100 * trainBatches.fill()).toFixed(1)} % real tokens`,
    );
    say(
      `model: ${config.model} (${describeModel(config)}), ${model.numParameters().toLocaleString('en-US')} parameters; Adam lr ${config.lr} (warm-up ${config.warmup}, ${config.schedule}), batch ${config.batchSize}, ${config.epochs} epochs (${steps} steps)`,
    );
  }
  const valRefs = data.validation.map((p) => p.target);
  const samples = data.validation.slice(0, 3);
  let evals: EvalEntry[] = [];
  let lossSum = 0,
    lossCount = 0;
  let bestBleu = -1;

  const loop = await trainLoop<TranslationBatch>({
    models: { model },
    optimizers: { optimizer },
    lr: (step) =>
      config.schedule === 'noam'
        ? config.lr * Math.min((step + 1) / Math.max(config.warmup, 1), Math.sqrt(Math.max(config.warmup, 1) / (step + 1)))
        : cosineWithWarmup(step, { maxLr: config.lr, minLr: config.lr / 10, warmupIters: Math.min(config.warmup, steps), decayIters: steps }),
    data: trainBatches,
    epochs: config.epochs,
    maxSteps: steps,
    loss: ({ batch: [src, decIn, labels] }) =>
      seq2seqLoss(
        (model instanceof Seq2Seq
          ? model.forward(src, null, decIn, { teacherForcingRatio: config.teacherForcing, generator: forcingGen })
          : model.forward(src, null, decIn)
        ).logits,
        labels,
        {
          labelSmoothing: config.labelSmoothing,
        },
      ),
    clipGradNorm: config.clip,
    evalEvery: trainBatches.length,
    evaluate: (ctx) => {
      const e0 = performance.now();
      const valLoss = meanLoss(model, validation, config.labelSmoothing);
      const hyps = translateWith(
        model,
        vocabs,
        data.validation.map((p) => p.source),
        { beam: 1, lengthPenalty: 0, maxLength: config.maxLength, batchSize: 256 },
      );
      const bleu = translationBleu(
        hyps.map((h) => h.translation),
        valRefs,
        lang.target,
      );
      const entry: EvalEntry = {
        step: ctx.step,
        epoch: Math.ceil(ctx.step / trainBatches.length),
        trainLoss: lossCount ? lossSum / lossCount : NaN,
        valLoss,
        valBleu: bleu.score,
        seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
      };
      evals.push(entry);
      lossSum = 0;
      lossCount = 0;
      if (bleu.score > bestBleu) {
        bestBleu = bleu.score;
        saveSafetensors(join(out, 'model.safetensors'), model.stateDict()); // the best epoch's weights
      }
      if (!opts.quiet) {
        say(`validation: loss ${valLoss.toFixed(4)}, greedy BLEU ${bleu.score.toFixed(2)} (${((performance.now() - e0) / 1000).toFixed(1)} s)`);
        for (const [i, p] of samples.entries()) say(`  ${p.source}  →  ${hyps[i]!.translation}   (reference: ${p.target})`);
      }
      return { valLoss, valBleu: bleu.score };
    },
    checkpoint: join(out, 'checkpoint.safetensors'),
    checkpointEvery: 'epoch',
    config,
    kind: TRANSLATE_COMMAND,
    generators: { weights: weightsGen, shuffle: shuffleGen, forcing: forcingGen },
    resume: Boolean(opts.resume),
    resumeHint: opts.resumeHint ?? `deepts ${TRANSLATE_COMMAND} --resume ${config.out}`,
    log: join(out, 'history.jsonl'),
    logEvery: opts.quiet ? 0 : 50,
    say: opts.quiet ? null : say,
    progress: { label: 'step', units: { name: 'target tokens', perStep: targetTokens / trainBatches.length } },
    state: {
      save: () => ({ evals, lossSum, lossCount, bestBleu }),
      load: (s) => {
        ({ evals, lossSum, lossCount, bestBleu } = s as { evals: EvalEntry[]; lossSum: number; lossCount: number; bestBleu: number });
      },
    },
    hooks: {
      onStepEnd: (logs) => {
        lossSum += logs.loss ?? 0;
        lossCount++;
      },
    },
  });
  if (loop.interrupted) return { out, metrics: {}, loop };

  // the best epoch's weights: the test set with beam search (and greedy, for comparison)
  model.loadStateDict(loadSafetensors(join(out, 'model.safetensors')).tensors);
  const e0 = performance.now();
  const testSources = data.test.map((p) => p.source),
    testRefs = data.test.map((p) => p.target);
  const beam = translateWith(model, vocabs, testSources, { beam: config.beam, lengthPenalty: config.lengthPenalty, maxLength: config.maxLength });
  const greedy = translateWith(model, vocabs, testSources, { beam: 1, lengthPenalty: 0, maxLength: config.maxLength, batchSize: 256 });
  const testBleu = translationBleu(
    beam.map((h) => h.translation),
    testRefs,
    lang.target,
  );
  const greedyBleu = translationBleu(
    greedy.map((h) => h.translation),
    testRefs,
    lang.target,
  );
  const chrf = translationChrf(
    beam.map((h) => h.translation),
    testRefs,
    lang.target,
  );
  const validationBleu = Math.max(...evals.map((e) => e.valBleu));
  const bestEval = evals.find((e) => e.valBleu === validationBleu)!;
  const metrics: Record<string, unknown> = {
    direction: config.direction,
    model: config.model,
    testBleu: testBleu.score,
    testBleuGreedy: greedyBleu.score,
    validationBleu,
    chrF: chrf.score,
    bleuSignature: testBleu.signature,
    bleu: testBleu.format(),
    chrfSignature: chrf.signature,
    bestEpoch: bestEval.epoch,
    seconds: Number(loop.trainSeconds.toFixed(1)), // steps only; evaluations not counted
    testSeconds: Number(((performance.now() - e0) / 1000).toFixed(1)),
    totalSeconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    backend,
    numParameters: model.numParameters(),
    vocabularySizes: { source: vocabs.source.vocabSize, target: vocabs.target.vocabSize },
    pairs: { train: train.length, validation: data.validation.length, test: data.test.length },
    split: data.split,
    machine: machineRecord(loadBefore),
    config,
  };
  writeFileAtomic(join(out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  writeFileAtomic(join(out, 'test-translations.tsv'), data.test.map((p, i) => `${p.source}\t${beam[i]!.translation}\t${p.target}`).join('\n') + '\n');
  const curve = (key: 'trainLoss' | 'valLoss' | 'valBleu') => evals.filter((e) => Number.isFinite(e[key])).map((e) => [e.epoch, e[key]] as const);
  writeLossCurve(
    join(out, 'loss.svg'),
    [
      { name: 'train', points: curve('trainLoss') },
      { name: 'validation', points: curve('valLoss') },
    ],
    { title: `${config.model} ${config.direction}: cross-entropy per token`, xLabel: 'epoch' },
  );
  writeLossCurve(join(out, 'bleu.svg'), [{ name: 'validation (greedy)', points: curve('valBleu') }], {
    title: `${config.model} ${config.direction}: validation BLEU`,
    xLabel: 'epoch',
    yLabel: 'BLEU',
  });
  if (!opts.quiet) {
    say(`test: ${testBleu.format()}  (greedy ${greedyBleu.score.toFixed(2)}; chrF2 ${chrf.score.toFixed(2)})`);
    say(`      ${testBleu.signature}`);
    say(`validation BLEU ${validationBleu.toFixed(2)} (best epoch ${bestEval.epoch}), ${metrics.seconds} s training`);
    say(
      `wrote ${out}/{metrics.json, test-translations.tsv, loss.svg, bleu.svg, source-vocab.json, target-vocab.json, model.safetensors, checkpoint.safetensors, config.json, history.jsonl}`,
    );
  }
  return { out, metrics, loop };
}

export type TranslationRun = { config: TranslateRunConfig; vocabs: { source: VocabTokenizer; target: VocabTokenizer }; model: TranslationModel };

/** Loads a `train translate` run folder: its config, vocabularies and best weights. */
export function loadTranslationRun(dir: string): TranslationRun {
  const config = readRunConfig<TranslateRunConfig>(dir, TRANSLATE_COMMAND);
  const vocab = (name: string) => {
    const file = join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new Error(`translate: ${dir} has no ${name}; is it a 'deepts train translate' run?`);
    }
    return VocabTokenizer.fromJson(text, file);
  };
  const vocabs = { source: vocab('source-vocab.json'), target: vocab('target-vocab.json') };
  const model = translationModel(config, vocabs.source.vocabSize, vocabs.target.vocabSize, new Generator(0));
  const weights = join(dir, 'model.safetensors');
  let tensors: Record<string, Tensor>;
  try {
    tensors = loadSafetensors(weights).tensors;
  } catch (e) {
    throw new Error(`translate: cannot read ${weights} (${(e as Error).message}); has the run finished an epoch?`);
  }
  model.loadStateDict(tensors);
  model.eval();
  return { config, vocabs, model };
}

export type TranslateOptions = { beam?: number; lengthPenalty?: number };

/** Translations of `texts` by a run folder's model (beam width and length penalty default to the run's). */
export function translateTexts(run: string | TranslationRun, texts: readonly string[], opts: TranslateOptions = {}): Translation[] {
  checkOptions('translateTexts', opts, ['beam', 'lengthPenalty']);
  if (!Array.isArray(texts) || texts.length === 0) throw new TypeError('translateTexts: expected a non-empty list of sentences');
  texts.forEach((t, i) => {
    if (typeof t !== 'string' || t.trim() === '') throw new RangeError(`translateTexts: sentence ${i + 1} is empty; give each one some words`);
  });
  const r = typeof run === 'string' ? loadTranslationRun(resolve(run)) : run;
  const beam = opts.beam ?? r.config.beam;
  checkNumber('translateTexts', 'beam', beam, { integer: true, min: 1, max: 100 });
  const lengthPenalty = opts.lengthPenalty ?? r.config.lengthPenalty;
  checkNumber('translateTexts', 'lengthPenalty', lengthPenalty, { min: 0, max: 10 });
  return noGrad(() => translateWith(r.model, r.vocabs, texts, { beam, lengthPenalty, maxLength: r.config.maxLength }));
}

/**
 * The Transformer's cross-attention behind a translation, per decoder layer and head:
 * weights[layer][head] has a row per output token and the <eos> where decoding reached it (the rows
 * of `translation.attention`) over the source tokens. null for the GRU models (their one map is `translation.attention`).
 */
export function translationHeadAttention(run: string | TranslationRun, translation: Translation): number[][][][] | null {
  const r = typeof run === 'string' ? loadTranslationRun(resolve(run)) : run;
  if (!(r.model instanceof TransformerTranslator)) return null;
  const source = r.vocabs.source.encode(translation.source).slice(0, r.config.maxLength);
  const target = translation.targetTokens.map((t) => r.vocabs.target.tokenToId(t) ?? UNK_ID);
  const src = new Tensor(Int32Array.from(source.length ? source : [UNK_ID]), 'int32', [1, Math.max(source.length, 1)]);
  const tgtIn = new Tensor(Int32Array.from([BOS_ID, ...target]), 'int32', [1, target.length + 1]);
  const rows = translation.attention?.length ?? target.length + 1; // the <eos> row only where decoding reached it
  const weights = (r.model.crossAttention(src, tgtIn).toArray() as number[][][][][])[0]!; // (L, H, T, S)
  return weights.map((layer) => layer.map((head) => head.slice(0, rows)));
}

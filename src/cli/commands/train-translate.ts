// `deepts train translate`: flags (checked strictly) become a TranslateRunConfig for the recipe in
// src/train/recipes/translate.ts; --resume DIR continues a run (also one stopped with Ctrl-C) bit-for-bit.
import { CliError, choiceFlag, helpText, numberFlag, parseFlags, type FlagSpec, type Parsed } from '../args.js';
import {
  TRANSLATE_COMMAND,
  TRANSLATE_MODELS,
  TRANSLATION_DIRECTIONS,
  translateDefaults,
  encoderDefault,
  trainTranslate,
  type TranslateRunConfig,
} from '../../train/recipes/translate.js';
import { defaultRunFolder } from '../../train/run-folder.js';
import { resumedEpochConfig } from '../resume.js';
import { signalExitCode } from '../../train/interrupt.js';

const COMMAND = TRANSLATE_COMMAND;
const d = translateDefaults('attention'),
  tf = translateDefaults('transformer');
const both = (k: keyof typeof d) => (d[k] === tf[k] ? String(d[k]) : `${d[k]}; transformer: ${tf[k]}`);

const spec: Record<string, FlagSpec> = {
  direction: { type: 'string', default: 'zh-en', help: TRANSLATION_DIRECTIONS.join('|') },
  model: { type: 'string', default: 'attention', help: `${TRANSLATE_MODELS.join('|')} (seq2seq: no attention; attention: Bahdanau; luong: Luong general)` },
  data: { type: 'string', help: 'folder holding cmn.txt (default: $DEEPTS_DATA/translation/cmn-eng)' },
  epochs: { type: 'string', help: `passes over the training pairs (default ${both('epochs')})` },
  'batch-size': { type: 'string', help: `sentence pairs per step (default ${both('batchSize')})` },
  lr: { type: 'string', help: `Adam's peak learning rate, warm-up then cosine to lr/10 (default ${both('lr')})` },
  warmup: { type: 'string', help: `linear warm-up steps (default ${both('warmup')})` },
  schedule: { type: 'string', help: `after the warm-up: cosine (to lr/10) | noam (lr·√(warmup/step)) (default ${both('schedule')})` },
  embedding: { type: 'string', help: `GRU: embedding size; transformer: its width dModel (default ${both('embedding')})` },
  hidden: {
    type: 'string',
    help: `GRU: decoder state size, the bidirectional encoder half a direction; transformer: feed-forward width (default ${both('hidden')})`,
  },
  layers: { type: 'string', help: `stacked GRU layers, or Transformer layers a side (default ${both('layers')})` },
  encoder: {
    type: 'string',
    help: 'GRU models: bidirectional (hidden/2 a direction) | unidirectional (default: unidirectional for seq2seq, bidirectional with attention)',
  },
  heads: { type: 'string', help: `transformer: attention heads (default ${both('heads')})` },
  dropout: { type: 'string', help: `dropout on embeddings, between layers and before the output (default ${both('dropout')})` },
  'teacher-forcing': { type: 'string', help: `probability of feeding the gold previous token in training (default ${both('teacherForcing')})` },
  'label-smoothing': { type: 'string', help: `label smoothing of the loss (default ${both('labelSmoothing')})` },
  clip: { type: 'string', help: `gradient-norm clipping (default ${both('clip')})` },
  'min-freq': { type: 'string', help: `tokens seen fewer times in train are <unk> (default ${both('minFreq')})` },
  'max-length': { type: 'string', help: `tokens kept of a sentence (default ${both('maxLength')})` },
  beam: { type: 'string', help: `beam width of the test translations; 1: greedy (default ${both('beam')})` },
  'length-penalty': { type: 'string', help: `alpha of GNMT's length penalty in beam search (default ${both('lengthPenalty')})` },
  limit: { type: 'string', help: 'train on the first N training pairs only (quick runs)' },
  seed: { type: 'string', help: `seed for the weights, the batch order and teacher forcing (default ${both('seed')})` },
  out: { type: 'string', help: 'run folder (default runs/translate-<direction>-<model>-<timestamp>)' },
  resume: { type: 'string', help: 'continue the run in this folder from its checkpoint (--epochs may change)' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress, only the final numbers' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** Parses and checks the flags; every bad value is a CliError naming its flag. */
export function parseTranslateConfig(
  argv: string[],
  warn: (line: string) => void = (l) => console.error(l),
): { config: TranslateRunConfig; quiet: boolean; resume: boolean } | 'help' {
  const parsed = parseFlags(COMMAND, argv, spec);
  const f: Parsed['flags'] = parsed.flags;
  if (f.help) return 'help';
  if (parsed.positionals.length) throw new CliError(`deepts ${COMMAND}: unexpected argument '${parsed.positionals[0]}' (flags start with --; see --help)`);
  if (typeof f.resume === 'string' && f.resume !== '')
    return { config: resumedEpochConfig<TranslateRunConfig>(COMMAND, parsed, f.resume, 1000, warn), quiet: f.quiet === true, resume: true };
  const direction = choiceFlag(COMMAND, f, 'direction', TRANSLATION_DIRECTIONS)!;
  const model = choiceFlag(COMMAND, f, 'model', TRANSLATE_MODELS)!;
  const d = translateDefaults(model);
  const num = (name: string, dflt: number, opts: { integer?: boolean; min?: number; max?: number }): number => numberFlag(COMMAND, f, name, opts) ?? dflt;
  const lr = num('lr', d.lr, { min: 0, max: 10 });
  if (lr === 0) throw new CliError(`deepts ${COMMAND}: --lr expects a number in (0, 10], got '0'`);
  const config: TranslateRunConfig = {
    direction,
    data: typeof f.data === 'string' && f.data !== '' ? f.data : null,
    model,
    epochs: num('epochs', d.epochs, { integer: true, min: 1, max: 1000 }),
    batchSize: num('batch-size', d.batchSize, { integer: true, min: 1, max: 100000 }),
    lr,
    schedule: choiceFlag(COMMAND, f, 'schedule', ['cosine', 'noam'] as const) ?? d.schedule,
    warmup: num('warmup', d.warmup, { integer: true, min: 0, max: 1e7 }),
    embedding: num('embedding', d.embedding, { integer: true, min: 1, max: 4096 }),
    hidden: num('hidden', d.hidden, { integer: true, min: 2, max: 8192 }),
    layers: num('layers', d.layers, { integer: true, min: 1, max: 16 }),
    encoder: choiceFlag(COMMAND, f, 'encoder', ['bidirectional', 'unidirectional'] as const) ?? encoderDefault(model),
    heads: num('heads', d.heads, { integer: true, min: 1, max: 64 }),
    dropout: num('dropout', d.dropout, { min: 0, max: 0.9 }),
    teacherForcing: num('teacher-forcing', d.teacherForcing, { min: 0, max: 1 }),
    labelSmoothing: num('label-smoothing', d.labelSmoothing, { min: 0, max: 0.9 }),
    clip: num('clip', d.clip, { min: 0, max: 1e6 }),
    minFreq: num('min-freq', d.minFreq, { integer: true, min: 1, max: 1e6 }),
    maxLength: num('max-length', d.maxLength, { integer: true, min: 1, max: 10000 }),
    beam: num('beam', d.beam, { integer: true, min: 1, max: 100 }),
    lengthPenalty: num('length-penalty', d.lengthPenalty, { min: 0, max: 10 }),
    seed: num('seed', d.seed, { integer: true, min: 0, max: 4294967295 }),
    limit: numberFlag(COMMAND, f, 'limit', { integer: true, min: 1, max: 1e9 }) ?? null,
    out: typeof f.out === 'string' && f.out !== '' ? f.out : defaultRunFolder(`translate-${direction}-${model}`),
  };
  if (model === 'transformer') {
    if (config.embedding % config.heads !== 0)
      throw new CliError(`deepts ${COMMAND}: --embedding (${config.embedding}) must be a multiple of --heads (${config.heads})`);
    if (config.teacherForcing !== 1)
      throw new CliError(`deepts ${COMMAND}: --teacher-forcing is for the GRU models; the Transformer trains on every position at once`);
    if (typeof f.encoder === 'string') throw new CliError(`deepts ${COMMAND}: --encoder is for the GRU models; the Transformer's encoder attends both ways`);
    delete config.encoder;
  } else if (config.encoder === 'bidirectional' && config.hidden % 2 !== 0)
    throw new CliError(`deepts ${COMMAND}: --hidden must be even (the bidirectional encoder has half of it a direction), got ${config.hidden}`);
  return { config, quiet: f.quiet === true, resume: false };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseTranslateConfig(argv);
  if (parsed === 'help') {
    console.log(helpText(COMMAND, '[flags]', spec));
    return 0;
  }
  const result = await trainTranslate(parsed.config, { quiet: parsed.quiet, resume: parsed.resume });
  return result.loop.interrupted ? signalExitCode(result.loop.interrupted.signal) : 0;
}

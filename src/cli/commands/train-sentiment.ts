// `deepts train sentiment`: flags (checked strictly) become a SentimentRunConfig for the recipe in
// src/train/recipes/sentiment.ts; --resume DIR continues a run (also one stopped with Ctrl-C) bit-for-bit.
import { CliError, choiceFlag, helpText, numberFlag, parseFlags, type FlagSpec, type Parsed } from '../args.js';
import {
  SENTIMENT_COMMAND,
  SENTIMENT_DATASETS,
  SENTIMENT_MODELS,
  sentimentDefaults,
  trainSentiment,
  type SentimentRunConfig,
} from '../../train/recipes/sentiment.js';
import { defaultRunFolder } from '../../train/run-folder.js';
import { TEXT_RNN_POOLING } from '../../models/text-classifiers.js';
import { resumedEpochConfig } from '../resume.js';
import { signalExitCode } from '../../train/interrupt.js';

const COMMAND = SENTIMENT_COMMAND;
const rnn = sentimentDefaults('bilstm'),
  cnn = sentimentDefaults('textcnn');
const sst = sentimentDefaults('bilstm', 'sst2');
const both = (k: keyof typeof rnn) =>
  (rnn[k] === cnn[k] ? String(rnn[k]) : `${rnn[k]} (textcnn: ${cnn[k]})`) + (sst[k] === rnn[k] ? '' : `; RNNs on sst2: ${sst[k]}`);

const spec: Record<string, FlagSpec> = {
  dataset: { type: 'string', default: 'chnsenticorp', help: SENTIMENT_DATASETS.join('|') },
  data: { type: 'string', help: 'folder holding chnsenticorp/, waimai_10k/ and sst2/ (default: $DEEPTS_DATA/sentiment)' },
  model: { type: 'string', default: 'bilstm', help: SENTIMENT_MODELS.join('|') },
  epochs: { type: 'string', help: `passes over the training split (default ${both('epochs')})` },
  'batch-size': { type: 'string', help: `texts per step (default ${both('batchSize')})` },
  lr: { type: 'string', help: `Adam's learning rate, annealed to 0 on a cosine (default ${both('lr')})` },
  embedding: { type: 'string', help: `embedding size (default ${both('embedding')})` },
  hidden: { type: 'string', help: `RNN: hidden size per direction; textcnn: filters per width (default ${both('hidden')})` },
  layers: { type: 'string', help: `stacked RNN layers (default ${both('layers')})` },
  pooling: { type: 'string', help: `RNN models: ${TEXT_RNN_POOLING.join('|')} over the real steps (last: the final states; default ${both('pooling')})` },
  dropout: { type: 'string', help: `dropout on the embeddings and the pooled features (default ${both('dropout')})` },
  'max-length': { type: 'string', help: `tokens kept per text: a longer one keeps its first and last halves (default ${both('maxLength')})` },
  'min-freq': { type: 'string', help: `tokens seen fewer times in train are <unk> (default ${both('minFreq')})` },
  'token-dropout': { type: 'string', help: `while training, each token becomes <unk> with this probability (default ${both('tokenDropout')})` },
  bigrams: { type: 'string', help: `hashed character-bigram embeddings with N buckets, added to the token embeddings; 0: none (default ${both('bigrams')})` },
  limit: { type: 'string', help: 'train on the first N training texts only (quick runs)' },
  seed: { type: 'string', help: `seed for the weights and the batch order (default ${both('seed')})` },
  out: { type: 'string', help: 'run folder (default runs/sentiment-<dataset>-<model>-<timestamp>)' },
  resume: { type: 'string', help: 'continue the run in this folder from its checkpoint (--epochs may raise the count)' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress, only the final numbers' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** Parses and checks the flags; every bad value is a CliError naming its flag. */
export function parseSentimentConfig(
  argv: string[],
  warn: (line: string) => void = (l) => console.error(l),
): { config: SentimentRunConfig; quiet: boolean; resume: boolean } | 'help' {
  const parsed = parseFlags(COMMAND, argv, spec);
  const f: Parsed['flags'] = parsed.flags;
  if (f.help) return 'help';
  if (parsed.positionals.length) throw new CliError(`deepts ${COMMAND}: unexpected argument '${parsed.positionals[0]}' (flags start with --; see --help)`);
  if (typeof f.resume === 'string' && f.resume !== '')
    return { config: resumedEpochConfig<SentimentRunConfig>(COMMAND, parsed, f.resume, 1000, warn), quiet: f.quiet === true, resume: true };
  const dataset = choiceFlag(COMMAND, f, 'dataset', SENTIMENT_DATASETS)!;
  const model = choiceFlag(COMMAND, f, 'model', SENTIMENT_MODELS)!;
  const d = sentimentDefaults(model, dataset);
  const num = (name: string, dflt: number, opts: { integer?: boolean; min?: number; max?: number }): number => numberFlag(COMMAND, f, name, opts) ?? dflt;
  const lr = num('lr', d.lr, { min: 0, max: 10 });
  if (lr === 0) throw new CliError(`deepts ${COMMAND}: --lr expects a number in (0, 10], got '0'`);
  const config: SentimentRunConfig = {
    dataset,
    data: typeof f.data === 'string' && f.data !== '' ? f.data : null,
    model,
    epochs: num('epochs', d.epochs, { integer: true, min: 1, max: 1000 }),
    batchSize: num('batch-size', d.batchSize, { integer: true, min: 1, max: 100000 }),
    lr,
    schedule: 'cosine',
    embedding: num('embedding', d.embedding, { integer: true, min: 1, max: 4096 }),
    hidden: num('hidden', d.hidden, { integer: true, min: 1, max: 4096 }),
    layers: num('layers', d.layers, { integer: true, min: 1, max: 16 }),
    pooling: choiceFlag(COMMAND, f, 'pooling', TEXT_RNN_POOLING) ?? d.pooling,
    dropout: num('dropout', d.dropout, { min: 0, max: 0.9 }),
    maxLength: num('max-length', d.maxLength, { integer: true, min: 1, max: 100000 }),
    minFreq: num('min-freq', d.minFreq, { integer: true, min: 1, max: 1e6 }),
    bigrams: num('bigrams', d.bigrams, { integer: true, min: 0, max: 1e7 }),
    tokenDropout: num('token-dropout', d.tokenDropout, { min: 0, max: 0.9 }),
    seed: num('seed', d.seed, { integer: true, min: 0, max: 4294967295 }),
    limit: numberFlag(COMMAND, f, 'limit', { integer: true, min: 1, max: 1e9 }) ?? null,
    out: typeof f.out === 'string' && f.out !== '' ? f.out : defaultRunFolder(`sentiment-${dataset}-${model}`),
  };
  if (model === 'textcnn' && config.layers !== 1) throw new CliError(`deepts ${COMMAND}: --layers is for the RNN models; textcnn has one convolution layer`);
  return { config, quiet: f.quiet === true, resume: false };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseSentimentConfig(argv);
  if (parsed === 'help') {
    console.log(helpText(COMMAND, '[flags]', spec));
    return 0;
  }
  const result = await trainSentiment(parsed.config, { quiet: parsed.quiet, resume: parsed.resume });
  return result.loop.interrupted ? signalExitCode(result.loop.interrupted.signal) : 0;
}

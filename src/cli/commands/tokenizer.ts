// `deepts tokenizer train`: train a byte-level BPE tokenizer on a text file and write it as
// deepts-bpe.json and a Hugging Face tokenizer.json. `deepts tokenizer merge-sp`: merge two
// SentencePiece models the way Chinese-LLaMA was built (e.g. LLaMA + chinese_sp -> 49953 pieces).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, helpText, numberFlag, parseFlags, type FlagSpec } from '../args.js';
import { trainByteLevelBpe } from '../../tokenizers/bpe-trainer.js';
import { saveHuggingFaceTokenizer } from '../../tokenizers/huggingface-json.js';
import { mergeSentencePieceModels } from '../../tokenizers/sentencepiece-merge.js';
import { loadSentencePieceModel, saveSentencePieceModel } from '../../tokenizers/sentencepiece-model.js';
import { saveTrainedBpe } from '../../tokenizers/trained-bpe-file.js';

const trainSpec: Record<string, FlagSpec> = {
  'vocab-size': { type: 'string', help: 'final vocabulary size (256 bytes + merges + special tokens)' },
  input: { type: 'string', help: 'training text file (UTF-8)' },
  out: { type: 'string', help: 'output folder for deepts-bpe.json and tokenizer.json' },
  special: { type: 'string', default: '<|endoftext|>', help: 'comma-separated special tokens' },
  'min-frequency': { type: 'string', default: '2', help: 'stop when the best pair occurs fewer times' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress output' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};
const mergeSpec: Record<string, FlagSpec> = {
  base: { type: 'string', help: 'base SentencePiece model (e.g. llama/tokenizer.model)' },
  extra: { type: 'string', help: 'model whose missing pieces are appended with score 0 (e.g. chinese_sp.model)' },
  out: { type: 'string', help: 'merged .model file to write' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

function usage(): string {
  return [
    'usage: deepts tokenizer <subcommand> [flags]',
    '',
    '  train      train a byte-level BPE: deepts tokenizer train --vocab-size 4096 --input F --out DIR',
    '  merge-sp   merge SentencePiece models: deepts tokenizer merge-sp --base A.model --extra B.model --out C.model',
  ].join('\n');
}

function required(cmd: string, flags: Record<string, string | boolean | undefined>, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') throw new CliError(`deepts ${cmd}: --${name} is required`);
  return v;
}

async function train(argv: string[]): Promise<number> {
  const cmd = 'tokenizer train';
  const { flags, positionals } = parseFlags(cmd, argv, trainSpec);
  if (flags.help) {
    console.log(helpText(cmd, '--vocab-size N --input F --out DIR', trainSpec));
    return 0;
  }
  if (positionals.length) throw new CliError(`deepts ${cmd}: unexpected argument '${positionals[0]}'`);
  const input = required(cmd, flags, 'input');
  const out = required(cmd, flags, 'out');
  if (flags['vocab-size'] === undefined) throw new CliError(`deepts ${cmd}: --vocab-size is required`);
  const specials = String(flags.special)
    .split(',')
    .filter((s) => s !== '');
  const vocabSize = numberFlag(cmd, flags, 'vocab-size', { integer: true, min: 256 + specials.length, max: (1 << 21) - 1 })!;
  const minFrequency = numberFlag(cmd, flags, 'min-frequency', { integer: true, min: 1 })!;
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (e) {
    throw new CliError(`deepts ${cmd}: cannot read --input ${input} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const result = trainByteLevelBpe(text, {
    vocabSize,
    specialTokens: specials,
    minFrequency,
    name: join(out, 'deepts-bpe.json'),
    onProgress: flags.quiet ? undefined : (done, wanted) => process.stderr.write(`  ${done}/${wanted} merges\n`),
  });
  mkdirSync(out, { recursive: true });
  saveTrainedBpe(result.tokenizer, join(out, 'deepts-bpe.json'));
  saveHuggingFaceTokenizer(result.tokenizer, join(out, 'tokenizer.json'));
  const ids = result.tokenizer.encode(text);
  const s = result.stats;
  console.log(
    [
      `trained byte-level BPE on ${input}: ${text.length} characters, ${s.pieces} pre-tokenized pieces (${s.uniquePieces} distinct)`,
      `vocabulary ${result.tokenizer.vocabSize} = 256 bytes + ${result.tokenizer.vocabSize - 256 - specials.length} merged + ${specials.length} special; ${s.merges} merges in ${s.seconds.toFixed(2)} s` +
        (s.stoppedEarly ? ` (stopped early: no pair occurs ${minFrequency}+ times)` : ''),
      `input encodes to ${ids.length} tokens (${(text.length / Math.max(1, ids.length)).toFixed(2)} characters per token)`,
      `wrote ${join(out, 'deepts-bpe.json')} and ${join(out, 'tokenizer.json')}`,
    ].join('\n'),
  );
  return 0;
}

async function mergeSp(argv: string[]): Promise<number> {
  const cmd = 'tokenizer merge-sp';
  const { flags, positionals } = parseFlags(cmd, argv, mergeSpec);
  if (flags.help) {
    console.log(helpText(cmd, '--base A.model --extra B.model --out C.model', mergeSpec));
    return 0;
  }
  if (positionals.length) throw new CliError(`deepts ${cmd}: unexpected argument '${positionals[0]}'`);
  const base = loadSentencePieceModel(required(cmd, flags, 'base'));
  const extra = loadSentencePieceModel(required(cmd, flags, 'extra'));
  const out = required(cmd, flags, 'out');
  const merged = mergeSentencePieceModels(base, extra, out);
  saveSentencePieceModel(merged, out);
  console.log(`${base.pieces.length} + ${merged.pieces.length - base.pieces.length} new pieces = ${merged.pieces.length}; wrote ${out}`);
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'train') return train(rest);
  if (sub === 'merge-sp') return mergeSp(rest);
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    console.log(usage());
    return sub ? 0 : 2;
  }
  throw new CliError(`deepts tokenizer: unknown subcommand '${sub}'\n\n${usage()}`);
}

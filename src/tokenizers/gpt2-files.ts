// Loads OpenAI's original GPT-2 tokenizer files: encoder.json (byte-level token -> id) and
// vocab.bpe (a '#version' line, then one merge per line: two tokens separated by a space).
import { readFileSync } from 'node:fs';
import { ByteLevelBpe } from './byte-level-bpe.js';
import { tokenStringToBytes } from './byte-unicode.js';
import { TokenizerFileError, parseJsonFile } from './errors.js';
import { GPT2_SPLIT_PATTERN } from './gpt2-pattern.js';
import { tokenizerFiles } from '../io/data-paths.js';

export const GPT2_END_OF_TEXT = '<|endoftext|>';

/**
 * Builds a byte-level BPE from encoder.json and vocab.bpe contents. Tokens named in
 * `specialTokens` (by default GPT-2's `<|endoftext|>`) are special: matched only when allowed.
 */
export function gpt2FromStrings(
  encoderJson: string,
  vocabBpe: string,
  files: { encoder: string; vocab: string } = { encoder: 'encoder.json', vocab: 'vocab.bpe' },
  specialTokens: readonly string[] = [GPT2_END_OF_TEXT],
  name = 'gpt2',
): ByteLevelBpe {
  const encoder = parseJsonFile(files.encoder, encoderJson, 'an object mapping byte-level tokens to integer ids');
  if (encoder === null || typeof encoder !== 'object' || Array.isArray(encoder)) {
    throw new TokenizerFileError(files.encoder, 'expected a JSON object mapping byte-level tokens to integer ids');
  }
  const vocab = new Map<string, number>();
  for (const [tok, id] of Object.entries(encoder as Record<string, unknown>)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new TokenizerFileError(files.encoder, `token ${JSON.stringify(tok)} has id ${JSON.stringify(id)}, expected a non-negative integer`);
    }
    vocab.set(tok, id);
  }
  const specials = new Map<string, number>();
  for (const s of specialTokens) {
    const id = vocab.get(s);
    if (id !== undefined) specials.set(s, id);
  }
  const tokenBytes = vocabToBytes(vocab, specials, files.encoder);
  const merges = parseMergeLines(vocabBpe, vocab, files.vocab);
  return new ByteLevelBpe({ name, tokenBytes, merges, specialTokens: specials, pattern: GPT2_SPLIT_PATTERN });
}

/** GPT-2 from encoder.json + vocab.bpe on disk (by default the copies in the shared data folder). */
export function loadGpt2(encoderPath = tokenizerFiles.gpt2Encoder(), vocabPath = tokenizerFiles.gpt2Vocab()): ByteLevelBpe {
  return gpt2FromStrings(readText(encoderPath), readText(vocabPath), { encoder: encoderPath, vocab: vocabPath });
}

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new TokenizerFileError(file, `cannot read tokenizer file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Byte strings of a byte-level vocabulary, indexed by id; special tokens are left out. */
export function vocabToBytes(vocab: ReadonlyMap<string, number>, specials: ReadonlyMap<string, number>, file: string): Array<Uint8Array | undefined> {
  const specialIds = new Set(specials.values());
  const out: Array<Uint8Array | undefined> = [];
  const seen = new Map<number, string>();
  for (const [tok, id] of vocab) {
    const prev = seen.get(id);
    if (prev !== undefined)
      throw new TokenizerFileError(file, `tokens ${JSON.stringify(prev)} and ${JSON.stringify(tok)} share id ${id}; expected one id per token`);
    seen.set(id, tok);
    if (specialIds.has(id)) continue;
    const bytes = tokenStringToBytes(tok);
    if (!bytes || bytes.length === 0) {
      throw new TokenizerFileError(
        file,
        `token ${JSON.stringify(tok)} (id ${id}) is not a byte-level token: expected characters of GPT-2's byte-to-unicode table`,
      );
    }
    out[id] = bytes;
  }
  return out;
}

/** Parses merge lines ('a b'), checking that both sides are tokens of the vocabulary. */
export function parseMergeLines(text: string, vocab: ReadonlyMap<string, number>, file: string): Array<[number, number]> {
  const lines = text.split('\n');
  const merges: Array<[number, number]> = [];
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || (i === 0 && line.startsWith('#version'))) return;
    merges.push(mergePairIds(line.split(' '), vocab, file, `line ${i + 1}`));
  });
  if (merges.length === 0) throw new TokenizerFileError(file, 'no merges found: expected lines of two space-separated byte-level tokens');
  return merges;
}

export function mergePairIds(parts: unknown[], vocab: ReadonlyMap<string, number>, file: string, where: string): [number, number] {
  if (parts.length !== 2 || typeof parts[0] !== 'string' || typeof parts[1] !== 'string' || parts[0] === '' || parts[1] === '') {
    throw new TokenizerFileError(file, `${where}: expected a merge of two tokens separated by one space, got ${JSON.stringify(parts.join(' '))}`);
  }
  const l = vocab.get(parts[0]);
  const r = vocab.get(parts[1]);
  if (l === undefined || r === undefined) {
    const bad = l === undefined ? parts[0] : parts[1];
    throw new TokenizerFileError(file, `${where}: merge ${JSON.stringify(parts.join(' '))} names unknown token ${JSON.stringify(bad)}`);
  }
  const merged = vocab.get(parts[0] + parts[1]);
  if (merged === undefined) {
    throw new TokenizerFileError(
      file,
      `${where}: merge ${JSON.stringify(parts.join(' '))} makes ${JSON.stringify(parts[0] + parts[1])}, which is not in the vocabulary`,
    );
  }
  return [l, r];
}

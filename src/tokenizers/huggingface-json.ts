// Reads and writes Hugging Face `tokenizer.json` files for byte-level BPE models (the GPT-2
// family, and what the deepts trainer exports). Features outside that family are rejected with
// an error naming the field, rather than silently encoding differently.
import { writeFileSync } from 'node:fs';
import { ByteLevelBpe } from './byte-level-bpe.js';
import { TokenizerFileError, parseJsonFile } from './errors.js';
import { GPT2_SPLIT_PATTERN } from './gpt2-pattern.js';
import { mergePairIds, readText, vocabToBytes } from './gpt2-files.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses the contents of a tokenizer.json; `file` is used in error messages. */
export function byteLevelBpeFromHuggingFaceJson(text: string, file = 'tokenizer.json', name = file): ByteLevelBpe {
  const doc = parseJsonFile(file, text, 'a Hugging Face tokenizer.json object');
  if (!isObject(doc)) throw new TokenizerFileError(file, 'expected a JSON object with a "model" field');
  const model = doc.model;
  if (!isObject(model)) throw new TokenizerFileError(file, 'missing "model": expected an object with type "BPE"');
  if (model.type !== undefined && model.type !== 'BPE') {
    throw new TokenizerFileError(file, `model.type is ${JSON.stringify(model.type)}; only "BPE" (byte-level) is supported`);
  }
  if (model.byte_fallback === true) throw new TokenizerFileError(file, 'model.byte_fallback is true; only byte-level BPE (no byte fallback) is supported');
  for (const k of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (model[k] !== undefined && model[k] !== null && model[k] !== '')
      throw new TokenizerFileError(file, `model.${k} is ${JSON.stringify(model[k])}; only byte-level BPE without affixes is supported`);
  }
  if (!isObject(model.vocab)) throw new TokenizerFileError(file, 'model.vocab: expected an object mapping tokens to integer ids');
  if (!Array.isArray(model.merges)) throw new TokenizerFileError(file, 'model.merges: expected an array of merges ("a b" strings or ["a", "b"] pairs)');

  const vocab = new Map<string, number>();
  for (const [tok, id] of Object.entries(model.vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new TokenizerFileError(file, `model.vocab[${JSON.stringify(tok)}] is ${JSON.stringify(id)}, expected a non-negative integer id`);
    }
    vocab.set(tok, id);
  }
  const specials = new Map<string, number>();
  const added = doc.added_tokens ?? [];
  if (!Array.isArray(added)) throw new TokenizerFileError(file, 'added_tokens: expected an array of {id, content} objects');
  added.forEach((t, i) => {
    if (!isObject(t) || typeof t.content !== 'string' || typeof t.id !== 'number' || !Number.isInteger(t.id) || t.id < 0) {
      throw new TokenizerFileError(file, `added_tokens[${i}]: expected {"id": integer, "content": string}`);
    }
    const inVocab = vocab.get(t.content);
    if (inVocab !== undefined && inVocab !== t.id)
      throw new TokenizerFileError(file, `added_tokens[${i}]: ${JSON.stringify(t.content)} has id ${t.id} but model.vocab gives ${inVocab}`);
    specials.set(t.content, t.id);
  });

  const merges = model.merges.map((m, i) => mergePairIds(typeof m === 'string' ? m.split(' ') : Array.isArray(m) ? m : [m], vocab, file, `model.merges[${i}]`));
  const tokenBytes = vocabToBytes(vocab, specials, file);
  return new ByteLevelBpe({ name, tokenBytes, merges, specialTokens: specials, pattern: splitPatternOf(doc.pre_tokenizer, file) });
}

/** The regex a byte-level pre-tokenizer splits with: GPT-2's for ByteLevel(use_regex), or a Split's. */
function splitPatternOf(pre: unknown, file: string): string {
  if (!isObject(pre)) throw new TokenizerFileError(file, 'pre_tokenizer: expected a ByteLevel pre-tokenizer (or a Sequence of Split + ByteLevel)');
  if (pre.type === 'ByteLevel') {
    if (pre.add_prefix_space === true) throw new TokenizerFileError(file, 'pre_tokenizer.add_prefix_space is true; only false is supported');
    if (pre.use_regex === false) throw new TokenizerFileError(file, 'pre_tokenizer.use_regex is false with no Split before it; expected a split pattern');
    return GPT2_SPLIT_PATTERN;
  }
  if (pre.type === 'Sequence' && Array.isArray(pre.pretokenizers) && pre.pretokenizers.length === 2) {
    const [split, byteLevel] = pre.pretokenizers as unknown[];
    if (
      isObject(split) &&
      split.type === 'Split' &&
      isObject(split.pattern) &&
      typeof split.pattern.Regex === 'string' &&
      split.behavior === 'Isolated' &&
      split.invert !== true &&
      isObject(byteLevel) &&
      byteLevel.type === 'ByteLevel' &&
      byteLevel.use_regex === false &&
      byteLevel.add_prefix_space !== true
    ) {
      return split.pattern.Regex;
    }
  }
  throw new TokenizerFileError(
    file,
    `pre_tokenizer of type ${JSON.stringify(pre.type)} is not supported; expected ByteLevel (GPT-2 regex) or Sequence[Split(Regex, Isolated), ByteLevel(use_regex=false)]`,
  );
}

export function loadHuggingFaceTokenizer(path: string, name = path): ByteLevelBpe {
  return byteLevelBpeFromHuggingFaceJson(readText(path), path, name);
}

/** A Hugging Face tokenizer.json document for a byte-level BPE (readable by `tokenizers` and by deepts). */
export function toHuggingFaceJson(tok: ByteLevelBpe): Json {
  const vocab: Record<string, number> = {};
  for (let id = 0; id < tok.vocabSize; id++) vocab[tok.idToToken(id)!] = id;
  const merges = tok.merges.map(([l, r]) => `${tok.idToToken(l)} ${tok.idToToken(r)}`);
  const added = [...tok.specialTokens]
    .sort((a, b) => a[1] - b[1])
    .map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const pre =
    tok.pattern === GPT2_SPLIT_PATTERN
      ? byteLevel
      : {
          type: 'Sequence',
          pretokenizers: [
            { type: 'Split', pattern: { Regex: tok.pattern }, behavior: 'Isolated', invert: false },
            { ...byteLevel, use_regex: false },
          ],
        };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: pre,
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}

export function saveHuggingFaceTokenizer(tok: ByteLevelBpe, path: string): void {
  writeFileSync(path, JSON.stringify(toHuggingFaceJson(tok), null, 2) + '\n');
}

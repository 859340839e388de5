// A vocabulary built from a training corpus, for classifiers that learn their own embeddings:
// one id per character (Chinese: a character is about a word piece) or per word (English:
// lower-cased words and punctuation), keeping the tokens seen at least minFreq times (the most
// frequent first, at most maxSize), with <pad> = 0 and <unk> = 1, then any extra special tokens
// (a translation vocabulary's <bos> = 2 and <eos> = 3). Unlike CharTokenizer, a token outside the
// vocabulary is <unk>, not an error: test text has characters training text lacked. Specials never
// come out of encode (the text "<bos>" is the marks and word '<', 'bos', '>'): callers add their ids.
import { TokenizerFileError, parseJsonFile } from './errors.js';
import type { EncodeOptions, Tokenizer } from './tokenizer.js';
import { utf8Encode } from './utf8.js';
import { checkNumber, checkOneOf, checkOptions, optionKeys } from '../util/options.js';

export type VocabLevel = 'char' | 'word';
export type VocabOptions = {
  /** 'char': code points (whitespace dropped); 'word': lower-cased words and punctuation marks. */
  level: VocabLevel;
  /** Keep tokens seen at least this often (default 1). */
  minFreq?: number;
  /** At most this many ids, the specials included (default: no limit). */
  maxSize?: number;
  /** Special tokens after <pad> and <unk>, ids 2, 3, … (default none); e.g. ['<bos>', '<eos>']. */
  specials?: readonly string[];
};
const VOCAB_KEYS = optionKeys<VocabOptions>({ level: true, minFreq: true, maxSize: true, specials: true });
const LEVELS = ['char', 'word'] as const;

export const PAD_TOKEN = '<pad>';
export const UNK_TOKEN = '<unk>';
export const PAD_ID = 0;
export const UNK_ID = 1;
/** Sequence marks for encoder–decoder vocabularies: the specials after <pad> and <unk>, so ids 2 and 3. */
export const BOS_TOKEN = '<bos>';
export const EOS_TOKEN = '<eos>';
export const BOS_ID = 2;
export const EOS_ID = 3;

// words (with inner apostrophes and hyphens: don't, well-made) or single non-space marks
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

/** The tokens of a text at `level`, before the vocabulary lookup. */
export function splitTokens(text: string, level: VocabLevel): string[] {
  if (level === 'char') return [...text].filter((c) => !/\s/u.test(c));
  return text.toLowerCase().match(WORD) ?? [];
}

const NO_SPACE_BEFORE = new Set(['.', ',', '!', '?', ';', ':', '%', ')', ']', '}', '…']);
const NO_SPACE_AFTER = new Set(['(', '[', '{', '$']);
// marks inside a number: 3.5, 3:30, 1,000 (a comma only before three digits: "3, 4" keeps its space)
const IN_NUMBER: Record<string, RegExp> = { '.': /^\p{N}/u, ':': /^\p{N}/u, ',': /^\p{N}{3}$/u };
const DIGIT_END = /\p{N}$/u,
  LETTER = /^\p{L}$/u;

/**
 * Words and marks back into text: spaces between words, none before closing marks (. , ! ? …) or
 * after opening ones, none inside numbers (3:30) or dotted letters (u.s., a.m.); straight double
 * quotes alternate opening and closing; a lone ' after an s is a plural's possessive (friends').
 * Inner apostrophes (don't) are inside their word already.
 */
export function joinWords(tokens: readonly string[]): string {
  let out = '',
    quoteOpen = false,
    glueNext = true;
  tokens.forEach((t, i) => {
    let glue = glueNext || NO_SPACE_BEFORE.has(t);
    glueNext = NO_SPACE_AFTER.has(t);
    if (t === '"') {
      if (quoteOpen) glue = true;
      else glueNext = true;
      quoteOpen = !quoteOpen;
    } else if (IN_NUMBER[t]?.test(tokens[i + 1] ?? '') && DIGIT_END.test(tokens[i - 1] ?? '')) glueNext = true;
    else if (t === '.' && LETTER.test(tokens[i - 1] ?? '') && LETTER.test(tokens[i + 1] ?? '') && tokens[i + 2] === '.')
      glueNext = true; // u.s., not "b. i was"
    else if (t === "'" && /s$/u.test(tokens[i - 1] ?? '')) glue = true;
    out += glue ? t : ' ' + t;
  });
  return out;
}

export class VocabTokenizer implements Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  /** <pad>, <unk> and the extra specials, by id. */
  readonly specialTokens: ReadonlyMap<string, number>;
  private readonly ids: Map<string, number>;

  /** tokens[0] and tokens[1] must be <pad> and <unk>, followed by the `specials` in order. */
  constructor(
    readonly level: VocabLevel,
    readonly tokens: readonly string[],
    name = `vocab-${level}`,
    readonly specials: readonly string[] = [],
  ) {
    checkOneOf('VocabTokenizer', 'level', level, LEVELS);
    if (tokens[PAD_ID] !== PAD_TOKEN || tokens[UNK_ID] !== UNK_TOKEN) throw new Error(`${name}: the first two tokens must be ${PAD_TOKEN} and ${UNK_TOKEN}`);
    if (!Array.isArray(specials) || specials.some((t, i) => typeof t !== 'string' || tokens[2 + i] !== t))
      throw new Error(`${name}: the specials ${JSON.stringify(specials)} must follow ${PAD_TOKEN} and ${UNK_TOKEN} in the token list, in order`);
    this.name = name;
    this.ids = new Map(tokens.map((t, i) => [t, i]));
    if (this.ids.size !== tokens.length) throw new Error(`${name}: the token list has duplicates`);
    this.vocabSize = tokens.length;
    this.specialTokens = new Map(tokens.slice(0, 2 + specials.length).map((t, i) => [t, i]));
  }

  /** The vocabulary of a corpus: tokens seen at least minFreq times, most frequent first (ties by code point order). */
  static build(texts: readonly string[], opts: VocabOptions): VocabTokenizer {
    checkOptions('VocabTokenizer.build', opts, VOCAB_KEYS);
    checkOneOf('VocabTokenizer.build', 'level', opts.level, LEVELS);
    if (opts.minFreq !== undefined) checkNumber('VocabTokenizer.build', 'minFreq', opts.minFreq, { integer: true, min: 1 });
    const specials = opts.specials ?? [];
    if (!Array.isArray(specials) || specials.some((t) => typeof t !== 'string' || t === '' || t === PAD_TOKEN || t === UNK_TOKEN))
      throw new TypeError(`VocabTokenizer.build: specials must be an array of non-empty strings other than ${PAD_TOKEN} and ${UNK_TOKEN}`);
    const head = [PAD_TOKEN, UNK_TOKEN, ...specials];
    if (opts.maxSize !== undefined) checkNumber('VocabTokenizer.build', 'maxSize', opts.maxSize, { integer: true, min: head.length });
    const counts = new Map<string, number>();
    for (const text of texts) for (const t of splitTokens(text, opts.level)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const reserved = new Set(head);
    const kept = [...counts]
      .filter(([t, n]) => n >= (opts.minFreq ?? 1) && !reserved.has(t))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([t]) => t);
    const size = opts.maxSize ?? Infinity;
    return new VocabTokenizer(opts.level, [...head, ...kept.slice(0, Math.max(0, size - head.length))], undefined, specials);
  }

  static fromJson(text: string, file = 'vocabulary file'): VocabTokenizer {
    const doc = parseJsonFile(file, text, '{"format": "deepts-vocab", "level": "char" | "word", "tokens": [...]}') as {
      format?: unknown;
      level?: unknown;
      tokens?: unknown;
      specials?: unknown;
    };
    const strings = (a: unknown) => Array.isArray(a) && a.every((t) => typeof t === 'string');
    if (
      doc?.format !== 'deepts-vocab' ||
      (doc.level !== 'char' && doc.level !== 'word') ||
      !strings(doc.tokens) ||
      (doc.specials !== undefined && !strings(doc.specials))
    ) {
      throw new TokenizerFileError(file, 'expected {"format": "deepts-vocab", "level": "char" | "word", "tokens": [strings], "specials"?: [strings]}');
    }
    return new VocabTokenizer(doc.level, doc.tokens as string[], file, (doc.specials as string[] | undefined) ?? []);
  }

  /** `specials` is written only when there are some, so a plain vocabulary's file is as before. */
  toJson(): string {
    const specials = this.specials.length ? { specials: this.specials } : {};
    return JSON.stringify({ format: 'deepts-vocab', version: 1, level: this.level, ...specials, tokens: this.tokens });
  }

  /** Ids of the text's tokens; tokens outside the vocabulary are <unk> (1). */
  encode(text: string, options?: EncodeOptions): number[] {
    checkOptions(`${this.name}.encode`, options, ['allowedSpecial']);
    if (typeof text !== 'string') throw new TypeError(`${this.name}.encode: expected a string, got ${typeof text}`);
    return splitTokens(text, this.level).map((t) => this.ids.get(t) ?? UNK_ID);
  }

  /** The tokens of the ids as text: characters joined as they are, words by `joinWords`; <pad> and the extra specials (<bos>, <eos>) are skipped, <unk> is shown. */
  decode(ids: ArrayLike<number>): string {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!,
        t = this.tokenOf(id);
      if (id !== UNK_ID && id < this.specialTokens.size) continue; // the specials are ids 0 … size - 1
      out.push(t);
    }
    return this.level === 'word' ? joinWords(out) : out.join('');
  }

  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }

  idToBytes(id: number): Uint8Array {
    return utf8Encode(this.tokenOf(id));
  }

  private tokenOf(id: number): string {
    const t = this.tokens[id];
    if (t === undefined) throw new RangeError(`${this.name}: token id ${id} is out of range (vocabulary size ${this.vocabSize})`);
    return t;
  }
}

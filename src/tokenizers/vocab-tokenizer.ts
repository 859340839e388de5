// A vocabulary built from a training corpus, for classifiers that learn their own embeddings:
// one id per character (Chinese: a character is about a word piece) or per word (English:
// lower-cased words and punctuation), keeping the tokens seen at least minFreq times (the most
// frequent first, at most maxSize), with <pad> = 0 and <unk> = 1. Unlike CharTokenizer, a token
// outside the vocabulary is <unk>, not an error: test text has characters training text lacked.
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
  /** At most this many ids, <pad> and <unk> included (default: no limit). */
  maxSize?: number;
};
const VOCAB_KEYS = optionKeys<VocabOptions>({ level: true, minFreq: true, maxSize: true });
const LEVELS = ['char', 'word'] as const;

export const PAD_TOKEN = '<pad>';
export const UNK_TOKEN = '<unk>';
export const PAD_ID = 0;
export const UNK_ID = 1;

// words (with inner apostrophes and hyphens: don't, well-made) or single non-space marks
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

/** The tokens of a text at `level`, before the vocabulary lookup. */
export function splitTokens(text: string, level: VocabLevel): string[] {
  if (level === 'char') return [...text].filter((c) => !/\s/u.test(c));
  return text.toLowerCase().match(WORD) ?? [];
}

export class VocabTokenizer implements Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number> = new Map([
    [PAD_TOKEN, PAD_ID],
    [UNK_TOKEN, UNK_ID],
  ]);
  private readonly ids: Map<string, number>;

  /** tokens[0] and tokens[1] must be <pad> and <unk>. */
  constructor(
    readonly level: VocabLevel,
    readonly tokens: readonly string[],
    name = `vocab-${level}`,
  ) {
    checkOneOf('VocabTokenizer', 'level', level, LEVELS);
    if (tokens[PAD_ID] !== PAD_TOKEN || tokens[UNK_ID] !== UNK_TOKEN) throw new Error(`${name}: the first two tokens must be ${PAD_TOKEN} and ${UNK_TOKEN}`);
    this.name = name;
    this.ids = new Map(tokens.map((t, i) => [t, i]));
    if (this.ids.size !== tokens.length) throw new Error(`${name}: the token list has duplicates`);
    this.vocabSize = tokens.length;
  }

  /** The vocabulary of a corpus: tokens seen at least minFreq times, most frequent first (ties by code point order). */
  static build(texts: readonly string[], opts: VocabOptions): VocabTokenizer {
    checkOptions('VocabTokenizer.build', opts, VOCAB_KEYS);
    checkOneOf('VocabTokenizer.build', 'level', opts.level, LEVELS);
    if (opts.minFreq !== undefined) checkNumber('VocabTokenizer.build', 'minFreq', opts.minFreq, { integer: true, min: 1 });
    if (opts.maxSize !== undefined) checkNumber('VocabTokenizer.build', 'maxSize', opts.maxSize, { integer: true, min: 2 });
    const counts = new Map<string, number>();
    for (const text of texts) for (const t of splitTokens(text, opts.level)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const kept = [...counts]
      .filter(([t, n]) => n >= (opts.minFreq ?? 1) && t !== PAD_TOKEN && t !== UNK_TOKEN)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([t]) => t);
    const size = opts.maxSize ?? Infinity;
    return new VocabTokenizer(opts.level, [PAD_TOKEN, UNK_TOKEN, ...kept.slice(0, Math.max(0, size - 2))]);
  }

  static fromJson(text: string, file = 'vocabulary file'): VocabTokenizer {
    const doc = parseJsonFile(file, text, '{"format": "deepts-vocab", "level": "char" | "word", "tokens": [...]}') as {
      format?: unknown;
      level?: unknown;
      tokens?: unknown;
    };
    if (
      doc?.format !== 'deepts-vocab' ||
      (doc.level !== 'char' && doc.level !== 'word') ||
      !Array.isArray(doc.tokens) ||
      !doc.tokens.every((t) => typeof t === 'string')
    ) {
      throw new TokenizerFileError(file, 'expected {"format": "deepts-vocab", "level": "char" | "word", "tokens": [strings]}');
    }
    return new VocabTokenizer(doc.level, doc.tokens as string[], file);
  }

  toJson(): string {
    return JSON.stringify({ format: 'deepts-vocab', version: 1, level: this.level, tokens: this.tokens });
  }

  /** Ids of the text's tokens; tokens outside the vocabulary are <unk> (1). */
  encode(text: string, options?: EncodeOptions): number[] {
    checkOptions(`${this.name}.encode`, options, ['allowedSpecial']);
    if (typeof text !== 'string') throw new TypeError(`${this.name}.encode: expected a string, got ${typeof text}`);
    return splitTokens(text, this.level).map((t) => this.ids.get(t) ?? UNK_ID);
  }

  /** The tokens of the ids, joined (words by spaces); <pad> is skipped. */
  decode(ids: ArrayLike<number>): string {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) if (ids[i] !== PAD_ID) out.push(this.tokenOf(ids[i]!));
    return out.join(this.level === 'word' ? ' ' : '');
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

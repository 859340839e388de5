// A character-level tokenizer: one id per distinct character (code point) of a corpus, sorted,
// as in the Shakespeare GPT. Small and transparent; unknown characters are an error, not <unk>.
import { TokenizerFileError, parseJsonFile } from './errors.js';
import type { EncodeOptions, Tokenizer } from './tokenizer.js';
import { utf8Encode } from './utf8.js';
import { checkOptions } from '../util/options.js';

const ENCODE_KEYS = ['allowedSpecial'];

export class CharTokenizer implements Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number> = new Map();
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(chars: readonly string[], name = 'char') {
    this.name = name;
    this.chars = chars;
    this.ids = new Map(chars.map((c, i) => [c, i]));
    if (this.ids.size !== chars.length) throw new Error(`${name}: character list has duplicates`);
    for (const c of chars) if ([...c].length !== 1) throw new Error(`${name}: ${JSON.stringify(c)} is not a single character`);
    this.vocabSize = chars.length;
  }

  /** The sorted set of characters of a corpus (sorted by code point, like sorted(set(text))). */
  static fromCorpus(text: string, name = 'char'): CharTokenizer {
    const set = new Set<string>();
    for (const c of text) set.add(c);
    return new CharTokenizer(
      [...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!),
      name,
    );
  }

  static fromJson(text: string, file = 'char tokenizer file'): CharTokenizer {
    const doc = parseJsonFile(file, text, '{"format": "deepts-char", "chars": [...]}') as { format?: unknown; chars?: unknown };
    if (doc?.format !== 'deepts-char' || !Array.isArray(doc.chars) || !doc.chars.every((c) => typeof c === 'string')) {
      throw new TokenizerFileError(file, 'expected {"format": "deepts-char", "chars": [single-character strings]}');
    }
    return new CharTokenizer(doc.chars as string[], file);
  }

  toJson(): string {
    return JSON.stringify({ format: 'deepts-char', version: 1, chars: this.chars });
  }

  encode(text: string, options?: EncodeOptions): number[] {
    checkOptions(`${this.name}.encode`, options, ENCODE_KEYS);
    if (typeof text !== 'string') throw new TypeError(`${this.name}.encode: expected a string, got ${typeof text}`);
    const out: number[] = [];
    let offset = 0;
    for (const c of text) {
      const id = this.ids.get(c);
      if (id === undefined) {
        throw new Error(
          `${this.name}: character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) at offset ${offset} is not in the vocabulary of ${this.vocabSize} characters`,
        );
      }
      out.push(id);
      offset += c.length;
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.charOf(ids[i]!);
    return s;
  }

  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.chars[id];
  }

  idToBytes(id: number): Uint8Array {
    return utf8Encode(this.charOf(id));
  }

  private charOf(id: number): string {
    const c = this.chars[id];
    if (c === undefined) throw new RangeError(`${this.name}: token id ${id} is out of range (vocabulary size ${this.vocabSize})`);
    return c;
  }
}

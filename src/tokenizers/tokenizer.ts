// The one interface every deepts tokenizer implements, so the CLI, the batcher and models can take
// any of them (character, GPT-2 byte-level BPE, SentencePiece BPE, trained BPE) interchangeably.

export type EncodeOptions = {
  /**
   * Special tokens that may be recognised in the text. By default none are: the text
   * `<|endoftext|>` is then encoded as ordinary characters, so untrusted text can never inject
   * control tokens. Pass 'all' or a list of token strings to allow them.
   */
  allowedSpecial?: 'all' | readonly string[];
};

export interface Tokenizer {
  /** A short name for messages and reports, e.g. 'gpt2' or the file it was loaded from. */
  readonly name: string;
  /** Number of ids: every id in [0, vocabSize) decodes. */
  readonly vocabSize: number;
  /** Special (control) tokens by their text, e.g. '<|endoftext|>' -> 50256. */
  readonly specialTokens: ReadonlyMap<string, number>;
  encode(text: string, options?: EncodeOptions): number[];
  /** Text of an id sequence; byte sequences that are not valid UTF-8 become U+FFFD. */
  decode(ids: ArrayLike<number>): string;
  /** The id of a token in the tokenizer's own notation (e.g. 'Ġthe', '▁the', '<0x0A>'). */
  tokenToId(token: string): number | undefined;
  /** The token of an id in the tokenizer's own notation; undefined when out of range. */
  idToToken(id: number): string | undefined;
  /** The raw bytes each id stands for, so callers can show tokens that split a UTF-8 character. */
  idToBytes(id: number): Uint8Array;
}

/** The allowed special tokens of an encode call as a set of token strings. */
export function allowedSpecialSet(specials: ReadonlyMap<string, number>, options?: EncodeOptions): Set<string> {
  const allowed = options?.allowedSpecial;
  if (allowed === undefined) return new Set();
  if (allowed === 'all') return new Set(specials.keys());
  for (const s of allowed) {
    if (!specials.has(s))
      throw new Error(`allowedSpecial: '${s}' is not a special token of this tokenizer (known: ${[...specials.keys()].join(', ') || 'none'})`);
  }
  return new Set(allowed);
}

/**
 * Splits text around occurrences of the allowed special tokens (longest first), so ordinary text
 * and special tokens can be encoded separately. Returns alternating pieces: text or a special id.
 */
export function splitOnSpecials(text: string, specials: ReadonlyMap<string, number>, allowed: Set<string>): Array<string | number> {
  if (allowed.size === 0) return [text];
  const sorted = [...allowed].sort((a, b) => b.length - a.length);
  const re = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  const out: Array<string | number> = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index! > last) out.push(text.slice(last, m.index));
    out.push(specials.get(m[0])!);
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

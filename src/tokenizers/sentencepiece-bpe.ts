// SentencePiece BPE encoding (the LLaMA family), following sentencepiece's bpe_model.cc and
// sentencepiece_processor.cc: normalize (dummy prefix, ' ' -> '▁'), start from characters
// (user-defined pieces whole), repeatedly merge the adjacent pair whose concatenation is the
// highest-scoring piece (leftmost on ties), then spell pieces that are not in the vocabulary as
// their UTF-8 bytes `<0xNN>` (byte fallback) or as <unk>.
import { TokenizerFileError } from './errors.js';
import { PairTable } from './pair-table.js';
import { PieceType, type SentencePieceModel } from './sentencepiece-model.js';
import { allowedSpecialSet, splitOnSpecials, type EncodeOptions, type Tokenizer } from './tokenizer.js';
import { utf8Decode, utf8Encode, validUtf8Length } from './utf8.js';
import { checkOptions } from '../util/options.js';

const ENCODE_KEYS = ['allowedSpecial', 'addBos', 'addEos'];

export const SPACE_SYMBOL = '\u2581'; // '▁', SentencePiece's escape for ' '

export type SentencePieceEncodeOptions = EncodeOptions & {
  /** Put the <s> id first (what LLaMA models expect at the start of a sequence). */
  addBos?: boolean;
  /** Put the </s> id last. */
  addEos?: boolean;
};

export class SentencePieceBpe implements Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly model: SentencePieceModel;
  readonly unkId: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly byteFallback: boolean;
  private readonly pieceText: string[];
  private readonly scores: Float64Array;
  private readonly types: Uint8Array;
  /** NORMAL, USER_DEFINED and UNUSED pieces: the ones merges may produce (sentencepiece's pieces_). */
  private readonly mergeable = new Map<string, number>();
  /** UNKNOWN, CONTROL and BYTE pieces (sentencepiece's reserved_id_map_). */
  private readonly reserved = new Map<string, number>();
  private readonly byteIds = new Int32Array(256).fill(-1);
  /** User-defined pieces by first character, longest first: matched whole and never merged. */
  private readonly userDefined = new Map<string, string[]>();

  constructor(model: SentencePieceModel, name = model.file) {
    const file = model.file;
    this.name = name;
    this.model = model;
    const { trainerSpec: ts, normalizerSpec: ns } = model;
    if (ts.modelType !== 'BPE') {
      throw new TokenizerFileError(
        file,
        `model_type is ${ts.modelType}; deepts encodes only BPE SentencePiece models (this file can still be read and merged)`,
      );
    }
    if (ns.precompiledCharsmap.length > 0) {
      throw new TokenizerFileError(
        file,
        `normalizer '${ns.name}' uses a precompiled character map, which deepts does not implement; expected the 'identity' normalizer (as in LLaMA)`,
      );
    }
    const n = model.pieces.length;
    this.vocabSize = n;
    this.pieceText = new Array(n);
    this.scores = new Float64Array(n);
    this.types = new Uint8Array(n);
    this.byteFallback = ts.byteFallback;
    let unk = -1;
    const specials = new Map<string, number>();
    model.pieces.forEach((p, id) => {
      this.pieceText[id] = p.piece;
      this.scores[id] = p.score;
      this.types[id] = p.type;
      const normal = p.type === PieceType.NORMAL || p.type === PieceType.USER_DEFINED || p.type === PieceType.UNUSED;
      const map = normal ? this.mergeable : this.reserved;
      if (map.has(p.piece))
        throw new TokenizerFileError(file, `piece ${JSON.stringify(p.piece)} (id ${id}) is already defined (id ${map.get(p.piece)}); expected unique pieces`);
      map.set(p.piece, id);
      if (p.type === PieceType.UNKNOWN) {
        if (unk >= 0) throw new TokenizerFileError(file, `second unknown piece at id ${id}; expected exactly one`);
        unk = id;
      } else if (p.type === PieceType.CONTROL) specials.set(p.piece, id);
      else if (p.type === PieceType.BYTE) {
        if (!ts.byteFallback) throw new TokenizerFileError(file, `byte piece ${p.piece} found although trainer_spec.byte_fallback is false`);
        const m = /^<0x([0-9A-F]{2})>$/.exec(p.piece);
        if (!m) throw new TokenizerFileError(file, `byte piece ${JSON.stringify(p.piece)} (id ${id}) is not of the form <0xNN>`);
        this.byteIds[parseInt(m[1]!, 16)] = id;
      } else if (p.type === PieceType.USER_DEFINED) {
        const first = String.fromCodePoint(p.piece.codePointAt(0)!);
        const list = this.userDefined.get(first) ?? [];
        list.push(p.piece);
        list.sort((a, b) => b.length - a.length);
        this.userDefined.set(first, list);
      }
    });
    if (unk < 0) throw new TokenizerFileError(file, 'no piece of type UNKNOWN; a SentencePiece model must define <unk>');
    if (ts.byteFallback) {
      const missing = [...this.byteIds].findIndex((id) => id < 0);
      if (missing >= 0)
        throw new TokenizerFileError(file, `byte_fallback is on but piece <0x${missing.toString(16).toUpperCase().padStart(2, '0')}> is missing`);
    }
    this.unkId = unk;
    this.bosId = ts.bosId >= 0 && ts.bosId < n && this.types[ts.bosId] === PieceType.CONTROL ? ts.bosId : -1;
    this.eosId = ts.eosId >= 0 && ts.eosId < n && this.types[ts.eosId] === PieceType.CONTROL ? ts.eosId : -1;
    this.specialTokens = specials;
  }

  encode(text: string, options?: SentencePieceEncodeOptions): number[] {
    checkOptions(`${this.name}.encode`, options, ENCODE_KEYS);
    if (typeof text !== 'string') throw new TypeError(`${this.name}.encode: expected a string, got ${typeof text}`);
    const out: number[] = [];
    if (options?.addBos) out.push(this.requireControl(this.bosId, 'bos'));
    for (const part of splitOnSpecials(text, this.specialTokens, allowedSpecialSet(this.specialTokens, options))) {
      if (typeof part === 'number') out.push(part);
      else this.encodeSentence(part, out);
    }
    if (options?.addEos) out.push(this.requireControl(this.eosId, 'eos'));
    return out;
  }

  /** The pieces of an encoding (what sentencepiece's encode_as_pieces returns). */
  encodeAsPieces(text: string, options?: SentencePieceEncodeOptions): string[] {
    return this.encode(text, options).map((id) => this.pieceText[id]!);
  }

  /** sentencepiece's Normalizer for the identity rule set: whitespace handling and escaping only. */
  normalize(text: string): string {
    const ns = this.model.normalizerSpec;
    const suffix = this.model.trainerSpec.treatWhitespaceAsSuffix;
    // JS strings may hold lone surrogates; sentencepiece sees bytes and maps invalid ones to U+FFFD.
    let s = text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    if (s === '') return '';
    if (ns.removeExtraWhitespaces) {
      s = s.replace(/^ +/, '').replace(/ +$/, '').replace(/ {2,}/g, ' ');
      if (s === '') return '';
    }
    const space = ns.escapeWhitespaces ? SPACE_SYMBOL : ' ';
    if (ns.escapeWhitespaces) s = s.replaceAll(' ', SPACE_SYMBOL);
    if (ns.addDummyPrefix) s = suffix ? s + space : space + s;
    return s;
  }

  decode(ids: ArrayLike<number>): string {
    const ns = this.model.normalizerSpec;
    const stripsBosSpace = ns.addDummyPrefix || ns.removeExtraWhitespaces;
    let text = '';
    let bytes: number[] = [];
    let isBosWs = true;
    let bosWsSeen = false;
    for (let i = 0; i < ids.length; i++) {
      const id = this.checkId(ids[i]!);
      const type = this.types[id]!;
      if (type === PieceType.BYTE) {
        bytes.push(parseInt(this.pieceText[id]!.slice(3, 5), 16));
        continue;
      }
      if (bytes.length > 0) {
        text += decodeBytesLikeSentencePiece(bytes);
        bytes = [];
      }
      if (bosWsSeen || text !== '') isBosWs = false;
      let piece: string;
      bosWsSeen = false;
      if (type === PieceType.CONTROL) piece = '';
      else if (type === PieceType.UNKNOWN) piece = this.model.trainerSpec.unkSurface;
      else {
        piece = this.pieceText[id]!;
        if (isBosWs && stripsBosSpace && piece.startsWith(SPACE_SYMBOL)) {
          piece = piece.slice(1);
          bosWsSeen = !ns.removeExtraWhitespaces;
        }
        piece = piece.replaceAll(SPACE_SYMBOL, ' ');
      }
      text += piece;
    }
    if (bytes.length > 0) text += decodeBytesLikeSentencePiece(bytes);
    return text;
  }

  tokenToId(token: string): number | undefined {
    return this.reserved.get(token) ?? this.mergeable.get(token);
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 && id < this.vocabSize ? this.pieceText[id] : undefined;
  }

  /** The surface bytes of a piece: '▁' as a space, <0xNN> as its byte, control pieces as nothing. */
  idToBytes(id: number): Uint8Array {
    this.checkId(id);
    const type = this.types[id]!;
    if (type === PieceType.BYTE) return Uint8Array.of(parseInt(this.pieceText[id]!.slice(3, 5), 16));
    if (type === PieceType.CONTROL) return new Uint8Array(0);
    if (type === PieceType.UNKNOWN) return utf8Encode(this.model.trainerSpec.unkSurface);
    return utf8Encode(this.pieceText[id]!.replaceAll(SPACE_SYMBOL, ' '));
  }

  scoreOf(id: number): number {
    return this.scores[this.checkId(id)]!;
  }

  typeOf(id: number): number {
    return this.types[this.checkId(id)]!;
  }

  private checkId(id: number): number {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize)
      throw new RangeError(`${this.name}: token id ${id} is out of range (vocabulary size ${this.vocabSize})`);
    return id;
  }

  private requireControl(id: number, what: string): number {
    if (id < 0) throw new Error(`${this.name}: the model defines no ${what} piece`);
    return id;
  }

  private encodeSentence(text: string, out: number[]): void {
    const norm = this.normalize(text);
    if (norm === '') return;
    let prevUnk = false;
    for (const w of this.bpe(norm)) {
      const id = typeof w === 'number' ? w : (this.reserved.get(w) ?? this.mergeable.get(w) ?? this.unkId);
      const isUnk = id === this.unkId;
      if (isUnk && this.byteFallback) {
        for (const b of utf8Encode(w as string)) out.push(this.byteIds[b]!);
      } else if (!(isUnk && prevUnk)) {
        out.push(id); // a run of unknown pieces is one <unk>, as in sentencepiece
      }
      prevUnk = isUnk;
    }
  }

  // Merge table on piece ids: (left id, right id) -> id of the concatenation, for every way of
  // splitting a mergeable piece into two mergeable pieces. Built on first use; it replaces a
  // substring + hash lookup per candidate pair, which dominated encoding time.
  private pairTable: PairTable | undefined;
  // Single-character pieces by BMP code unit (-1: not a piece), for the initial symbols.
  private charIds: Int32Array | undefined;
  // Pieces that are both mergeable and reserved: sentencepiece's PieceToId prefers the reserved id.
  private ambiguous = false;
  // Work arrays reused across calls (allocation per sentence was a large share of the time).
  private scratch = newScratch(256);
  private readonly agenda = new PairAgenda(256);

  private buildTables(): void {
    const entries: Array<[number, number, number]> = [];
    for (const [piece, id] of this.mergeable) {
      for (let k = 1; k < piece.length; k++) {
        const c = piece.charCodeAt(k);
        if (c >= 0xdc00 && c <= 0xdfff) continue; // never split a surrogate pair
        const l = this.mergeable.get(piece.slice(0, k));
        const r = this.mergeable.get(piece.slice(k));
        if (l !== undefined && r !== undefined) entries.push([l, r, id]);
      }
    }
    const table = new PairTable(entries.length);
    for (const [l, r, id] of entries) table.set(l, r, id, id);
    const charIds = new Int32Array(0x10000).fill(-1);
    for (const [piece, id] of this.mergeable) if (piece.length === 1) charIds[piece.charCodeAt(0)] = id;
    for (const piece of this.reserved.keys()) if (this.mergeable.has(piece)) this.ambiguous = true;
    this.charIds = charIds;
    this.pairTable = table;
  }

  /**
   * BPE over a normalized string. Returns the final pieces: an id for a mergeable piece, the text
   * for anything else (unknown characters; resolved to <unk> or bytes by the caller).
   */
  private bpe(s: string): Array<number | string> {
    if (!this.pairTable) this.buildTables();
    const table = this.pairTable!;
    const charIds = this.charIds!;
    // Initial symbols: one per code point, or a whole user-defined piece (frozen: never merged).
    if (this.scratch.start.length < s.length) this.scratch = newScratch(s.length * 2);
    const { start, end, sym, frozen, prev, next } = this.scratch;
    let n = 0;
    for (let i = 0; i < s.length; n++) {
      const c = s.charCodeAt(i);
      let len = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
      let id = len === 1 ? charIds[c]! : (this.mergeable.get(s.slice(i, i + 2)) ?? -1);
      frozen[n] = 0;
      if (this.userDefined.size > 0) {
        const hit = this.userDefined.get(s.slice(i, i + len))?.find((u) => s.startsWith(u, i));
        if (hit) {
          len = hit.length;
          id = this.mergeable.get(hit)!;
          frozen[n] = 1;
        }
      }
      start[n] = i;
      end[n] = i + len;
      sym[n] = id;
      i += len;
    }
    for (let i = 0; i < n; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }

    // The id the pair (l, r) would merge into, or -1.
    const mergedId = (l: number, r: number): number => {
      if (sym[l]! >= 0 && sym[r]! >= 0) {
        const rank = table.get(sym[l]!, sym[r]!);
        if (rank >= 0) return rank;
        return -1;
      }
      // A side that is not itself a piece (e.g. a character only seen inside longer pieces).
      return this.mergeable.get(s.slice(start[l]!, end[r]!)) ?? -1;
    };

    // Agenda: max-heap on (score, then smaller left index) of pairs (left, right, size).
    const heap = this.agenda;
    heap.size = 0;
    const unusedSplits = new Map<string, [string, string]>();
    const addPair = (l: number, r: number) => {
      if (l < 0 || r < 0 || frozen[l] || frozen[r]) return;
      const id = mergedId(l, r);
      if (id < 0) return;
      heap.push(this.scores[id]!, l, r, end[r]! - start[l]!);
      if (this.types[id] === PieceType.UNUSED) unusedSplits.set(this.pieceText[id]!, [s.slice(start[l]!, end[l]!), s.slice(start[r]!, end[r]!)]);
    };

    for (let i = 1; i < n; i++) addPair(i - 1, i);
    while (heap.size > 0) {
      heap.pop();
      const left = heap.left;
      const right = heap.right;
      const size = heap.pieceSize;
      const ll = end[left]! - start[left]!;
      const rl = end[right]! - start[right]!;
      // Stale if either side was consumed or has grown since this pair was queued.
      if (ll === 0 || rl === 0 || ll + rl !== size || next[left] !== right) continue;
      sym[left] = mergedId(left, right);
      end[left] = end[right]!;
      start[right] = end[right]!; // empty: consumed
      next[left] = next[right]!;
      if (next[right]! >= 0) prev[next[right]!] = left;
      addPair(prev[left]!, left);
      addPair(left, next[left]!);
    }

    const out: Array<number | string> = [];
    const resegment = (w: string) => {
      const id = this.mergeable.get(w);
      const split = id !== undefined && this.types[id] === PieceType.UNUSED ? unusedSplits.get(w) : undefined;
      if (!split) {
        out.push(id === undefined || this.ambiguous ? w : id);
        return;
      }
      resegment(split[0]);
      resegment(split[1]);
    };
    for (let i = 0; i >= 0; i = next[i]!) {
      const id = sym[i]!;
      if (id >= 0 && !this.ambiguous && this.types[id] !== PieceType.UNUSED) out.push(id);
      else resegment(s.slice(start[i]!, end[i]!));
    }
    return out;
  }
}

/** UTF-8 decoding as sentencepiece does it for byte pieces: each invalid byte becomes one U+FFFD. */
export function decodeBytesLikeSentencePiece(bytes: readonly number[]): string {
  const buf = Uint8Array.from(bytes);
  let out = '';
  for (let i = 0; i < buf.length; ) {
    const n = validUtf8Length(buf, i);
    if (n === 0) {
      out += '\ufffd';
      i += 1;
    } else {
      out += utf8Decode(buf.subarray(i, i + n));
      i += n;
    }
  }
  return out;
}

function newScratch(cap: number) {
  return {
    start: new Int32Array(cap),
    end: new Int32Array(cap),
    sym: new Int32Array(cap),
    frozen: new Uint8Array(cap),
    prev: new Int32Array(cap),
    next: new Int32Array(cap),
  };
}

/** A binary max-heap of candidate merges on typed arrays; pop() leaves the top in left/right/pieceSize. */
class PairAgenda {
  size = 0;
  left = 0;
  right = 0;
  pieceSize = 0;
  private scores: Float64Array;
  private lefts: Int32Array;
  private rights: Int32Array;
  private sizes: Int32Array;

  constructor(capacity: number) {
    const cap = Math.max(16, capacity);
    this.scores = new Float64Array(cap);
    this.lefts = new Int32Array(cap);
    this.rights = new Int32Array(cap);
    this.sizes = new Int32Array(cap);
  }

  private above(a: number, b: number): boolean {
    const sa = this.scores[a]!;
    const sb = this.scores[b]!;
    return sa > sb || (sa === sb && this.lefts[a]! < this.lefts[b]!);
  }

  private move(from: number, to: number): void {
    this.scores[to] = this.scores[from]!;
    this.lefts[to] = this.lefts[from]!;
    this.rights[to] = this.rights[from]!;
    this.sizes[to] = this.sizes[from]!;
  }

  private grow(): void {
    const cap = this.scores.length * 2;
    const g = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.scores = g(this.scores, (k) => new Float64Array(k));
    this.lefts = g(this.lefts, (k) => new Int32Array(k));
    this.rights = g(this.rights, (k) => new Int32Array(k));
    this.sizes = g(this.sizes, (k) => new Int32Array(k));
  }

  push(score: number, left: number, right: number, size: number): void {
    if (this.size + 1 >= this.scores.length) this.grow();
    // Sift up using the spare slot at index `size` as scratch for the new entry.
    const tmp = this.scores.length - 1;
    this.scores[tmp] = score;
    this.lefts[tmp] = left;
    this.rights[tmp] = right;
    this.sizes[tmp] = size;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(tmp, p)) break;
      this.move(p, i);
      i = p;
    }
    this.move(tmp, i);
  }

  pop(): void {
    this.left = this.lefts[0]!;
    this.right = this.rights[0]!;
    this.pieceSize = this.sizes[0]!;
    const last = --this.size;
    if (last === 0) return;
    const tmp = this.scores.length - 1;
    this.move(last, tmp);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.above(r, l) ? r : l;
      if (!this.above(c, tmp)) break;
      this.move(c, i);
      i = c;
    }
    this.move(tmp, i);
  }
}

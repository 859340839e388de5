// SentencePiece BPE encoding (the LLaMA family), following sentencepiece's bpe_model.cc and
// sentencepiece_processor.cc: normalize (dummy prefix, ' ' -> '▁'), start from characters
// (user-defined pieces whole), repeatedly merge the adjacent pair whose concatenation is the
// highest-scoring piece (leftmost on ties), then spell pieces that are not in the vocabulary as
// their UTF-8 bytes `<0xNN>` (byte fallback) or as <unk>.
import { TokenizerFileError } from './errors.js';
import { PieceType, type SentencePieceModel } from './sentencepiece_model.js';
import { allowedSpecialSet, splitOnSpecials, type EncodeOptions, type Tokenizer } from './tokenizer.js';
import { utf8Decode, utf8Encode, validUtf8Length } from './utf8.js';

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
      throw new TokenizerFileError(file, `model_type is ${ts.modelType}; deepts encodes only BPE SentencePiece models (this file can still be read and merged)`);
    }
    if (ns.precompiledCharsmap.length > 0) {
      throw new TokenizerFileError(file, `normalizer '${ns.name}' uses a precompiled character map, which deepts does not implement; expected the 'identity' normalizer (as in LLaMA)`);
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
      if (map.has(p.piece)) throw new TokenizerFileError(file, `piece ${JSON.stringify(p.piece)} (id ${id}) is already defined (id ${map.get(p.piece)}); expected unique pieces`);
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
      if (missing >= 0) throw new TokenizerFileError(file, `byte_fallback is on but piece <0x${missing.toString(16).toUpperCase().padStart(2, '0')}> is missing`);
    }
    this.unkId = unk;
    this.bosId = ts.bosId >= 0 && ts.bosId < n && this.types[ts.bosId] === PieceType.CONTROL ? ts.bosId : -1;
    this.eosId = ts.eosId >= 0 && ts.eosId < n && this.types[ts.eosId] === PieceType.CONTROL ? ts.eosId : -1;
    this.specialTokens = specials;
  }

  encode(text: string, options?: SentencePieceEncodeOptions): number[] {
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
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new RangeError(`${this.name}: token id ${id} is out of range (vocabulary size ${this.vocabSize})`);
    return id;
  }

  private requireControl(id: number, what: string): number {
    if (id < 0) throw new Error(`${this.name}: the model defines no ${what} piece`);
    return id;
  }

  private encodeSentence(text: string, out: number[]): void {
    const norm = this.normalize(text);
    if (norm === '') return;
    const pieces = this.bpe(norm);
    let prevUnk = false;
    for (const w of pieces) {
      const id = this.reserved.get(w) ?? this.mergeable.get(w) ?? this.unkId;
      const isUnk = id === this.unkId;
      if (isUnk && this.byteFallback) {
        for (const b of utf8Encode(w)) out.push(this.byteIds[b]!);
      } else if (!(isUnk && prevUnk)) {
        out.push(id); // a run of unknown pieces is one <unk>, as in sentencepiece
      }
      prevUnk = isUnk;
    }
  }

  /** BPE over a normalized string; returns the final pieces (before vocabulary lookup). */
  private bpe(s: string): string[] {
    // Initial symbols: one per code point, or a whole user-defined piece (frozen: never merged).
    const starts: number[] = [];
    const frozenAt: boolean[] = [];
    for (let i = 0; i < s.length; ) {
      starts.push(i);
      let len = s.codePointAt(i)! > 0xffff ? 2 : 1;
      let frozen = false;
      if (this.userDefined.size > 0) {
        const cands = this.userDefined.get(s.slice(i, i + len));
        const hit = cands?.find((u) => s.startsWith(u, i));
        if (hit) {
          len = hit.length;
          frozen = true;
        }
      }
      frozenAt.push(frozen);
      i += len;
    }
    const n = starts.length;
    const start = Int32Array.from(starts);
    const end = new Int32Array(n);
    const prev = new Int32Array(n);
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      end[i] = i + 1 < n ? start[i + 1]! : s.length;
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }
    const frozen = Uint8Array.from(frozenAt, (f) => (f ? 1 : 0));

    // Agenda: max-heap on (score, then smaller left index), entries (score, left, right, size).
    const hScore: number[] = [];
    const hLeft: number[] = [];
    const hRight: number[] = [];
    const hSize: number[] = [];
    const above = (a: number, b: number) => hScore[a]! > hScore[b]! || (hScore[a] === hScore[b] && hLeft[a]! < hLeft[b]!);
    const swap = (a: number, b: number) => {
      [hScore[a], hScore[b]] = [hScore[b]!, hScore[a]!];
      [hLeft[a], hLeft[b]] = [hLeft[b]!, hLeft[a]!];
      [hRight[a], hRight[b]] = [hRight[b]!, hRight[a]!];
      [hSize[a], hSize[b]] = [hSize[b]!, hSize[a]!];
    };
    const unusedSplits = new Map<string, [string, string]>();
    const addPair = (l: number, r: number) => {
      if (l < 0 || r < 0 || frozen[l] || frozen[r]) return;
      const piece = s.slice(start[l]!, end[r]!);
      const id = this.mergeable.get(piece);
      if (id === undefined) return;
      let i = hScore.length;
      hScore.push(this.scores[id]!);
      hLeft.push(l);
      hRight.push(r);
      hSize.push(piece.length);
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!above(i, p)) break;
        swap(i, p);
        i = p;
      }
      if (this.types[id] === PieceType.UNUSED) unusedSplits.set(piece, [s.slice(start[l]!, end[l]!), s.slice(start[r]!, end[r]!)]);
    };
    const popTop = () => {
      const last = hScore.length - 1;
      swap(0, last);
      const top = { left: hLeft.pop()!, right: hRight.pop()!, size: hSize.pop()! };
      hScore.pop();
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= hScore.length) break;
        const r = l + 1;
        const c = r < hScore.length && above(r, l) ? r : l;
        if (!above(c, i)) break;
        swap(c, i);
        i = c;
      }
      return top;
    };

    for (let i = 1; i < n; i++) addPair(i - 1, i);
    while (hScore.length > 0) {
      const { left, right, size } = popTop();
      const ll = end[left]! - start[left]!;
      const rl = end[right]! - start[right]!;
      // Stale if either side was consumed or has grown since this pair was queued.
      if (ll === 0 || rl === 0 || ll + rl !== size || next[left] !== right) continue;
      end[left] = end[right]!;
      start[right] = end[right]!; // empty: consumed
      next[left] = next[right]!;
      if (next[right]! >= 0) prev[next[right]!] = left;
      addPair(prev[left]!, left);
      addPair(left, next[left]!);
    }

    const out: string[] = [];
    const resegment = (w: string) => {
      const id = this.mergeable.get(w);
      const split = id !== undefined && this.types[id] === PieceType.UNUSED ? unusedSplits.get(w) : undefined;
      if (!split) {
        out.push(w);
        return;
      }
      resegment(split[0]);
      resegment(split[1]);
    };
    for (let i = 0; i >= 0; i = next[i]!) resegment(s.slice(start[i]!, end[i]!));
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

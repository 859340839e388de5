// Byte-level BPE (GPT-2 style): text is split by a regex, each piece becomes its UTF-8 bytes, and
// the ranked merges are applied lowest rank first, leftmost first, within each piece. GPT-2, the
// Hugging Face loader and the deepts trainer all build one of these.
import { bytesToTokenString } from './byte-unicode.js';
import { compileSplitPattern } from './gpt2-pattern.js';
import { PairTable } from './pair-table.js';
import { allowedSpecialSet, splitOnSpecials, type EncodeOptions, type Tokenizer } from './tokenizer.js';
import { concatBytes, utf8Decode, utf8Encode, utf8Runs } from './utf8.js';
import { checkOptions, optionKeys } from '../util/options.js';

const ENCODE_KEYS = ['allowedSpecial'];
const SPEC_KEYS = optionKeys<ByteLevelBpeSpec>({ name: true, tokenBytes: true, merges: true, specialTokens: true, pattern: true });

export type ByteLevelBpeSpec = {
  name: string;
  /** Bytes of every ordinary token, indexed by id; special-token ids are left undefined here. */
  tokenBytes: Array<Uint8Array | undefined>;
  /** Merges in rank order: [left id, right id]; the result is the token whose bytes are the concatenation. */
  merges: ReadonlyArray<readonly [number, number]>;
  specialTokens: ReadonlyMap<string, number>;
  /** Pre-tokenization regex source, compiled with the 'u' flag. */
  pattern: string;
};

// Pieces longer than this use the heap-based merge loop; shorter ones a simple scan, which is faster there.
const SCAN_LIMIT = 24;
// The piece cache is dropped when it grows past this many entries, bounding memory on huge inputs.
const CACHE_LIMIT = 200_000;

export class ByteLevelBpe implements Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly pattern: string;
  /** Merges in rank order, as [left id, right id, result id]. */
  readonly merges: ReadonlyArray<readonly [number, number, number]>;
  private readonly bytesOf: Uint8Array[];
  private readonly tokenOf: string[];
  private readonly idOf: Map<string, number>;
  private readonly byteToId = new Int32Array(256);
  private readonly pairs: PairTable;
  private readonly splitter: RegExp;
  private readonly cache = new Map<string, number[]>();
  private readonly utf8Buf = new Uint8Array(4096);
  private readonly textEncoder = new TextEncoder();

  constructor(spec: ByteLevelBpeSpec) {
    checkOptions('ByteLevelBpe', spec, SPEC_KEYS);
    if (!spec || !Array.isArray(spec.tokenBytes) || !Array.isArray(spec.merges) || !(spec.specialTokens instanceof Map) || typeof spec.pattern !== 'string') {
      throw new TypeError(
        `ByteLevelBpe: expected a spec {${SPEC_KEYS.join(', ')}} with tokenBytes and merges arrays, specialTokens a Map and pattern a string`,
      );
    }
    this.name = spec.name;
    this.pattern = spec.pattern;
    this.splitter = compileSplitPattern(spec.pattern);
    this.specialTokens = spec.specialTokens;
    let size = spec.tokenBytes.length;
    for (const id of spec.specialTokens.values()) size = Math.max(size, id + 1);
    this.vocabSize = size;
    this.bytesOf = new Array(size);
    this.tokenOf = new Array(size);
    this.idOf = new Map();
    const byBytes = new Map<string, number>();
    this.byteToId.fill(-1);
    spec.tokenBytes.forEach((b, id) => {
      if (!b) return;
      this.bytesOf[id] = b;
      const tok = bytesToTokenString(b);
      this.tokenOf[id] = tok;
      if (!this.idOf.has(tok)) this.idOf.set(tok, id);
      if (!byBytes.has(tok)) byBytes.set(tok, id);
      if (b.length === 1 && this.byteToId[b[0]!] === -1) this.byteToId[b[0]!] = id;
    });
    for (const [text, id] of spec.specialTokens) {
      if (this.bytesOf[id] && this.tokenOf[id] !== text && this.tokenOf[id] !== bytesToTokenString(utf8Encode(text))) {
        throw new Error(`${spec.name}: special token '${text}' reuses id ${id}, which is the ordinary token '${this.tokenOf[id]}'`);
      }
      this.bytesOf[id] = utf8Encode(text);
      this.tokenOf[id] = text;
      this.idOf.set(text, id);
    }
    for (let id = 0; id < size; id++) {
      if (!this.bytesOf[id]) throw new Error(`${spec.name}: vocabulary has no token with id ${id} (ids must be 0..${size - 1} without gaps)`);
    }
    for (let b = 0; b < 256; b++) {
      if (this.byteToId[b] === -1)
        throw new Error(`${spec.name}: byte-level vocabulary lacks the single-byte token for byte 0x${b.toString(16).padStart(2, '0')}`);
    }
    this.pairs = new PairTable(spec.merges.length);
    const merges: Array<readonly [number, number, number]> = [];
    spec.merges.forEach(([l, r], rank) => {
      const lb = this.bytesOf[l];
      const rb = this.bytesOf[r];
      if (!lb || !rb) throw new Error(`${spec.name}: merge ${rank} names id ${!lb ? l : r}, which is not in the vocabulary`);
      const merged = bytesToTokenString(concatBytes([lb, rb]));
      const result = byBytes.get(merged);
      if (result === undefined)
        throw new Error(`${spec.name}: merge ${rank} ('${this.tokenOf[l]}' + '${this.tokenOf[r]}') makes '${merged}', which is not in the vocabulary`);
      // A repeated pair keeps its first (lowest) rank, as in Hugging Face tokenizers.
      if (this.pairs.get(l, r) < 0) this.pairs.set(l, r, rank, result);
      merges.push([l, r, result]);
    });
    this.merges = merges;
  }

  encode(text: string, options?: EncodeOptions): number[] {
    checkOptions(`${this.name}.encode`, options, ENCODE_KEYS);
    if (typeof text !== 'string') throw new TypeError(`${this.name}.encode: expected a string, got ${typeof text}`);
    const out: number[] = [];
    for (const part of splitOnSpecials(text, this.specialTokens, allowedSpecialSet(this.specialTokens, options))) {
      if (typeof part === 'number') out.push(part);
      else this.encodeOrdinary(part, out);
    }
    return out;
  }

  /** Encodes text with no special-token recognition, appending ids to `out`. */
  encodeOrdinary(text: string, out: number[] = []): number[] {
    const re = this.splitter;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) this.encodePiece(m[0], out);
    return out;
  }

  /**
   * Encodes any byte string so that decodeBytes gives it back exactly: valid UTF-8 runs are
   * pre-split like text, each byte that is not part of valid UTF-8 is a piece of its own.
   */
  encodeBytes(bytes: Uint8Array): number[] {
    const out: number[] = [];
    for (const run of utf8Runs(bytes)) {
      if (run.valid) this.encodeOrdinary(utf8Decode(bytes.subarray(run.start, run.end)), out);
      else out.push(this.byteToId[bytes[run.start]!]!);
    }
    return out;
  }

  /** Forgets cached piece encodings (benchmarks use it to time encoding from a cold cache). */
  clearCache(): void {
    this.cache.clear();
  }

  decode(ids: ArrayLike<number>): string {
    return utf8Decode(this.decodeBytes(ids));
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    let n = 0;
    for (let i = 0; i < ids.length; i++) n += this.idToBytes(ids[i]!).length;
    const out = new Uint8Array(n);
    let o = 0;
    for (let i = 0; i < ids.length; i++) {
      const b = this.bytesOf[ids[i]!]!;
      out.set(b, o);
      o += b.length;
    }
    return out;
  }

  tokenToId(token: string): number | undefined {
    return this.idOf.get(token);
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 && id < this.vocabSize ? this.tokenOf[id] : undefined;
  }

  idToBytes(id: number): Uint8Array {
    const b = Number.isInteger(id) && id >= 0 ? this.bytesOf[id] : undefined;
    if (!b) throw new RangeError(`${this.name}: token id ${id} is out of range (vocabulary size ${this.vocabSize})`);
    return b;
  }

  private encodePiece(piece: string, out: number[]): void {
    const cached = this.cache.get(piece);
    if (cached !== undefined) {
      for (let i = 0; i < cached.length; i++) out.push(cached[i]!);
      return;
    }
    const bytes = this.pieceBytes(piece);
    const ids = bytes.length <= SCAN_LIMIT ? this.mergeByScan(bytes) : this.mergeByHeap(bytes);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(piece, ids);
    for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
  }

  private pieceBytes(piece: string): Uint8Array {
    if (piece.length * 3 <= this.utf8Buf.length) {
      const { written } = this.textEncoder.encodeInto(piece, this.utf8Buf);
      return this.utf8Buf.subarray(0, written);
    }
    return utf8Encode(piece);
  }

  // Repeatedly merges the lowest-rank adjacent pair (leftmost on ties): O(n^2), best for short pieces.
  private mergeByScan(bytes: Uint8Array): number[] {
    const n = bytes.length;
    const sym: number[] = new Array(n);
    for (let i = 0; i < n; i++) sym[i] = this.byteToId[bytes[i]!]!;
    const pairs = this.pairs;
    let len = n;
    while (len > 1) {
      let bestRank = 0x7fffffff;
      let bestAt = -1;
      for (let i = 0; i < len - 1; i++) {
        const rank = pairs.get(sym[i]!, sym[i + 1]!);
        if (rank >= 0 && rank < bestRank) {
          bestRank = rank;
          bestAt = i;
        }
      }
      if (bestAt < 0) break;
      sym[bestAt] = pairs.resultOf(sym[bestAt]!, sym[bestAt + 1]!);
      sym.splice(bestAt + 1, 1);
      len--;
    }
    return sym;
  }

  // The same merge order with a linked list and a heap of (rank, position): O(n log n) for long pieces.
  private mergeByHeap(bytes: Uint8Array): number[] {
    const n = bytes.length;
    const sym = new Int32Array(n);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      sym[i] = this.byteToId[bytes[i]!]!;
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const pairs = this.pairs;
    // Heap keys pack rank and left position into one exact double: rank * 2^32 + position.
    const heap: number[] = [];
    const push = (key: number) => {
      let i = heap.length;
      heap.push(key);
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (heap[p]! <= key) break;
        heap[i] = heap[p]!;
        i = p;
      }
      heap[i] = key;
    };
    const pop = (): number => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= heap.length) break;
          const r = l + 1;
          const c = r < heap.length && heap[r]! < heap[l]! ? r : l;
          if (heap[c]! >= last) break;
          heap[i] = heap[c]!;
          i = c;
        }
        heap[i] = last;
      }
      return top;
    };
    const TWO32 = 4294967296;
    const consider = (i: number) => {
      if (i < 0 || next[i]! < 0) return;
      const rank = pairs.get(sym[i]!, sym[next[i]!]!);
      if (rank >= 0) push(rank * TWO32 + i);
    };
    for (let i = 0; i < n - 1; i++) consider(i);
    while (heap.length > 0) {
      const key = pop();
      const i = key % TWO32;
      const rank = (key - i) / TWO32;
      const j = next[i]!;
      if (sym[i]! < 0 || j < 0 || pairs.get(sym[i]!, sym[j]!) !== rank) continue; // stale entry
      sym[i] = pairs.resultOf(sym[i]!, sym[j]!);
      sym[j] = -1;
      next[i] = next[j]!;
      if (next[j]! >= 0) prev[next[j]!] = i;
      consider(prev[i]!);
      consider(i);
    }
    const ids: number[] = [];
    for (let i = 0; i >= 0; i = next[i]!) ids.push(sym[i]!);
    return ids;
  }
}

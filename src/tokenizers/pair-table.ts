// An open-addressing hash table from a token-id pair to (merge rank, merged id), on typed arrays:
// the BPE inner loop does one lookup per adjacent pair, and a Map keyed by strings or by
// non-small-integer numbers costs several times more.

export class PairTable {
  private readonly mask: number;
  private readonly lefts: Int32Array;
  private readonly rights: Int32Array;
  private readonly ranks: Int32Array;
  private readonly results: Int32Array;

  constructor(expected: number) {
    let cap = 16;
    while (cap < expected * 2) cap <<= 1;
    this.mask = cap - 1;
    this.lefts = new Int32Array(cap).fill(-1);
    this.rights = new Int32Array(cap);
    this.ranks = new Int32Array(cap);
    this.results = new Int32Array(cap);
  }

  private slot(l: number, r: number): number {
    let h = (Math.imul(l, 0x9e3779b1) ^ Math.imul(r, 0x85ebca6b)) >>> 0;
    h = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const k = this.lefts[h]!;
      if (k === -1 || (k === l && this.rights[h] === r)) return h;
      h = (h + 1) & this.mask;
    }
  }

  set(l: number, r: number, rank: number, result: number): void {
    const h = this.slot(l, r);
    this.lefts[h] = l;
    this.rights[h] = r;
    this.ranks[h] = rank;
    this.results[h] = result;
  }

  /** The rank of the pair's merge, or -1 when the pair never merges. */
  get(l: number, r: number): number {
    const h = this.slot(l, r);
    return this.lefts[h] === -1 ? -1 : this.ranks[h]!;
  }

  /** The id the pair merges into; only meaningful when get(l, r) >= 0. */
  resultOf(l: number, r: number): number {
    return this.results[this.slot(l, r)]!;
  }
}

// GPT-2's reversible byte <-> unicode mapping: every byte gets a printable character so BPE
// vocabularies can be stored as text. Printable Latin-1 bytes map to themselves; the other 68
// (controls, space, 0x7F-0xA0, 0xAD) map to U+0100 onward, in byte order (so space is 'Ġ').

function buildByteToChar(): string[] {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = new Array(256);
  let next = 256;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(printable(b) ? b : next++);
  return out;
}

/** byteToChar[b] is the character that stands for byte b in GPT-2 style vocabularies. */
export const byteToChar: readonly string[] = buildByteToChar();

const charToByte = new Map<string, number>(byteToChar.map((c, b) => [c, b]));

/** The byte-level text form of a byte string, e.g. [0x20, 0x74] -> 'Ġt'. */
export function bytesToTokenString(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += byteToChar[b];
  return s;
}

/** The bytes of a byte-level token string, or undefined if it has a character outside the mapping. */
export function tokenStringToBytes(token: string): Uint8Array | undefined {
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = charToByte.get(token[i]!);
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}

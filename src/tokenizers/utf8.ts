// UTF-8 helpers shared by the byte-level tokenizers: finding valid runs in arbitrary bytes (so
// every byte string can be encoded and round-trips), and lenient decoding (U+FFFD for bad bytes).

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes bytes; each maximal invalid subsequence becomes U+FFFD (the WHATWG rule). */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Length of the valid UTF-8 sequence starting at i, or 0 if the byte there cannot start one. */
export function validUtf8Length(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  let len: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) len = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    if (b0 === 0xe0) lo = 0xa0; // no overlong forms
    if (b0 === 0xed) hi = 0x9f; // no surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f; // nothing above U+10FFFF
  } else return 0;
  if (i + len > bytes.length) return 0;
  const b1 = bytes[i + 1]!;
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k < len; k++) {
    const b = bytes[i + k]!;
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return len;
}

/** Splits bytes into maximal valid UTF-8 runs and single invalid bytes, in order. */
export function utf8Runs(bytes: Uint8Array): Array<{ valid: boolean; start: number; end: number }> {
  const runs: Array<{ valid: boolean; start: number; end: number }> = [];
  let i = 0;
  let runStart = 0;
  while (i < bytes.length) {
    const n = validUtf8Length(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > runStart) runs.push({ valid: true, start: runStart, end: i });
    runs.push({ valid: false, start: i, end: i + 1 });
    i += 1;
    runStart = i;
  }
  if (i > runStart) runs.push({ valid: true, start: runStart, end: i });
  return runs;
}

/**
 * Groups consecutive token byte strings so each group decodes to whole characters: a token that
 * ends inside a character is joined with the following ones (used to show and colour tokens).
 */
export function groupTokensByCharacters(tokenBytes: Uint8Array[]): Array<{ tokens: number; text: string }> {
  const groups: Array<{ tokens: number; text: string }> = [];
  let pending: Uint8Array[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    groups.push({ tokens: pending.length, text: utf8Decode(concatBytes(pending)) });
    pending = [];
  };
  for (const b of tokenBytes) {
    pending.push(b);
    const all = concatBytes(pending);
    if (endsOnCharBoundary(all)) flush();
  }
  flush();
  return groups;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** True when the bytes end with a complete character (or with bytes that can never complete). */
function endsOnCharBoundary(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length) {
    const n = validUtf8Length(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    // Invalid here: if it is a truncated but otherwise valid prefix at the very end, wait for more.
    if (isTruncatedPrefix(bytes, i)) return false;
    i += 1;
  }
  return true;
}

function isTruncatedPrefix(bytes: Uint8Array, i: number): boolean {
  const b0 = bytes[i]!;
  const need = b0 >= 0xc2 && b0 <= 0xdf ? 2 : b0 >= 0xe0 && b0 <= 0xef ? 3 : b0 >= 0xf0 && b0 <= 0xf4 ? 4 : 0;
  if (need === 0 || i + need <= bytes.length) return false;
  for (let k = i + 1; k < bytes.length; k++) if (bytes[k]! < 0x80 || bytes[k]! > 0xbf) return false;
  return true;
}

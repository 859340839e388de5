// nanoGPT's token files (train.bin / val.bin): the token ids as little-endian uint16, nothing
// else, so vocabularies up to 65,536 (GPT-2's 50,257 fits). Written atomically.
import { readFileSync } from 'node:fs';
import { writeAll, writeFileAtomic } from '../io/atomic-write.js';

export function writeTokenFile(path: string, tokens: ArrayLike<number>): void {
  const out = new Uint16Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const id = tokens[i]!;
    if (!Number.isInteger(id) || id < 0 || id > 65535)
      throw new RangeError(`writeTokenFile: token ${id} at position ${i} does not fit in uint16 (0..65535); ${path} not written`);
    out[i] = id;
  }
  writeFileAtomic(path, (fd) => writeAll(fd, new Uint8Array(out.buffer)));
}

export function readTokenFile(path: string): Uint16Array {
  const bytes = readFileSync(path);
  if (bytes.length % 2 !== 0) throw new RangeError(`readTokenFile: ${path} has ${bytes.length} bytes, not a whole number of uint16 tokens`);
  const out = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  return out;
}

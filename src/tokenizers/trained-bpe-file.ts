// The deepts-bpe file format for trained byte-level BPE tokenizers (documented in
// docs/tokenizers.md). It stores only what defines the tokenizer; ids are implied:
//
//   { "format": "deepts-bpe", "version": 1, "pattern": "<regex>",
//     "merges": [[left, right], ...], "specialTokens": { "<|endoftext|>": id, ... } }
//
// Ids 0..255 are the single bytes. Each merge, in order, joins two existing ids; if the joined
// bytes are not yet a token they become the next id. Special tokens take ids after that.
import { readFileSync, writeFileSync } from 'node:fs';
import { ByteLevelBpe } from './byte-level-bpe.js';
import { TokenizerFileError, parseJsonFile } from './errors.js';
import { compileSplitPattern } from './gpt2-pattern.js';

export type TrainedBpeSpec = {
  name: string;
  pattern: string;
  merges: ReadonlyArray<readonly [number, number]>;
  specialTokens: ReadonlyMap<string, number>;
};

/** Builds the tokenizer a merge list defines (ids as described above). */
export function buildTrainedBpe(spec: TrainedBpeSpec, file = spec.name): ByteLevelBpe {
  const tokenBytes: Uint8Array[] = [];
  for (let b = 0; b < 256; b++) tokenBytes.push(Uint8Array.of(b));
  const idOf = new Map<string, number>(tokenBytes.map((b, i) => [String.fromCharCode(...b), i]));
  spec.merges.forEach(([l, r], i) => {
    if (!Number.isInteger(l) || !Number.isInteger(r) || l < 0 || r < 0 || l >= tokenBytes.length || r >= tokenBytes.length) {
      throw new TokenizerFileError(file, `merges[${i}] = [${l}, ${r}] names an unknown token: only ids 0..${tokenBytes.length - 1} exist before this merge`);
    }
    const bytes = new Uint8Array(tokenBytes[l]!.length + tokenBytes[r]!.length);
    bytes.set(tokenBytes[l]!);
    bytes.set(tokenBytes[r]!, tokenBytes[l]!.length);
    const key = String.fromCharCode(...bytes);
    if (!idOf.has(key)) {
      idOf.set(key, tokenBytes.length);
      tokenBytes.push(bytes);
    }
  });
  const expected = [...spec.specialTokens.values()].sort((a, b) => a - b);
  expected.forEach((id, k) => {
    if (id !== tokenBytes.length + k)
      throw new TokenizerFileError(file, `special token ids must follow the ${tokenBytes.length} merged tokens (${tokenBytes.length}..), got ${id}`);
  });
  return new ByteLevelBpe({ name: spec.name, tokenBytes, merges: spec.merges, specialTokens: spec.specialTokens, pattern: spec.pattern });
}

export function trainedBpeToJson(tok: ByteLevelBpe): string {
  const merges = tok.merges.map(([l, r]) => `[${l},${r}]`).join(',\n    ');
  const specials = Object.fromEntries([...tok.specialTokens].sort((a, b) => a[1] - b[1]));
  return `{\n  "format": "deepts-bpe",\n  "version": 1,\n  "vocabSize": ${tok.vocabSize},\n  "pattern": ${JSON.stringify(tok.pattern)},\n  "specialTokens": ${JSON.stringify(specials)},\n  "merges": [\n    ${merges}\n  ]\n}\n`;
}

export function trainedBpeFromJson(text: string, file = 'deepts-bpe.json', name = file): ByteLevelBpe {
  const doc = parseJsonFile(file, text, 'a deepts-bpe tokenizer object') as Record<string, unknown> | null;
  if (doc === null || typeof doc !== 'object' || doc.format !== 'deepts-bpe')
    throw new TokenizerFileError(file, 'expected a JSON object with "format": "deepts-bpe"');
  if (doc.version !== 1) throw new TokenizerFileError(file, `unsupported deepts-bpe version ${JSON.stringify(doc.version)}; expected 1`);
  if (typeof doc.pattern !== 'string') throw new TokenizerFileError(file, '"pattern": expected the pre-tokenization regex as a string');
  try {
    compileSplitPattern(doc.pattern);
  } catch (e) {
    throw new TokenizerFileError(file, `"pattern": ${(e as Error).message}`);
  }
  if (!Array.isArray(doc.merges)) throw new TokenizerFileError(file, '"merges": expected an array of [left id, right id] pairs');
  const merges = doc.merges.map((m, i) => {
    if (!Array.isArray(m) || m.length !== 2 || !m.every((x) => Number.isInteger(x)))
      throw new TokenizerFileError(file, `merges[${i}]: expected [left id, right id], got ${JSON.stringify(m)}`);
    return [m[0], m[1]] as [number, number];
  });
  const sp = doc.specialTokens ?? {};
  if (sp === null || typeof sp !== 'object' || Array.isArray(sp))
    throw new TokenizerFileError(file, '"specialTokens": expected an object mapping token text to id');
  const specialTokens = new Map<string, number>();
  for (const [k, v] of Object.entries(sp)) {
    if (!Number.isInteger(v)) throw new TokenizerFileError(file, `"specialTokens"[${JSON.stringify(k)}]: expected an integer id, got ${JSON.stringify(v)}`);
    specialTokens.set(k, v as number);
  }
  const tok = buildTrainedBpe({ name, pattern: doc.pattern, merges, specialTokens }, file);
  if (doc.vocabSize !== undefined && doc.vocabSize !== tok.vocabSize)
    throw new TokenizerFileError(file, `"vocabSize" says ${JSON.stringify(doc.vocabSize)} but the merges and special tokens define ${tok.vocabSize} ids`);
  return tok;
}

export function loadTrainedBpe(path: string): ByteLevelBpe {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TokenizerFileError(path, `cannot read deepts-bpe file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return trainedBpeFromJson(text, path, path);
}

export function saveTrainedBpe(tok: ByteLevelBpe, path: string): void {
  writeFileSync(path, trainedBpeToJson(tok));
}

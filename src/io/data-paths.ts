// Where shared data lives: $DEEPTS_DATA, else <repo root>/../shared/data. Data files are never
// committed; code and tests find them here and tests skip when they are absent.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found by walking up from this file to the nearest package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('deepts: cannot find the repository root (no package.json above ' + fileURLToPath(import.meta.url) + ')');
    dir = up;
  }
}

export function dataDir(): string {
  return process.env.DEEPTS_DATA ? resolve(process.env.DEEPTS_DATA) : resolve(repoRoot(), '..', 'shared', 'data');
}

export function dataPath(...parts: string[]): string {
  return join(dataDir(), ...parts);
}

/** A data file's text; a missing or unreadable one is an error naming the path and DEEPTS_DATA (`holding`: what that folder should hold). */
export function readDataFile(path: string, what: string, holding: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(
      `${what}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set DEEPTS_DATA to the folder holding ${holding} (see SOURCES.md)`,
    );
  }
}

/** Known tokenizer files under the data directory. */
export const tokenizerFiles = {
  gpt2Encoder: () => dataPath('tokenizers', 'gpt2', 'encoder.json'),
  gpt2Vocab: () => dataPath('tokenizers', 'gpt2', 'vocab.bpe'),
  gpt2TokenizerJson: () => dataPath('tokenizers', 'gpt2', 'tokenizer.json'),
  llama: () => dataPath('tokenizers', 'llama', 'tokenizer.model'),
  chineseSp: () => dataPath('tokenizers', 'chinese-llama', 'chinese_sp.model'),
  chineseLlama2: () => dataPath('tokenizers', 'chinese-llama-2', 'tokenizer.model'),
  tinyShakespeare: () => dataPath('tinyshakespeare', 'input.txt'),
};

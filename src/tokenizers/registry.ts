// Tokenizers by name (the CLI's --tokenizer) and by path, with format detection from the file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CharTokenizer } from './char-tokenizer.js';
import { tokenizerFiles } from '../io/data-paths.js';
import { TokenizerFileError } from './errors.js';
import { loadGpt2 } from './gpt2-files.js';
import { loadHuggingFaceTokenizer } from './huggingface-json.js';
import { SentencePieceBpe } from './sentencepiece-bpe.js';
import { mergeSentencePieceModels } from './sentencepiece-merge.js';
import { loadSentencePieceModel, type SentencePieceModel } from './sentencepiece-model.js';
import { loadTrainedBpe } from './trained-bpe-file.js';
import type { Tokenizer } from './tokenizer.js';

export const NAMED_TOKENIZERS = ['gpt2', 'llama', 'chinese-llama', 'chinese-llama-2', 'char'] as const;
export type TokenizerName = (typeof NAMED_TOKENIZERS)[number];

/**
 * The Chinese-LLaMA model (49953 pieces), merged in memory from llama/tokenizer.model and
 * chinese-llama/chinese_sp.model: the merged file is not distributed in the data folder.
 */
export function chineseLlamaModel(): SentencePieceModel {
  return mergeSentencePieceModels(
    loadSentencePieceModel(tokenizerFiles.llama()),
    loadSentencePieceModel(tokenizerFiles.chineseSp()),
    'chinese-llama (merged llama + chinese_sp)',
  );
}

export function loadNamedTokenizer(name: TokenizerName): Tokenizer {
  switch (name) {
    case 'gpt2':
      return loadGpt2();
    case 'llama':
      return new SentencePieceBpe(loadSentencePieceModel(tokenizerFiles.llama()), 'llama');
    case 'chinese-llama':
      return new SentencePieceBpe(chineseLlamaModel(), 'chinese-llama');
    case 'chinese-llama-2':
      return new SentencePieceBpe(loadSentencePieceModel(tokenizerFiles.chineseLlama2()), 'chinese-llama-2');
    case 'char':
      return CharTokenizer.fromCorpus(readFileSync(tokenizerFiles.tinyShakespeare(), 'utf8'), 'char (tiny shakespeare)');
  }
}

/**
 * A tokenizer from a file or folder: a SentencePiece `.model`, a Hugging Face `tokenizer.json`,
 * a deepts `deepts-bpe.json` or `deepts-char` file, or a folder holding one of those (or GPT-2's
 * encoder.json + vocab.bpe).
 */
export function loadTokenizerFromPath(path: string): Tokenizer {
  if (!existsSync(path))
    throw new TokenizerFileError(path, 'no such file or folder; expected a tokenizer file (.model, tokenizer.json, deepts-bpe.json) or a folder holding one');
  if (statSync(path).isDirectory()) {
    for (const f of ['deepts-bpe.json', 'tokenizer.json', 'tokenizer.model']) {
      if (existsSync(join(path, f))) return loadTokenizerFromPath(join(path, f));
    }
    if (existsSync(join(path, 'encoder.json')) && existsSync(join(path, 'vocab.bpe'))) return loadGpt2(join(path, 'encoder.json'), join(path, 'vocab.bpe'));
    throw new TokenizerFileError(path, 'folder holds no tokenizer: expected deepts-bpe.json, tokenizer.json, tokenizer.model, or encoder.json + vocab.bpe');
  }
  const head = readFileSync(path).subarray(0, 64).toString('utf8').trimStart();
  if (!head.startsWith('{')) return new SentencePieceBpe(loadSentencePieceModel(path), basename(path));
  const text = readFileSync(path, 'utf8');
  if (/"format"\s*:\s*"deepts-bpe"/.test(text.slice(0, 200))) return loadTrainedBpe(path);
  if (/"format"\s*:\s*"deepts-char"/.test(text.slice(0, 200))) return CharTokenizer.fromJson(text, path);
  return loadHuggingFaceTokenizer(path);
}

// Public API of deepts tokenizers (re-exported from the package root).
export type { EncodeOptions, Tokenizer } from './tokenizer.js';
export { TokenizerFileError } from './errors.js';
export { CharTokenizer } from './char-tokenizer.js';
export {
  VocabTokenizer,
  splitTokens,
  joinWords,
  PAD_ID,
  UNK_ID,
  PAD_TOKEN,
  UNK_TOKEN,
  BOS_ID,
  EOS_ID,
  BOS_TOKEN,
  EOS_TOKEN,
  type VocabLevel,
  type VocabOptions,
} from './vocab-tokenizer.js';
export { ByteLevelBpe, type ByteLevelBpeSpec } from './byte-level-bpe.js';
export { GPT2_SPLIT_PATTERN } from './gpt2-pattern.js';
export { GPT2_END_OF_TEXT, gpt2FromStrings, loadGpt2 } from './gpt2-files.js';
export { byteLevelBpeFromHuggingFaceJson, loadHuggingFaceTokenizer, saveHuggingFaceTokenizer, toHuggingFaceJson } from './huggingface-json.js';
export { SentencePieceBpe, type SentencePieceEncodeOptions } from './sentencepiece-bpe.js';
export {
  PieceType,
  loadSentencePieceModel,
  parseSentencePieceModel,
  saveSentencePieceModel,
  serializeSentencePieceModel,
  type ModelPiece,
  type NormalizerSpec,
  type SentencePieceModel,
  type TrainerSpec,
} from './sentencepiece-model.js';
export { mergeSentencePieceModels } from './sentencepiece-merge.js';
export { trainByteLevelBpe, type BpeTrainerOptions, type BpeTrainingResult } from './bpe-trainer.js';
export { loadTrainedBpe, saveTrainedBpe, trainedBpeFromJson, trainedBpeToJson } from './trained-bpe-file.js';
export { NAMED_TOKENIZERS, chineseLlamaModel, loadNamedTokenizer, loadTokenizerFromPath, type TokenizerName } from './registry.js';
export { batchAt, joinDocuments, type TokenBatch } from './token-batches.js';
export { LECTURE_VOCABULARY_TABLE, countCharacters, tokenStats, type TokenStats } from './vocabulary-stats.js';

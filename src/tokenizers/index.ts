// Public API of deepts tokenizers (re-exported from the package root).
export type { EncodeOptions, Tokenizer } from './tokenizer.js';
export { TokenizerFileError } from './errors.js';
export { CharTokenizer } from './char_tokenizer.js';
export { ByteLevelBpe, type ByteLevelBpeSpec } from './byte_level_bpe.js';
export { GPT2_SPLIT_PATTERN } from './gpt2_pattern.js';
export { GPT2_END_OF_TEXT, gpt2FromStrings, loadGpt2 } from './gpt2_files.js';
export { byteLevelBpeFromHuggingFaceJson, loadHuggingFaceTokenizer, saveHuggingFaceTokenizer, toHuggingFaceJson } from './huggingface_json.js';
export { SentencePieceBpe, type SentencePieceEncodeOptions } from './sentencepiece_bpe.js';
export {
  PieceType, loadSentencePieceModel, parseSentencePieceModel, saveSentencePieceModel, serializeSentencePieceModel,
  type ModelPiece, type NormalizerSpec, type SentencePieceModel, type TrainerSpec,
} from './sentencepiece_model.js';
export { mergeSentencePieceModels } from './sentencepiece_merge.js';
export { trainByteLevelBpe, type BpeTrainerOptions, type BpeTrainingResult } from './bpe_trainer.js';
export { loadTrainedBpe, saveTrainedBpe, trainedBpeFromJson, trainedBpeToJson } from './trained_bpe_file.js';
export { NAMED_TOKENIZERS, chineseLlamaModel, loadNamedTokenizer, loadTokenizerFromPath, type TokenizerName } from './registry.js';
export { batchAt, joinDocuments, type TokenBatch } from './token_batches.js';
export { LECTURE_VOCABULARY_TABLE, countCharacters, tokenStats, type TokenStats } from './vocabulary_stats.js';

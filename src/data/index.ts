// Data: datasets, loaders, and the playground's data sets and input features.
export type { Dataset, BatchedDataset } from './dataset.js';
export { TensorDataset } from './tensor-dataset.js';
export { Subset, randomSplit } from './subset.js';
export { DataLoader } from './dataloader.js';
export type { DataLoaderOptions } from './dataloader.js';
export { defaultCollate } from './collate.js';
export type { Collated } from './collate.js';
export { gaussianRing, gaussianRingModes } from './gaussian-ring.js';
export type { GaussianRingOptions } from './gaussian-ring.js';
export { makePlaygroundDataset, playgroundTask, PLAYGROUND_DATASETS } from './playground.js';
export type { PlaygroundDataset, PlaygroundDatasetName, PlaygroundDatasetOptions, PlaygroundTask } from './playground.js';
export { FEATURE_NAMES, FEATURE_ALIASES, featureName, parseFeatures, applyFeatures } from './features.js';
export type { FeatureName } from './features.js';
// language-model batches
export { TokenBatcher, trainValSplit, joinDocuments, maskTokens } from './token-batcher.js';
export type { TokenBatcherOptions, TokenStream, LmBatch, MlmMaskOptions } from './token-batcher.js';
export { readTokenFile, writeTokenFile } from './token-file.js';
// images: the IDX format, MNIST / Fashion-MNIST, augmentation
export { parseIdx, readIdx, encodeIdx, IdxError, IDX_TYPES } from './idx.js';
export type { IdxFile, IdxType, IdxArray } from './idx.js';
export {
  loadMnist,
  loadMnistSync,
  downloadMnist,
  mnistTensors,
  validateMnist,
  findMnistDir,
  mnistSearchDirs,
  MNIST_DATASETS,
  MNIST_NORMALIZATION,
  MNIST_CLASSES,
} from './mnist.js';
export type { MnistData, MnistOptions, MnistSplit, MnistDatasetName } from './mnist.js';
export { randomShift, randomAffine, AugmentedLoader } from './augment.js';
export type { RandomAffineOptions, AugmentedLoaderOptions } from './augment.js';
// text classification: the sentiment sets, length-bucketed batches
export { loadSentimentDataset, stratifiedSplit, SENTIMENT_DATASETS, SENTIMENT_LABELS } from './sentiment.js';
export type { SentimentDatasetName, SentimentSplits, LabeledText, SentimentLoadOptions } from './sentiment.js';
export { BucketBatches, bucketOrder } from './bucket-batches.js';
export type { BucketBatchOptions, IdBatch } from './bucket-batches.js';
// translation: the Tatoeba English–Mandarin pairs, their vocabularies, teacher-forcing batches
export {
  loadTranslationPairs,
  normalizeSentence,
  translationVocab,
  TRANSLATION_DIRECTIONS,
  TRANSLATION_HELD_OUT,
  TRANSLATION_SPECIALS,
  BOS_ID,
  EOS_ID,
} from './translation.js';
export type {
  TranslationDirection,
  TranslationLanguage,
  TranslationPair,
  TranslationSplits,
  TranslationLoadOptions,
  TranslationVocabOptions,
} from './translation.js';
export { TranslationBatches } from './translation-batches.js';
export type { TranslationBatchOptions, TranslationBatch } from './translation-batches.js';

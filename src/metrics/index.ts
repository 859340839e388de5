// Public API of deepts metrics (re-exported from the package root as `metrics`): sacreBLEU's BLEU and chrF;
// the GAN measures (Inception Score, Fréchet distance, class shares, mode coverage).
export { BleuScore, corpusBleu, sentenceBleu, type BleuOptions, type BleuSmoothing } from './bleu.js';
export { BLEU_TOKENIZERS, BLEU_TOKENIZER_NAMES, tokenize13a, tokenizeZh, type BleuTokenizer } from './bleu-tokenizers.js';
export { ChrfScore, corpusChrf, sentenceChrf, type ChrfOptions } from './chrf.js';
export { MetricScore, SACREBLEU_VERSION, SIGNATURE_VERSION, type FormatOptions } from './score.js';
export { inceptionScore, featureStatistics, frechetDistance, classShares, klFromUniform, modeCoverage } from './gan-metrics.js';
export type { InceptionScore, FeatureStatistics, ModeCoverage } from './gan-metrics.js';
export { symmetricEigen, symmetricSqrt } from './symmetric-eigen.js';
export type { SymmetricEigen } from './symmetric-eigen.js';

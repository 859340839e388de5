// Text generation: sampling (temperature, top-k, top-p), KV-cached autoregressive decoding, streaming;
// greedy and beam-search decoding of encoder–decoder (translation) models.
export { generate } from './generate.js';
export type { CausalLM, GenerateOptions } from './generate.js';
export { sampleFromLogits, samplingProbabilities, checkSamplingOptions } from './sampling.js';
export type { SamplingOptions } from './sampling.js';
export { StreamDecoder } from './stream-decoder.js';
export { greedyDecode, beamSearch, gnmtLengthPenalty, MAX_DECODE_LENGTH } from './seq2seq-decode.js';
export type { Seq2SeqModel, Seq2SeqStep, Seq2SeqHypothesis, Seq2SeqDecodeOptions, BeamSearchOptions } from './seq2seq-decode.js';

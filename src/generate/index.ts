// Text generation: sampling (temperature, top-k, top-p), KV-cached autoregressive decoding, streaming.
export { generate } from './generate.js';
export type { CausalLM, GenerateOptions } from './generate.js';
export { sampleFromLogits, samplingProbabilities, checkSamplingOptions } from './sampling.js';
export type { SamplingOptions } from './sampling.js';
export { StreamDecoder } from './stream-decoder.js';

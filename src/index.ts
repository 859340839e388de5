// deepts: the public API. `import * as dt from 'deepts'` gives tensors, ops, autograd, nn, optim,
// data, training, io and metrics (sacreBLEU's BLEU and chrF), named as in PyTorch (camelCase).
export const version = '0.1.0';

export { Tensor } from './tensor/tensor.js';
export type { NestedArray } from './tensor/tensor.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export { DTYPES, isFloat, promoteTypes } from './tensor/dtype.js';
export * from './tensor/creation.js';
export { Generator, manualSeed, defaultGenerator } from './tensor/generator.js';
export type { GeneratorState } from './tensor/generator.js';
export * from './ops/index.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/grad-mode.js';
export { backward } from './autograd/backward.js';
export type { BackwardOptions } from './autograd/backward.js';
export * as autograd from './autograd/index.js';
export { storagePoolBytes, clearStoragePool } from './tensor/storage-pool.js';
export { gradcheck, gradgradcheck } from './autograd/gradcheck.js';
export type { GradcheckOptions } from './autograd/gradcheck.js';
export { getBackend, setBackend, listBackends, backendLine, registerBackend } from './backend/registry.js';
export type { Backend, Kernels, View } from './backend/kernels.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export { Parameter } from './nn/parameter.js';
export * from './data/index.js';
export * as plots from './train/plots/index.js';
export {
  writeLossCurve,
  lossCurveSvg,
  writeDecisionBoundary,
  decisionBoundaryImage,
  encodePng,
  writePng,
  writeAttentionMap,
  writeAttentionGrid,
} from './train/plots/index.js';
export * from './io/index.js';
export * as tokenizers from './tokenizers/index.js';
export type { Tokenizer, EncodeOptions } from './tokenizers/tokenizer.js';
export * from './train/index.js';
export { mlp, MLP_ACTIVATIONS } from './models/mlp.js';
export type { MlpOptions, MlpActivation } from './models/mlp.js';
export * as models from './models/index.js';
export type { ModelEntry, BuildOptions } from './models/index.js';
export { setNumThreads, getNumThreads, nativeUnavailable, setNativeThresholds, NATIVE_THRESHOLDS } from './backend/native/index.js';
export { ACTIVATIONS } from './backend/kernels.js';
export type { Activation } from './backend/kernels.js';
export * as generation from './generate/index.js';
export * as metrics from './metrics/index.js';

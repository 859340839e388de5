// deepts.nn: layers, containers, losses, initialization and the functional forms, as torch.nn.
import '../ops/index.js'; // installs the Tensor methods that modules use
export { Parameter, emptyParameter, withMetaParameters, isMeta } from './parameter.js';
export { Module } from './module.js';
export { AveragedModel, updateBn } from './averaged-model.js';
export type { AveragedModelOptions } from './averaged-model.js';
export type { StateDict, LoadStateDictResult } from './module.js';
export { Sequential, ModuleList } from './containers.js';
export { Linear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { Dropout } from './dropout.js';
export { Maxout } from './maxout.js';
export { Identity } from './identity.js';
export { Flatten } from './flatten.js';
export { Sigmoid, Tanh, ReLU, LeakyReLU, ELU, GELU, SiLU, Softplus, Softmax, LogSoftmax } from './activations.js';
export { MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss } from './losses.js';
export type { NLLLossOptions, CrossEntropyLossOptions } from './losses.js';
export * as init from './init.js';
export * as functional from './functional.js';
// transformers
export { Embedding } from './embedding.js';
export type { EmbeddingOptions } from './embedding.js';
export { LayerNorm } from './layernorm.js';
export type { LayerNormOptions } from './layernorm.js';
export { RMSNorm } from './rmsnorm.js';
export type { RMSNormOptions } from './rmsnorm.js';
export { MultiheadAttention, LayerKVCache, MemoryKVCache } from './attention.js';
export type { MultiheadAttentionOptions, AttentionCallOptions } from './attention.js';
export { LearnedPositionalEmbedding, SinusoidalPositionalEncoding, RotaryEmbedding, sinusoidalTable, applyRotary } from './positional.js';
export { FeedForward, SwiGLU, swigluHidden } from './mlp-blocks.js';
export type { FeedForwardActivation, FeedForwardOptions } from './mlp-blocks.js';
export { TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder } from './transformer.js';
export type { TransformerLayerOptions, EncoderCallOptions, DecoderCallOptions, DecoderStackCallOptions } from './transformer.js';
export { Transformer } from './transformer-model.js';
export type {
  TransformerOptions,
  TransformerEncodeOptions,
  TransformerDecodeOptions,
  TransformerCallOptions,
  TransformerDecoderCaches,
} from './transformer-model.js';
// CNNs: convolution, pooling, batch norm, channel dropout
export { Conv1d, Conv2d, ConvTranspose2d } from './conv.js';
export type { ConvOptions, Conv1dOptions, ConvTranspose2dOptions } from './conv.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from './pool.js';
export { BatchNorm1d, BatchNorm2d } from './batchnorm.js';
export type { BatchNormOptions } from './batchnorm.js';
export { Dropout2d, dropout2d } from './dropout2d.js';
// recurrent networks
export { RNN, LSTM, GRU, RNNBase } from './rnn.js';
export type { RNNOptions, RNNTanhOptions, RNNMode } from './rnn.js';
export { RNNCell, LSTMCell, GRUCell } from './rnn-cells.js';
export type { RNNCellOptions, RNNTanhCellOptions } from './rnn-cells.js';
export * as utils from './utils/index.js';

// The js backend: the reference implementation of every kernel, in plain TypeScript.
import type { Backend, Kernels } from '../kernels.js';
import { binary, unary, where } from './elementwise.js';
import { reduce } from './reduce.js';
import { matmul } from './matmul.js';
import { softmax } from './softmax.js';
import { gather, scatterAdd } from './gather.js';
import { copy } from './copy.js';
import { dropoutMask, randomNormal, randomUniform } from './random.js';
import { adamStep, rmspropStep, sgdStep } from './optimizers.js';
import { crossEntropyBackward, crossEntropyForward } from './cross-entropy.js';
import { biasActivation } from './bias-activation.js';
import { layerNorm, layerNormBackward, rmsNorm, rmsNormBackward } from './layernorm.js';
import { embedding, embeddingBackward } from './embedding.js';
import { geluBackward } from './gelu.js';
import { attention, attentionBackward } from './attention.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv.js';
import { adaptiveAvgPool2d, adaptiveAvgPool2dBackward, avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import { batchNorm, batchNormBackward } from './batchnorm.js';
import { gruCell, gruCellBackward, lstmCell, lstmCellBackward } from './rnn.js';

export const jsKernels: Kernels = {
  unary,
  binary,
  where,
  reduce,
  matmul,
  softmax,
  gather,
  scatterAdd,
  copy,
  randomUniform,
  dropoutMask,
  randomNormal,
  adamStep,
  sgdStep,
  rmspropStep,
  // fused training kernels
  crossEntropyForward,
  crossEntropyBackward,
  biasActivation,
  // normalization for transformers
  layerNorm,
  layerNormBackward,
  rmsNorm,
  rmsNormBackward,
  embedding,
  embeddingBackward,
  geluBackward,
  attention,
  attentionBackward,
  // convolution, pooling, normalization (CNNs)
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  batchNorm,
  batchNormBackward,
  // recurrent cells
  lstmCell,
  lstmCellBackward,
  gruCell,
  gruCellBackward,
};

export const jsBackend: Backend = {
  name: 'js',
  description: 'js (pure TypeScript reference kernels)',
  kernels: jsKernels,
};

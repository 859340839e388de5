// The js backend: the reference implementation of every kernel, in plain TypeScript.
import type { Backend, Kernels } from '../kernels.js';
import { binary, unary, where } from './elementwise.js';
import { reduce } from './reduce.js';
import { matmul } from './matmul.js';
import { softmax } from './softmax.js';
import { gather, scatterAdd } from './gather.js';
import { copy } from './copy.js';
import { randomNormal, randomUniform } from './random.js';
import { adamStep, rmspropStep, sgdStep } from './optimizers.js';
import { layerNorm, layerNormBackward, rmsNorm, rmsNormBackward } from './layernorm.js';
import { embedding, embeddingBackward } from './embedding.js';
import { geluBackward } from './gelu.js';
import { attention, attentionBackward } from './attention.js';

export const jsKernels: Kernels = {
  unary, binary, where, reduce, matmul, softmax, gather, scatterAdd, copy,
  randomUniform, randomNormal, adamStep, sgdStep, rmspropStep,
  // normalization for transformers
  layerNorm, layerNormBackward, rmsNorm, rmsNormBackward, embedding, embeddingBackward, geluBackward, attention, attentionBackward,
};

export const jsBackend: Backend = {
  name: 'js',
  description: 'js (pure TypeScript reference kernels)',
  kernels: jsKernels,
};

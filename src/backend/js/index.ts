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

export const jsKernels: Kernels = {
  unary, binary, where, reduce, matmul, softmax, gather, scatterAdd, copy,
  randomUniform, randomNormal, adamStep, sgdStep, rmspropStep,
};

export const jsBackend: Backend = {
  name: 'js',
  description: 'js (pure TypeScript reference kernels)',
  kernels: jsKernels,
};

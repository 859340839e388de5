// The differentiable ops. Importing this module also installs them as Tensor methods.
import './methods.js';
import { setGradientArithmetic } from '../autograd/backward.js';
import { add } from './elementwise.js';
import { onesLike } from '../tensor/creation.js';
import { addInto, materializeRegion } from './grad-accumulate.js';

setGradientArithmetic({ add, ones: (t) => onesLike(t), materialize: materializeRegion, addInto });

export * from './elementwise.js';
export * from './reduce.js';
export * from './view.js';
export * from './matmul.js';
export * from './join.js';
export * from './indexing.js';
export * from './softmax.js';
export * from './activations.js';
export * from './losses.js';
export * from './inplace.js';
export type { TensorLike } from './util.js';
// transformers
export * from './layernorm.js';
export * from './embedding.js';
export * from './attention.js';
export * from './feed-forward.js';
export * from './self-attention.js';
export { lstmCell, gruCell } from './rnn-cells.js';
export { recurrentLayer, recurrentSteps, type RecurrentCell, type StepCell } from './rnn-layers.js';
// CNNs: convolution, pooling, batch norm
export * from './conv.js';
export * from './pool.js';
export * from './batchnorm.js';

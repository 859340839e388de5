// torch.nn.functional's counterpart: the stateless forms of the layers, activations and losses.
// Use as `const F = nn.functional; F.relu(x); F.crossEntropy(logits, y)`.
export { linear } from '../ops/matmul.js';
export { dropout } from './dropout.js';
export { sigmoid, tanh, relu, leakyRelu, elu, gelu, silu, softplus, maxout } from '../ops/activations.js';
export { softmax, logSoftmax } from '../ops/softmax.js';
export {
  mseLoss,
  l1Loss,
  crossEntropy,
  nllLoss,
  bceLoss,
  bceWithLogits,
  bceLoss as binaryCrossEntropy,
  bceWithLogits as binaryCrossEntropyWithLogits,
} from '../ops/losses.js';
export { oneHot } from '../ops/indexing.js';
export type { Reduction, NllOptions, CrossEntropyOptions } from '../ops/losses.js';
export { conv1d, conv2d, convTranspose2d, maxPool2d, maxPool2dWithIndices, avgPool2d, adaptiveAvgPool2d, batchNorm } from '../ops/index.js';
export { dropout2d } from './dropout2d.js';

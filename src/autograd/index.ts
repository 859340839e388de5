// The autograd namespace (dt.autograd), as torch.autograd: grad, backward, gradcheck, gradgradcheck.
export { grad, backward } from './grad.js';
export type { GradOptions, AutogradBackwardOptions } from './grad.js';
export type { BackwardOptions } from './backward.js';
export { gradcheck, gradgradcheck } from './gradcheck.js';
export type { GradcheckOptions } from './gradcheck.js';
export { noGrad, enableGrad, isGradEnabled } from './grad-mode.js';

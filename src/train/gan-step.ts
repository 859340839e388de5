// One GAN training step for trainLoop's `step`: the discriminator on a real batch and a generated one,
// then the generator, each with its own optimizer (Goodfellow et al. 2014, Algorithm 1, with the
// non-saturating generator loss −log D(G(z)) of its section 3):
//
//   D: maximize log D(x) + log(1 − D(G(z)))   → bce(D(x), 1 − s) + bce(D(G(z)), 0)   (s: one-sided label smoothing)
//   G: maximize log D(G(z))                   → bce(D(G(z)), 1)
//
// The generated batch of D's last update is the one G learns from (PyTorch's DCGAN example), so a
// step draws one batch of noise per D update. With nCritic > 1, D takes that many updates (each on a
// batch of its own, drawn from the loop) per G update. Conditional models get the real batch's
// labels for the real images and uniform random classes for the generated ones.
import type { Tensor } from '../tensor/tensor.js';
import { fullLike, zerosLike } from '../tensor/creation.js';
import type { Generator } from '../tensor/generator.js';
import { noGrad } from '../autograd/grad-mode.js';
import { bceWithLogits, sigmoid } from '../ops/index.js';
import type { Optimizer, BaseOptions } from '../optim/index.js';
import { sampleClasses, sampleNoise, type GanDiscriminator, type GanGenerator } from '../models/gan.js';
import type { StepContext, StepLogs } from './loop.js';
import { checkNumber, checkOptions, optionKeys } from '../util/options.js';

/** A batch for the GAN step: real images (B, C, H, W) in [−1, 1], and their classes (B,) int32 (used by conditional models). */
export type GanBatch = readonly [images: Tensor, classes: Tensor];

export type GanStepOptions = {
  /** The generator (PyTorch's DCGAN example's netG). */
  netG: GanGenerator;
  /** The discriminator (netD). */
  netD: GanDiscriminator;
  optimizerG: Optimizer<BaseOptions>;
  optimizerD: Optimizer<BaseOptions>;
  /** Draws the noise (and the generated batch's classes). */
  noise: Generator;
  /** One-sided label smoothing: real images' target is 1 − s (Salimans et al. 2016; default 0). */
  labelSmoothing?: number;
  /** Discriminator updates per generator update (default 1). */
  nCritic?: number;
};
const STEP_KEYS = optionKeys<GanStepOptions>({
  netG: true,
  netD: true,
  optimizerG: true,
  optimizerD: true,
  noise: true,
  labelSmoothing: true,
  nCritic: true,
});

/** The step logs' names that must stay finite (trainLoop's lossKeys). */
export const GAN_LOSS_KEYS = ['dLoss', 'gLoss'] as const;

/**
 * The step function: `trainLoop({ step: ganStep({...}), lossKeys: GAN_LOSS_KEYS, ... })`. It logs
 * dLoss and gLoss, and D's mean output probability on the real batch (dReal, D(x)) and on the
 * generated one before and after D's update (dFake, D(G(z)) as G saw it).
 */
export function ganStep(opts: GanStepOptions): (ctx: StepContext<GanBatch>) => StepLogs {
  checkOptions('ganStep', opts, STEP_KEYS);
  const { netG: G, netD: D, optimizerG, optimizerD, noise } = opts;
  for (const k of ['netG', 'netD', 'optimizerG', 'optimizerD', 'noise'] as const) if (opts[k] === undefined) throw new TypeError(`ganStep: ${k} is required`);
  const smoothing = opts.labelSmoothing ?? 0;
  checkNumber('ganStep', 'labelSmoothing', smoothing, { min: 0, max: 0.5 });
  const nCritic = opts.nCritic ?? 1;
  checkNumber('ganStep', 'nCritic', nCritic, { integer: true, min: 1 });
  const conditional = G.config.numClasses > 0;
  if (D.config.numClasses !== G.config.numClasses)
    throw new RangeError(`ganStep: the generator has ${G.config.numClasses} classes and the discriminator ${D.config.numClasses}`);
  const dParams = D.parameters().filter((p) => p.requiresGrad);
  const meanProb = (logits: Tensor): number => noGrad(() => sigmoid(logits).mean().item());

  return (ctx) => {
    let batch: GanBatch | null = ctx.batch;
    let dLoss = 0,
      dReal = 0,
      fake!: Tensor,
      fakeClasses: Tensor | undefined;
    for (let k = 0; k < nCritic; k++) {
      if (k > 0) batch = ctx.nextBatch() ?? batch; // the epoch's end: the last batch again
      const [real, realClasses] = batch!;
      const n = real.shape[0]!;
      fakeClasses = conditional ? sampleClasses(n, G.config.numClasses, noise) : undefined;
      fake = G.forward(sampleNoise(n, G.config.latentDim, noise), fakeClasses); // (B, C, H, W)
      optimizerD.zeroGrad();
      const realLogits = D.forward(real, conditional ? realClasses : undefined); // (B,)
      const fakeLogits = D.forward(fake.detach(), fakeClasses); // (B,)
      const loss = bceWithLogits(realLogits, fullLike(realLogits, 1 - smoothing)).add(bceWithLogits(fakeLogits, zerosLike(fakeLogits)));
      loss.backward();
      optimizerD.step();
      dLoss = loss.item();
      dReal = meanProb(realLogits);
    }
    optimizerG.zeroGrad();
    // D's weights are constants in G's step: without their gradients the backward pass only carries dL/dG(z) through D
    for (const p of dParams) p.requiresGrad = false;
    let gLoss: Tensor, fakeLogits: Tensor;
    try {
      fakeLogits = D.forward(fake, fakeClasses); // D after its update, on the same batch
      gLoss = bceWithLogits(fakeLogits, fullLike(fakeLogits, 1));
      gLoss.backward();
    } finally {
      for (const p of dParams) p.requiresGrad = true;
    }
    optimizerG.step();
    return { dLoss, gLoss: gLoss.item(), dReal, dFake: meanProb(fakeLogits) };
  };
}

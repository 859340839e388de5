// The ring of Gaussians (Metz et al. 2016, "Unrolled GANs"): `modes` equal Gaussians with centres
// evenly spaced on a circle. Small enough to train a GAN on in seconds, and a collapsed generator
// is plain to see: it covers a few of the modes, or cycles between them.
import type { Tensor } from '../tensor/tensor.js';
import { randint, randn, tensor } from '../tensor/creation.js';
import type { Generator } from '../tensor/generator.js';
import { checkNumber, checkOptions } from '../util/options.js';

export type GaussianRingOptions = { modes?: number; radius?: number; std?: number; generator?: Generator };
const KEYS = ['modes', 'radius', 'std', 'generator'];

function settings(where: string, opts: GaussianRingOptions): { modes: number; radius: number; std: number } {
  checkOptions(where, opts, KEYS);
  const modes = opts.modes ?? 8,
    radius = opts.radius ?? 2,
    std = opts.std ?? 0.02;
  checkNumber(where, 'modes', modes, { integer: true, min: 1 });
  checkNumber(where, 'radius', radius, { min: 0 });
  checkNumber(where, 'std', std, { min: 0 });
  return { modes, radius, std };
}

/** The mode centres (modes, 2), the first at angle 0. */
export function gaussianRingModes(opts: Omit<GaussianRingOptions, 'generator'> = {}): Tensor {
  const { modes, radius } = settings('gaussianRingModes', opts);
  const xy = Array.from({ length: modes }, (_, k) => [radius * Math.cos((2 * Math.PI * k) / modes), radius * Math.sin((2 * Math.PI * k) / modes)]);
  return tensor(xy);
}

/** n points (n, 2): a uniformly chosen mode's centre plus N(0, std²) noise on each coordinate. */
export function gaussianRing(n: number, opts: GaussianRingOptions = {}): Tensor {
  const { modes, std } = settings('gaussianRing', opts);
  checkNumber('gaussianRing', 'n', n, { integer: true, min: 1 });
  const centres = gaussianRingModes({ modes: opts.modes, radius: opts.radius });
  const which = randint(0, modes, [n], { generator: opts.generator });
  return centres.indexSelect(0, which).add(randn([n, 2], { generator: opts.generator }).mul(std));
}

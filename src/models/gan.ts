// Generative adversarial networks (the lecture's GAN part): a generator G maps noise z to an image,
// a discriminator D scores images as real or generated, and the two are trained against each other.
// Three families, one config each, chosen by config.model:
// - 'gan' (Goodfellow et al. 2014): fully connected G and D. G: z → 256 → 512 → 1024 → 784, LeakyReLU
//   0.2, tanh out; D: 784 → 512 → 256 → 1 logit, LeakyReLU 0.2, dropout 0.3 (the paper's maxout
//   units replaced by the LeakyReLU every later MLP GAN uses).
// - 'dcgan' (Radford, Metz & Chintala 2015) at MNIST's own 28×28: G projects z with transposed
//   convolutions, BatchNorm and ReLU, tanh out; D has strided convolutions, LeakyReLU 0.2 and
//   BatchNorm (none on its input layer), no pooling, no fully connected hidden layer:
//     G: z (N, nz) → (N, nz, 1, 1) → ConvT 7×7 → (N, 4w, 7, 7) → ConvT 4×4 s2 → (N, 2w, 14, 14)
//                  → ConvT 4×4 s2 → (N, 1, 28, 28), tanh
//     D: (N, 1, 28, 28) → Conv 4×4 s2 → (N, w, 14, 14) → Conv 4×4 s2 → (N, 2w, 7, 7)
//                  → Conv 7×7 → (N, 1, 1, 1) → logit (N,)
// - 'cdcgan': the DCGAN conditioned on the class (Mirza & Osindero 2014's recipe on DCGAN's layers):
//   G reads [z; onehot(y)], D the image with onehot(y) as 10 more constant input planes.
// Initialization as DCGAN's: conv weights N(0, 0.02), BatchNorm γ N(1, 0.02), β 0 (the MLP keeps
// PyTorch's Linear defaults). Images are in [−1, 1] (tanh's range): real ones are scaled to match.
import type { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../tensor/generator.js';
import { randint, randn } from '../tensor/creation.js';
import { cat, leakyRelu, oneHot, relu, tanh } from '../ops/index.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/linear.js';
import { ModuleList } from '../nn/containers.js';
import { Dropout } from '../nn/dropout.js';
import { Conv2d, ConvTranspose2d } from '../nn/conv.js';
import { BatchNorm2d } from '../nn/batchnorm.js';
import { normal_, zeros_ } from '../nn/init.js';
import { noGrad } from '../autograd/grad-mode.js';
import { checkNumber, checkOneOf, checkOptions, describe, optionKeys } from '../util/options.js';

export const GAN_MODELS = ['gan', 'dcgan', 'cdcgan'] as const;
export type GanModelName = (typeof GAN_MODELS)[number];

export type GanConfig = {
  model: GanModelName;
  /** Length of the noise vector z (default 100). */
  latentDim?: number;
  /** DCGAN: G's base width: its hidden layers have 4·width and 2·width feature maps (default 32); MLP: ignored. */
  width?: number;
  /** DCGAN: D's first layer's feature maps; its second has twice as many (default: width). */
  discriminatorWidth?: number;
  /** Classes for the conditional model (default 10 for 'cdcgan', 0 otherwise). */
  numClasses?: number;
  /** Image height and width (default 28; the DCGAN needs 28). */
  imageSize?: number;
  /** Image channels (default 1). */
  channels?: number;
};
const CONFIG_KEYS = optionKeys<GanConfig>({
  model: true,
  latentDim: true,
  width: true,
  discriminatorWidth: true,
  numClasses: true,
  imageSize: true,
  channels: true,
});

export function checkGanConfig(config: GanConfig): Required<GanConfig> {
  if (config === null || typeof config !== 'object') throw new TypeError(`GAN: expected a config {${CONFIG_KEYS.join(', ')}}, got ${describe(config)}`);
  checkOptions('GAN: config', config, CONFIG_KEYS);
  checkOneOf('GAN', 'model', config.model, GAN_MODELS);
  const c: Required<GanConfig> = {
    model: config.model,
    latentDim: config.latentDim ?? 100,
    width: config.width ?? 32,
    discriminatorWidth: config.discriminatorWidth ?? config.width ?? 32,
    numClasses: config.numClasses ?? (config.model === 'cdcgan' ? 10 : 0),
    imageSize: config.imageSize ?? 28,
    channels: config.channels ?? 1,
  };
  for (const k of ['latentDim', 'width', 'discriminatorWidth', 'imageSize', 'channels'] as const) checkNumber('GAN', k, c[k], { integer: true, min: 1 });
  checkNumber('GAN', 'numClasses', c.numClasses, { integer: true, min: 0 });
  if (c.model === 'cdcgan' && c.numClasses < 2) throw new RangeError(`GAN: the conditional model needs numClasses ≥ 2, got ${c.numClasses}`);
  if (c.model !== 'cdcgan' && c.numClasses !== 0)
    throw new RangeError(`GAN: numClasses is for the conditional model ('cdcgan'), got ${c.numClasses} for '${c.model}'`);
  if (c.model !== 'gan' && c.imageSize !== 28) throw new RangeError(`GAN: the DCGAN layers are laid out for 28×28 images, got imageSize ${c.imageSize}`);
  return c;
}

/** A generator: noise (N, latentDim) [and classes (N,) int32] → images (N, C, H, W) in [−1, 1]. */
export interface GanGenerator extends Module {
  readonly config: Required<GanConfig>;
  forward(z: Tensor, classes?: Tensor): Tensor;
}

/** A discriminator: images (N, C, H, W) [and classes] → logits (N,), high for real. */
export interface GanDiscriminator extends Module {
  readonly config: Required<GanConfig>;
  forward(x: Tensor, classes?: Tensor): Tensor;
}

/** Checks the classes argument against the model: needed exactly when it is conditional. */
function checkClasses(where: string, c: Required<GanConfig>, n: number, classes: Tensor | undefined): void {
  if (c.numClasses === 0) {
    if (classes !== undefined) throw new TypeError(`${where}: the '${c.model}' model is not conditional; pass no classes`);
    return;
  }
  if (classes === undefined) throw new TypeError(`${where}: the conditional model needs the classes (N,) int32 of its ${n} inputs`);
  if (classes.ndim !== 1 || classes.shape[0] !== n || classes.dtype !== 'int32')
    throw new TypeError(`${where}: classes must be int32 (${n},), got ${classes.dtype} (${classes.shape.join(', ')})`);
  const v = classes.toTypedArray();
  for (let i = 0; i < v.length; i++)
    if (v[i]! < 0 || v[i]! >= c.numClasses) throw new RangeError(`${where}: class ${v[i]} at ${i} is outside 0..${c.numClasses - 1}`);
}

function checkInput(where: string, x: Tensor, shape: readonly number[], what: string): void {
  const ok = x.ndim === shape.length && x.shape.every((d, i) => i === 0 || d === shape[i]);
  if (!ok) throw new RangeError(`${where}: expected ${what} (N, ${shape.slice(1).join(', ')}), got (${x.shape.join(', ')})`);
}

/** DCGAN's initialization: conv weights N(0, 0.02), BatchNorm γ N(1, 0.02) and β 0. */
function dcganInit(m: Module, generator?: Generator): void {
  for (const [, mod] of m.namedModules()) {
    if (mod instanceof Conv2d || mod instanceof ConvTranspose2d) {
      normal_(mod.weight, 0, 0.02, { generator });
      if (mod.bias) zeros_(mod.bias);
    } else if (mod instanceof BatchNorm2d && mod.weight && mod.bias) {
      normal_(mod.weight, 1, 0.02, { generator });
      zeros_(mod.bias);
    }
  }
}

/** MLP options: layer sizes and, for other data than images (the 8-Gaussians ring), its shape. */
export type MLPGanOptions = {
  generator?: Generator;
  /** Hidden layer sizes (default G [256, 512, 1024], D [512, 256]). */
  hidden?: readonly number[];
  /** The shape of one sample (default [channels, imageSize, imageSize]). */
  sampleShape?: readonly number[];
};

function linearStack(sizes: number[], gen?: Generator): ModuleList {
  return new ModuleList(sizes.slice(1).map((n, i) => new Linear(sizes[i]!, n, { generator: gen })));
}

function mlpShapes(where: string, c: Required<GanConfig>, opts: MLPGanOptions, hidden: number[]): { shape: number[]; hidden: number[] } {
  checkOptions(where, opts, ['generator', 'hidden', 'sampleShape']);
  const shape = [...(opts.sampleShape ?? [c.channels, c.imageSize, c.imageSize])];
  const h = [...(opts.hidden ?? hidden)];
  for (const n of [...shape, ...h]) checkNumber(where, 'a layer or sample size', n, { integer: true, min: 1 });
  return { shape, hidden: h };
}

/** Goodfellow et al.'s fully connected generator; tanh out for images, linear for other samples. */
export class MLPGenerator extends Module implements GanGenerator {
  readonly config: Required<GanConfig>;
  readonly sampleShape: number[];
  readonly tanhOut: boolean;
  layers: ModuleList;

  constructor(config: GanConfig, opts: MLPGanOptions = {}) {
    super();
    this.config = checkGanConfig(config);
    const c = this.config;
    const { shape, hidden } = mlpShapes('MLPGenerator', c, opts, [256, 512, 1024]);
    this.sampleShape = shape;
    this.tanhOut = opts.sampleShape === undefined;
    this.layers = linearStack([c.latentDim + c.numClasses, ...hidden, shape.reduce((a, b) => a * b, 1)], opts.generator);
  }

  forward(z: Tensor, classes?: Tensor): Tensor {
    const c = this.config;
    checkInput('MLPGenerator', z, [0, c.latentDim], 'noise');
    checkClasses('MLPGenerator', c, z.shape[0]!, classes);
    let h = classes ? cat([z, oneHot(classes, c.numClasses, z.dtype as 'float32')], 1) : z; // (N, nz [+ K])
    const fcs = [...this.layers] as Linear[];
    fcs.forEach((fc, i) => {
      h = fc.forward(h); // (N, 256) → (N, 512) → (N, 1024) → (N, C·H·W)
      if (i < fcs.length - 1) h = leakyRelu(h, 0.2);
    });
    if (this.tanhOut) h = tanh(h);
    return h.reshape(z.shape[0]!, ...this.sampleShape); // (N, C, H, W)
  }
}

/** Goodfellow et al.'s fully connected discriminator, dropout after each hidden layer. */
export class MLPDiscriminator extends Module implements GanDiscriminator {
  readonly config: Required<GanConfig>;
  readonly sampleShape: number[];
  layers: ModuleList;
  drop: Dropout;

  constructor(config: GanConfig, opts: MLPGanOptions & { dropout?: number } = {}) {
    super();
    this.config = checkGanConfig(config);
    const c = this.config;
    const { dropout, ...rest } = opts;
    const { shape, hidden } = mlpShapes('MLPDiscriminator', c, rest, [512, 256]);
    this.sampleShape = shape;
    this.layers = linearStack([shape.reduce((a, b) => a * b, 1) + c.numClasses, ...hidden, 1], opts.generator);
    this.drop = new Dropout(dropout ?? 0.3);
  }

  forward(x: Tensor, classes?: Tensor): Tensor {
    const c = this.config;
    checkInput('MLPDiscriminator', x, [0, ...this.sampleShape], 'samples');
    const n = x.shape[0]!;
    checkClasses('MLPDiscriminator', c, n, classes);
    let h = x.reshape(n, -1); // (N, C·H·W)
    if (classes) h = cat([h, oneHot(classes, c.numClasses, x.dtype as 'float32')], 1);
    const fcs = [...this.layers] as Linear[];
    fcs.forEach((fc, i) => {
      h = fc.forward(h); // (N, 512) → (N, 256) → (N, 1)
      if (i < fcs.length - 1) h = this.drop.forward(leakyRelu(h, 0.2));
    });
    return h.reshape(n); // (N,)
  }
}

/** DCGAN's generator at 28×28 (conditional when config.numClasses > 0). */
export class DCGANGenerator extends Module implements GanGenerator {
  readonly config: Required<GanConfig>;
  up1: ConvTranspose2d;
  bn1: BatchNorm2d;
  up2: ConvTranspose2d;
  bn2: BatchNorm2d;
  up3: ConvTranspose2d;

  constructor(config: GanConfig, opts: { generator?: Generator } = {}) {
    super();
    checkOptions('DCGANGenerator', opts, ['generator']);
    this.config = checkGanConfig(config);
    const c = this.config,
      w = c.width;
    this.up1 = new ConvTranspose2d(c.latentDim + c.numClasses, 4 * w, 7, { bias: false });
    this.bn1 = new BatchNorm2d(4 * w);
    this.up2 = new ConvTranspose2d(4 * w, 2 * w, 4, { stride: 2, padding: 1, bias: false });
    this.bn2 = new BatchNorm2d(2 * w);
    this.up3 = new ConvTranspose2d(2 * w, c.channels, 4, { stride: 2, padding: 1, bias: false });
    dcganInit(this, opts.generator);
  }

  forward(z: Tensor, classes?: Tensor): Tensor {
    const c = this.config;
    checkInput('DCGANGenerator', z, [0, c.latentDim], 'noise');
    const n = z.shape[0]!;
    checkClasses('DCGANGenerator', c, n, classes);
    let h = classes ? cat([z, oneHot(classes, c.numClasses, z.dtype as 'float32')], 1) : z; // (N, nz [+ K])
    h = h.reshape(n, h.shape[1]!, 1, 1); // (N, nz, 1, 1)
    h = relu(this.bn1.forward(this.up1.forward(h))); // (N, 4w, 7, 7)
    h = relu(this.bn2.forward(this.up2.forward(h))); // (N, 2w, 14, 14)
    return tanh(this.up3.forward(h)); // (N, C, 28, 28)
  }
}

/** DCGAN's discriminator at 28×28 (conditional when config.numClasses > 0). */
export class DCGANDiscriminator extends Module implements GanDiscriminator {
  readonly config: Required<GanConfig>;
  conv1: Conv2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  conv3: Conv2d;

  constructor(config: GanConfig, opts: { generator?: Generator } = {}) {
    super();
    checkOptions('DCGANDiscriminator', opts, ['generator']);
    this.config = checkGanConfig(config);
    const c = this.config,
      w = c.discriminatorWidth;
    this.conv1 = new Conv2d(c.channels + c.numClasses, w, 4, { stride: 2, padding: 1, bias: false });
    this.conv2 = new Conv2d(w, 2 * w, 4, { stride: 2, padding: 1, bias: false });
    this.bn2 = new BatchNorm2d(2 * w);
    this.conv3 = new Conv2d(2 * w, 1, 7, { bias: false });
    dcganInit(this, opts.generator);
  }

  forward(x: Tensor, classes?: Tensor): Tensor {
    const c = this.config;
    checkInput('DCGANDiscriminator', x, [0, c.channels, 28, 28], 'images');
    const n = x.shape[0]!;
    checkClasses('DCGANDiscriminator', c, n, classes);
    let h = x;
    if (classes) {
      const planes = oneHot(classes, c.numClasses, x.dtype as 'float32')
        .reshape(n, c.numClasses, 1, 1)
        .expand(n, c.numClasses, 28, 28);
      h = cat([x, planes], 1); // (N, C + K, 28, 28)
    }
    h = leakyRelu(this.conv1.forward(h), 0.2); // (N, w, 14, 14)
    h = leakyRelu(this.bn2.forward(this.conv2.forward(h)), 0.2); // (N, 2w, 7, 7)
    return this.conv3.forward(h).reshape(n); // (N,)
  }
}

export type GanPair = { generator: GanGenerator; discriminator: GanDiscriminator; config: Required<GanConfig> };

/** G and D of a config, their weights drawn from `generator`. */
export function buildGan(config: GanConfig, opts: { generator?: Generator } = {}): GanPair {
  checkOptions('buildGan', opts, ['generator']);
  const c = checkGanConfig(config);
  const g = { generator: opts.generator };
  if (c.model === 'gan') return { config: c, generator: new MLPGenerator(c, g), discriminator: new MLPDiscriminator(c, g) };
  return { config: c, generator: new DCGANGenerator(c, g), discriminator: new DCGANDiscriminator(c, g) };
}

/** z ~ N(0, I): (n, latentDim). */
export function sampleNoise(n: number, latentDim: number, generator?: Generator): Tensor {
  return randn([n, latentDim], { generator });
}

/** Uniform random classes (n,) int32 in 0..numClasses−1. */
export function sampleClasses(n: number, numClasses: number, generator?: Generator): Tensor {
  return randint(0, numClasses, [n], { generator });
}

/** Images from G in eval mode (BatchNorm's running statistics), without a graph; the mode is restored. */
export function generateImages(g: GanGenerator, z: Tensor, classes?: Tensor): Tensor {
  const wasTraining = g.training;
  g.eval();
  try {
    return noGrad(() => g.forward(z, classes));
  } finally {
    g.train(wasTraining);
  }
}

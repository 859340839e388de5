// VGG (Simonyan & Zisserman 2014): stacks of 3×3 convolutions (padding 1, ReLU) between 2×2 max
// pools, then three fully connected layers, as torchvision builds them. VGG-11 (configuration A)
// has 132,863,336 parameters and VGG-16 (D) 138,357,544 for 1000 classes; batchNorm adds a
// BatchNorm2d after every conv (vgg11_bn, vgg16_bn).
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import * as nn from '../nn/index.js';
import { checkOptions, optionKeys } from '../util/options.js';

/** The paper's configurations: numbers are 3×3 conv widths, 'M' a 2×2 max pool. */
export const VGG_CONFIGS = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  vgg19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
} as const;
export type VggName = keyof typeof VGG_CONFIGS;

export type VggOptions = { numClasses?: number; batchNorm?: boolean; dropout?: number; dtype?: DType; generator?: Generator };

export class VGG extends nn.Module {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(config: readonly (number | 'M')[], opts: VggOptions = {}) {
    super();
    if (!Array.isArray(config)) throw new TypeError(`VGG: config must be an array of channel counts and 'M', got ${typeof config}`);
    checkOptions('VGG', opts, optionKeys<VggOptions>({ numClasses: true, batchNorm: true, dropout: true, dtype: true, generator: true }));
    const o = { dtype: opts.dtype, generator: opts.generator };
    const layers: nn.Module[] = [];
    let channels = 3;
    for (const v of config) {
      if (v === 'M') {
        layers.push(new nn.MaxPool2d(2, { stride: 2 }));
        continue;
      }
      layers.push(new nn.Conv2d(channels, v, 3, { padding: 1, ...o }));
      if (opts.batchNorm) layers.push(new nn.BatchNorm2d(v, { dtype: opts.dtype }));
      layers.push(new nn.ReLU());
      channels = v;
    }
    const p = opts.dropout ?? 0.5;
    this.features = new nn.Sequential(...layers);
    this.avgpool = new nn.AdaptiveAvgPool2d([7, 7]);
    this.classifier = new nn.Sequential(
      new nn.Linear(channels * 7 * 7, 4096, o),
      new nn.ReLU(),
      new nn.Dropout(p, { generator: opts.generator }),
      new nn.Linear(4096, 4096, o),
      new nn.ReLU(),
      new nn.Dropout(p, { generator: opts.generator }),
      new nn.Linear(4096, opts.numClasses ?? 1000, o),
    );
  }

  forward(x: Tensor): Tensor {
    const h = this.avgpool.forward(this.features.forward(x)); // (N, 512, 7, 7)
    return this.classifier.forward(h.flatten(1));
  }
}

export function vgg(name: VggName, opts: VggOptions = {}): VGG {
  const config = VGG_CONFIGS[name];
  if (!config) throw new RangeError(`vgg: unknown configuration '${name}', expected one of ${Object.keys(VGG_CONFIGS).join(', ')}`);
  return new VGG(config, opts);
}

export const vgg11 = (opts: VggOptions = {}): VGG => vgg('vgg11', opts);
export const vgg16 = (opts: VggOptions = {}): VGG => vgg('vgg16', opts);

// Squeeze-and-Excitation (Hu et al. 2017): a block learns one weight per channel from the
// channels' global averages (squeeze), through a bottleneck of two fully connected layers
// (excitation: C → C/16 → C, ReLU then sigmoid), and rescales its feature maps with them.
// SE-ResNet-50 puts one after each bottleneck's last BN, before the residual addition:
// 28,088,024 parameters for 1000 classes (the paper's 28.1 M; timm's seresnet50).
import type { Tensor } from '../tensor/tensor.js';
import { mul, relu, sigmoid } from '../ops/index.js';
import * as nn from '../nn/index.js';
import { checkOptions, optionKeys } from '../util/options.js';
import { ResNet, type LayerOptions, type ResNetOptions } from './resnet.js';

export class SqueezeExcitation extends nn.Module {
  readonly channels: number;
  readonly reduction: number;
  avgpool: nn.AdaptiveAvgPool2d;
  fc1: nn.Conv2d;
  fc2: nn.Conv2d;

  /** The two fully connected layers are 1×1 convs (with bias) on the pooled (N, C, 1, 1) map. */
  constructor(channels: number, reduction = 16, o: LayerOptions = {}) {
    super();
    if (!Number.isInteger(reduction) || reduction < 1 || channels % reduction !== 0) {
      throw new RangeError(`SqueezeExcitation: channels ${channels} must be divisible by the reduction ${reduction}`);
    }
    this.channels = channels;
    this.reduction = reduction;
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.fc1 = new nn.Conv2d(channels, channels / reduction, 1, o);
    this.fc2 = new nn.Conv2d(channels / reduction, channels, 1, o);
  }

  forward(x: Tensor): Tensor {
    const s = this.avgpool.forward(x); // squeeze: (N, C, 1, 1)
    const w = sigmoid(this.fc2.forward(relu(this.fc1.forward(s)))); // excitation: (N, C, 1, 1) in (0, 1)
    return mul(x, w); // each map scaled by its channel's weight
  }

  override extraRepr(): string {
    return `channels=${this.channels}, reduction=${this.reduction}`;
  }
}

export type SeResNetOptions = Omit<ResNetOptions, 'attention'> & { reduction?: number };

export const seResnet50 = (opts: SeResNetOptions = {}): ResNet => {
  checkOptions('seResnet50', opts, optionKeys<SeResNetOptions>({ numClasses: true, reduction: true, dtype: true, generator: true }));
  const { reduction, ...resnet } = opts;
  return new ResNet('bottleneck', [3, 4, 6, 3], {
    ...resnet,
    attention: (c) => new SqueezeExcitation(c, reduction ?? 16, { dtype: opts.dtype, generator: opts.generator }),
  });
};

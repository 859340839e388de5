// GoogLeNet / Inception v1 (Szegedy et al. 2014) as torchvision builds it: every conv is
// conv (no bias) + BatchNorm (eps 0.001) + ReLU, and nine Inception modules run four branches in
// parallel — 1×1; 1×1 then 3×3; 1×1 then a second 3×3 (the paper's 5×5: torchvision's known
// substitution, kept so the weights and the 6,624,904 parameters match); 3×3 max pool then 1×1 —
// and concatenate them along the channels. Global average pooling, dropout 0.2, one fully connected
// layer. The two auxiliary classifiers of the paper are optional (auxLogits; 13,004,888 parameters).
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { cat, relu } from '../ops/index.js';
import * as nn from '../nn/index.js';
import { checkOptions, optionKeys } from '../util/options.js';

type O = { dtype?: DType; generator?: Generator };

/** conv (no bias) → BatchNorm2d(eps 0.001) → ReLU. */
export class BasicConv2d extends nn.Module {
  conv: nn.Conv2d;
  bn: nn.BatchNorm2d;

  constructor(inChannels: number, outChannels: number, kernelSize: number, opts: { stride?: number; padding?: number } & O = {}) {
    super();
    checkOptions('BasicConv2d', opts, ['stride', 'padding', 'dtype', 'generator']);
    this.conv = new nn.Conv2d(inChannels, outChannels, kernelSize, {
      stride: opts.stride,
      padding: opts.padding,
      bias: false,
      dtype: opts.dtype,
      generator: opts.generator,
    });
    this.bn = new nn.BatchNorm2d(outChannels, { eps: 0.001, dtype: opts.dtype });
  }

  forward(x: Tensor): Tensor {
    return relu(this.bn.forward(this.conv.forward(x)));
  }
}

/** Four parallel branches concatenated: 1×1 | 1×1→3×3 | 1×1→3×3 (or 5×5) | maxpool→1×1. */
export class Inception extends nn.Module {
  branch1: BasicConv2d;
  branch2: nn.Sequential;
  branch3: nn.Sequential;
  branch4: nn.Sequential;

  constructor(
    inChannels: number,
    ch1x1: number,
    ch3x3red: number,
    ch3x3: number,
    ch5x5red: number,
    ch5x5: number,
    poolProj: number,
    o: O & { branch3Kernel?: 3 | 5 } = {},
  ) {
    super();
    checkOptions('Inception', o, ['branch3Kernel', 'dtype', 'generator']);
    const k = o.branch3Kernel ?? 3;
    const c = { dtype: o.dtype, generator: o.generator };
    this.branch1 = new BasicConv2d(inChannels, ch1x1, 1, c);
    this.branch2 = new nn.Sequential(new BasicConv2d(inChannels, ch3x3red, 1, c), new BasicConv2d(ch3x3red, ch3x3, 3, { padding: 1, ...c }));
    this.branch3 = new nn.Sequential(new BasicConv2d(inChannels, ch5x5red, 1, c), new BasicConv2d(ch5x5red, ch5x5, k, { padding: (k - 1) / 2, ...c }));
    this.branch4 = new nn.Sequential(new nn.MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }), new BasicConv2d(inChannels, poolProj, 1, c));
  }

  forward(x: Tensor): Tensor {
    return cat([this.branch1.forward(x), this.branch2.forward(x), this.branch3.forward(x), this.branch4.forward(x)], 1);
  }
}

/** An auxiliary classifier on an intermediate stage (training only in the paper). */
export class InceptionAux extends nn.Module {
  avgpool: nn.AdaptiveAvgPool2d;
  conv: BasicConv2d;
  fc1: nn.Linear;
  fc2: nn.Linear;
  dropout: nn.Dropout;

  constructor(inChannels: number, numClasses: number, o: O = {}) {
    super();
    this.avgpool = new nn.AdaptiveAvgPool2d([4, 4]);
    this.conv = new BasicConv2d(inChannels, 128, 1, o);
    this.fc1 = new nn.Linear(2048, 1024, o);
    this.fc2 = new nn.Linear(1024, numClasses, o);
    this.dropout = new nn.Dropout(0.7, { generator: o.generator });
  }

  forward(x: Tensor): Tensor {
    const h = this.conv.forward(this.avgpool.forward(x)).flatten(1); // (N, 2048)
    return this.fc2.forward(this.dropout.forward(relu(this.fc1.forward(h))));
  }
}

export type GoogLeNetOptions = O & {
  numClasses?: number;
  /** Build the two auxiliary classifiers (default false). */
  auxLogits?: boolean;
  /** The third branch's second conv: 3 (torchvision, default) or the paper's 5. */
  branch3Kernel?: 3 | 5;
  dropout?: number;
};

const GOOGLENET_KEYS = optionKeys<GoogLeNetOptions>({ numClasses: true, auxLogits: true, branch3Kernel: true, dropout: true, dtype: true, generator: true });

export class GoogLeNet extends nn.Module {
  conv1: BasicConv2d;
  maxpool1: nn.MaxPool2d;
  conv2: BasicConv2d;
  conv3: BasicConv2d;
  maxpool2: nn.MaxPool2d;
  inception3a: Inception;
  inception3b: Inception;
  maxpool3: nn.MaxPool2d;
  inception4a: Inception;
  inception4b: Inception;
  inception4c: Inception;
  inception4d: Inception;
  inception4e: Inception;
  maxpool4: nn.MaxPool2d;
  inception5a: Inception;
  inception5b: Inception;
  aux1: InceptionAux | null;
  aux2: InceptionAux | null;
  avgpool: nn.AdaptiveAvgPool2d;
  dropout: nn.Dropout;
  fc: nn.Linear;

  constructor(opts: GoogLeNetOptions = {}) {
    super();
    checkOptions('GoogLeNet', opts, GOOGLENET_KEYS);
    const layer = { dtype: opts.dtype, generator: opts.generator };
    const o = { ...layer, branch3Kernel: opts.branch3Kernel };
    const classes = opts.numClasses ?? 1000;
    const pool = (k: number): nn.MaxPool2d => new nn.MaxPool2d(k, { stride: 2, ceilMode: true });
    this.conv1 = new BasicConv2d(3, 64, 7, { stride: 2, padding: 3, ...layer });
    this.maxpool1 = pool(3);
    this.conv2 = new BasicConv2d(64, 64, 1, layer);
    this.conv3 = new BasicConv2d(64, 192, 3, { padding: 1, ...layer });
    this.maxpool2 = pool(3);
    this.inception3a = new Inception(192, 64, 96, 128, 16, 32, 32, o);
    this.inception3b = new Inception(256, 128, 128, 192, 32, 96, 64, o);
    this.maxpool3 = pool(3);
    this.inception4a = new Inception(480, 192, 96, 208, 16, 48, 64, o);
    this.inception4b = new Inception(512, 160, 112, 224, 24, 64, 64, o);
    this.inception4c = new Inception(512, 128, 128, 256, 24, 64, 64, o);
    this.inception4d = new Inception(512, 112, 144, 288, 32, 64, 64, o);
    this.inception4e = new Inception(528, 256, 160, 320, 32, 128, 128, o);
    this.maxpool4 = pool(2);
    this.inception5a = new Inception(832, 256, 160, 320, 32, 128, 128, o);
    this.inception5b = new Inception(832, 384, 192, 384, 48, 128, 128, o);
    this.aux1 = opts.auxLogits ? new InceptionAux(512, classes, layer) : null;
    this.aux2 = opts.auxLogits ? new InceptionAux(528, classes, layer) : null;
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.dropout = new nn.Dropout(opts.dropout ?? 0.2, { generator: opts.generator });
    this.fc = new nn.Linear(1024, classes, layer);
  }

  /** The logits and, while training with auxLogits, the two auxiliary classifiers' logits. */
  forwardWithAux(x: Tensor): { logits: Tensor; aux1: Tensor | null; aux2: Tensor | null } {
    let h = this.maxpool1.forward(this.conv1.forward(x)); // (N, 64, 56, 56) for 224×224
    h = this.maxpool2.forward(this.conv3.forward(this.conv2.forward(h))); // (N, 192, 28, 28)
    h = this.maxpool3.forward(this.inception3b.forward(this.inception3a.forward(h))); // (N, 480, 14, 14)
    h = this.inception4a.forward(h); // (N, 512, 14, 14)
    const aux1 = this.aux1 && this.training ? this.aux1.forward(h) : null;
    h = this.inception4d.forward(this.inception4c.forward(this.inception4b.forward(h))); // (N, 528, 14, 14)
    const aux2 = this.aux2 && this.training ? this.aux2.forward(h) : null;
    h = this.maxpool4.forward(this.inception4e.forward(h)); // (N, 832, 7, 7)
    h = this.inception5b.forward(this.inception5a.forward(h)); // (N, 1024, 7, 7)
    const logits = this.fc.forward(this.dropout.forward(this.avgpool.forward(h).flatten(1)));
    return { logits, aux1, aux2 };
  }

  forward(x: Tensor): Tensor {
    return this.forwardWithAux(x).logits;
  }
}

export function googlenet(opts: GoogLeNetOptions = {}): GoogLeNet {
  return new GoogLeNet(opts);
}

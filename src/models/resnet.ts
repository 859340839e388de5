// ResNet (He et al. 2015) as torchvision builds it (v1.5: a bottleneck's stride is on its 3×3
// conv): a 7×7 stride-2 stem and 3×3 max pool, four stages of residual blocks (64, 128, 256, 512
// planes; stages 2–4 halve the size), global average pooling and one fully connected layer.
// Each block adds its input (through a 1×1 projection when the shape changes) to its output:
// y = relu(F(x) + shortcut(x)). ResNet-18 has 11,689,512 parameters, ResNet-34 21,797,672 and
// ResNet-50 25,557,032 for 1000 classes.
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { add, relu } from '../ops/index.js';
import * as nn from '../nn/index.js';
import { checkOptions, optionKeys } from '../util/options.js';

export type LayerOptions = { dtype?: DType; generator?: Generator };

export function conv3x3(inPlanes: number, outPlanes: number, stride = 1, o: LayerOptions = {}): nn.Conv2d {
  return new nn.Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false, ...o });
}

export function conv1x1(inPlanes: number, outPlanes: number, stride = 1, o: LayerOptions = {}): nn.Conv2d {
  return new nn.Conv2d(inPlanes, outPlanes, 1, { stride, bias: false, ...o });
}

/** Two 3×3 convs (ResNet-18/34). */
export class BasicBlock extends nn.Module {
  static readonly expansion = 1;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  downsample: nn.Sequential | null;

  constructor(inPlanes: number, planes: number, stride = 1, downsample: nn.Sequential | null = null, o: LayerOptions = {}) {
    super();
    this.conv1 = conv3x3(inPlanes, planes, stride, o);
    this.bn1 = new nn.BatchNorm2d(planes, { dtype: o.dtype });
    this.conv2 = conv3x3(planes, planes, 1, o);
    this.bn2 = new nn.BatchNorm2d(planes, { dtype: o.dtype });
    this.downsample = downsample;
  }

  forward(x: Tensor): Tensor {
    let out = relu(this.bn1.forward(this.conv1.forward(x)));
    out = this.bn2.forward(this.conv2.forward(out));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    return relu(add(out, identity));
  }
}

/** 1×1 reduce, 3×3, 1×1 expand (×4) (ResNet-50 and deeper); `attention` (SE) rescales the residual branch. */
export class Bottleneck extends nn.Module {
  static readonly expansion = 4;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  conv3: nn.Conv2d;
  bn3: nn.BatchNorm2d;
  se: nn.Module | null = null;
  downsample: nn.Sequential | null;

  constructor(
    inPlanes: number,
    planes: number,
    stride = 1,
    downsample: nn.Sequential | null = null,
    o: LayerOptions = {},
    attention?: (channels: number) => nn.Module,
  ) {
    super();
    const out = planes * Bottleneck.expansion;
    this.conv1 = conv1x1(inPlanes, planes, 1, o);
    this.bn1 = new nn.BatchNorm2d(planes, { dtype: o.dtype });
    this.conv2 = conv3x3(planes, planes, stride, o);
    this.bn2 = new nn.BatchNorm2d(planes, { dtype: o.dtype });
    this.conv3 = conv1x1(planes, out, 1, o);
    this.bn3 = new nn.BatchNorm2d(out, { dtype: o.dtype });
    if (attention) this.se = attention(out);
    this.downsample = downsample;
  }

  forward(x: Tensor): Tensor {
    let out = relu(this.bn1.forward(this.conv1.forward(x)));
    out = relu(this.bn2.forward(this.conv2.forward(out)));
    out = this.bn3.forward(this.conv3.forward(out));
    if (this.se) out = this.se.forward(out);
    const identity = this.downsample ? this.downsample.forward(x) : x;
    return relu(add(out, identity));
  }
}

export type ResNetBlock = 'basic' | 'bottleneck';
export type ResNetOptions = LayerOptions & {
  numClasses?: number;
  /** Rescales each bottleneck's residual branch (SE-ResNet); bottleneck blocks only. */
  attention?: (channels: number) => nn.Module;
};

export class ResNet extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  maxpool: nn.MaxPool2d;
  layer1: nn.Sequential;
  layer2: nn.Sequential;
  layer3: nn.Sequential;
  layer4: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  fc: nn.Linear;

  constructor(block: ResNetBlock, layers: readonly [number, number, number, number], opts: ResNetOptions = {}) {
    super();
    if (block !== 'basic' && block !== 'bottleneck') throw new RangeError(`ResNet: block must be 'basic' or 'bottleneck', got '${String(block)}'`);
    checkOptions('ResNet', opts, optionKeys<ResNetOptions>({ numClasses: true, attention: true, dtype: true, generator: true }));
    if (opts.attention !== undefined && typeof opts.attention !== 'function') throw new TypeError('ResNet: attention must be a function (channels) => Module');
    if (opts.attention && block !== 'bottleneck') throw new RangeError('ResNet: attention (SE) is only built into bottleneck blocks');
    const o: LayerOptions = { dtype: opts.dtype, generator: opts.generator };
    const expansion = block === 'basic' ? BasicBlock.expansion : Bottleneck.expansion;
    let inPlanes = 64;
    const stage = (planes: number, blocks: number, stride: number): nn.Sequential => {
      let downsample: nn.Sequential | null = null;
      if (stride !== 1 || inPlanes !== planes * expansion) {
        downsample = new nn.Sequential(conv1x1(inPlanes, planes * expansion, stride, o), new nn.BatchNorm2d(planes * expansion, { dtype: o.dtype }));
      }
      const make = (inp: number, s: number, ds: nn.Sequential | null): nn.Module =>
        block === 'basic' ? new BasicBlock(inp, planes, s, ds, o) : new Bottleneck(inp, planes, s, ds, o, opts.attention);
      const mods: nn.Module[] = [make(inPlanes, stride, downsample)];
      inPlanes = planes * expansion;
      for (let i = 1; i < blocks; i++) mods.push(make(inPlanes, 1, null));
      return new nn.Sequential(...mods);
    };
    this.conv1 = new nn.Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false, ...o });
    this.bn1 = new nn.BatchNorm2d(64, { dtype: o.dtype });
    this.maxpool = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = stage(64, layers[0], 1);
    this.layer2 = stage(128, layers[1], 2);
    this.layer3 = stage(256, layers[2], 2);
    this.layer4 = stage(512, layers[3], 2);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.fc = new nn.Linear(512 * expansion, opts.numClasses ?? 1000, o);
    // torchvision's initialization: He-normal (fan out) convs, unit BN weights (already)
    for (const m of this.modules())
      if (m instanceof nn.Conv2d) nn.init.kaimingNormal_(m.weight, { mode: 'fanOut', nonlinearity: 'relu', generator: opts.generator });
  }

  forward(x: Tensor): Tensor {
    let h = this.maxpool.forward(relu(this.bn1.forward(this.conv1.forward(x)))); // (N, 64, H/4, W/4)
    h = this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(h)))); // (N, 512·exp, H/32, W/32)
    return this.fc.forward(this.avgpool.forward(h).flatten(1));
  }
}

export const resnet18 = (opts: ResNetOptions = {}): ResNet => new ResNet('basic', [2, 2, 2, 2], opts);
export const resnet34 = (opts: ResNetOptions = {}): ResNet => new ResNet('basic', [3, 4, 6, 3], opts);
export const resnet50 = (opts: ResNetOptions = {}): ResNet => new ResNet('bottleneck', [3, 4, 6, 3], opts);

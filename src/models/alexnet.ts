// AlexNet (Krizhevsky, Sutskever, Hinton 2012) in torchvision's single-tower form: five conv
// layers (11×11 stride 4, then 5×5 and three 3×3) with ReLU and overlapping 3×3 stride-2 max
// pooling, then three fully connected layers with dropout. 61,100,840 parameters for 1000 classes.
//
//   (N, 3, 224, 224) → features (N, 256, 6, 6) → adaptive avg pool (6, 6) → flatten 9216
//   → dropout → fc 4096 → dropout → fc 4096 → fc classes
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import * as nn from '../nn/index.js';
import { checkOptions, optionKeys } from '../util/options.js';

export type AlexNetOptions = { numClasses?: number; dropout?: number; dtype?: DType; generator?: Generator };

export class AlexNet extends nn.Module {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(opts: AlexNetOptions = {}) {
    super();
    checkOptions('AlexNet', opts, optionKeys<AlexNetOptions>({ numClasses: true, dropout: true, dtype: true, generator: true }));
    const o = { dtype: opts.dtype, generator: opts.generator };
    const p = opts.dropout ?? 0.5;
    this.features = new nn.Sequential(
      new nn.Conv2d(3, 64, 11, { stride: 4, padding: 2, ...o }),
      new nn.ReLU(),
      new nn.MaxPool2d(3, { stride: 2 }),
      new nn.Conv2d(64, 192, 5, { padding: 2, ...o }),
      new nn.ReLU(),
      new nn.MaxPool2d(3, { stride: 2 }),
      new nn.Conv2d(192, 384, 3, { padding: 1, ...o }),
      new nn.ReLU(),
      new nn.Conv2d(384, 256, 3, { padding: 1, ...o }),
      new nn.ReLU(),
      new nn.Conv2d(256, 256, 3, { padding: 1, ...o }),
      new nn.ReLU(),
      new nn.MaxPool2d(3, { stride: 2 }),
    );
    this.avgpool = new nn.AdaptiveAvgPool2d([6, 6]);
    this.classifier = new nn.Sequential(
      new nn.Dropout(p, { generator: opts.generator }),
      new nn.Linear(256 * 6 * 6, 4096, o),
      new nn.ReLU(),
      new nn.Dropout(p, { generator: opts.generator }),
      new nn.Linear(4096, 4096, o),
      new nn.ReLU(),
      new nn.Linear(4096, opts.numClasses ?? 1000, o),
    );
  }

  forward(x: Tensor): Tensor {
    const h = this.avgpool.forward(this.features.forward(x)); // (N, 256, 6, 6)
    return this.classifier.forward(h.flatten(1)); // (N, classes)
  }
}

export function alexnet(opts: AlexNetOptions = {}): AlexNet {
  return new AlexNet(opts);
}

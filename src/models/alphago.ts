// AlphaGo's policy network (Silver et al. 2016, "Mastering the game of Go"), as the lecture lists
// it: the board is a 19×19 image with 48 feature planes (stones, liberties, ladders, ...); layer 1
// is a 5×5 conv with 192 filters (zero padding 2), layers 2–12 are 3×3 convs with 192 filters
// (padding 1), each followed by ReLU; layer 13 is a 1×1 conv with one filter and a separate bias
// for each of the 361 points, and a softmax over the 361 moves. No pooling anywhere: the output
// keeps the board's resolution, one logit per point. 3,882,793 parameters.
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { shapeStr } from '../tensor/shape.js';
import { relu, softmax } from '../ops/index.js';
import * as nn from '../nn/index.js';
import { checkOptions, optionKeys } from '../util/options.js';

export const GO_BOARD = 19;
export const GO_FEATURE_PLANES = 48;

export type AlphaGoPolicyOptions = {
  /** Filters of layers 1–12 (default 192; the paper also tried 128, 256, 384). */
  filters?: number;
  /** Input planes (default 48). */
  inputPlanes?: number;
  dtype?: DType;
  generator?: Generator;
};

export class AlphaGoPolicy extends nn.Module {
  readonly filters: number;
  layers: nn.ModuleList;
  head: nn.Conv2d;
  /** One bias per board point (361,), added to the 1×1 conv's output. */
  positionBias: nn.Parameter;

  constructor(opts: AlphaGoPolicyOptions = {}) {
    super();
    checkOptions('AlphaGoPolicy', opts, optionKeys<AlphaGoPolicyOptions>({ filters: true, inputPlanes: true, dtype: true, generator: true }));
    const k = opts.filters ?? 192,
      planes = opts.inputPlanes ?? GO_FEATURE_PLANES;
    const o = { dtype: opts.dtype, generator: opts.generator };
    this.filters = k;
    const layers: nn.Module[] = [new nn.Conv2d(planes, k, 5, { padding: 2, ...o })];
    for (let i = 2; i <= 12; i++) layers.push(new nn.Conv2d(k, k, 3, { padding: 1, ...o }));
    this.layers = new nn.ModuleList(layers);
    this.head = new nn.Conv2d(k, 1, 1, { bias: false, ...o });
    this.positionBias = nn.emptyParameter([GO_BOARD * GO_BOARD], opts.dtype ?? 'float32'); // zeros
  }

  /** (N, 48, 19, 19) board features → (N, 361) move logits. */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[2] !== GO_BOARD || x.shape[3] !== GO_BOARD) {
      throw new RangeError(`AlphaGoPolicy: expected board features (N, C, 19, 19), got ${shapeStr(x.shape)}`);
    }
    let h = x;
    for (const layer of this.layers) h = relu(layer.forward(h)); // (N, 192, 19, 19)
    return this.head.forward(h).flatten(1).add(this.positionBias); // (N, 361)
  }

  /** The move probabilities: softmax over the 361 points. */
  policy(x: Tensor): Tensor {
    return softmax(this.forward(x), 1);
  }
}

export function alphaGoPolicy(opts: AlphaGoPolicyOptions = {}): AlphaGoPolicy {
  return new AlphaGoPolicy(opts);
}

// Light image augmentation for digit-sized images (the distortions LeCun et al. trained LeNet-5
// with): random integer shifts, and random small affine maps (rotation, scale, translation, shear)
// with bilinear sampling. Each works on a batch (N, C, H, W) and draws from a seeded generator, so
// a run is reproducible. AugmentedLoader batches (x, y) tensors and augments each batch on the fly.
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { checkBoolean, checkNumber, checkOptions, optionKeys } from '../util/options.js';

export type RandomAffineOptions = {
  /** Rotation drawn uniformly from ±degrees (default 10). */
  degrees?: number;
  /** Translation in pixels drawn uniformly from ±translate on each axis (default 2). */
  translate?: number;
  /** Scale factor drawn uniformly from [lo, hi] (default [0.9, 1.1]). */
  scale?: readonly [number, number];
  /** Horizontal shear angle drawn uniformly from ±shear degrees (default 0). */
  shear?: number;
  /** The value outside the image (default 0: the background of unnormalized digits). */
  fill?: number;
  generator?: Generator;
};

function checkBatch(op: string, x: Tensor): [number, number, number, number] {
  if (x.ndim !== 4) throw new RangeError(`${op}: expected a batch (N, C, H, W), got ${shapeStr(x.shape)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new TypeError(`${op}: expected a floating point batch, got ${x.dtype}`);
  return x.shape as [number, number, number, number];
}

/** Pixel (y, x) of the plane at `base`, or `fill` outside it. */
function pixel(src: ArrayLike<number>, base: number, H: number, W: number, y: number, x: number, fill: number): number {
  return y >= 0 && y < H && x >= 0 && x < W ? src[base + y * W + x]! : fill;
}

function uniform(gen: Generator, lo: number, hi: number): number {
  return lo + (gen.nextUint32() / 4294967296) * (hi - lo);
}

/** Each image moved by whole pixels, dx and dy uniform in [−maxShift, maxShift]; uncovered pixels get `fill`. */
const AFFINE_KEYS = optionKeys<RandomAffineOptions>({ degrees: true, translate: true, scale: true, shear: true, fill: true, generator: true });
const LOADER_KEYS = optionKeys<AugmentedLoaderOptions>({ batchSize: true, shuffle: true, generator: true, augment: true });

export function randomShift(x: Tensor, maxShift = 2, opts: { fill?: number; generator?: Generator } = {}): Tensor {
  checkNumber('randomShift', 'maxShift', maxShift);
  checkOptions('randomShift', opts, ['fill', 'generator']);
  if (opts.fill !== undefined) checkNumber('randomShift', 'fill', opts.fill);
  const [N, C, H, W] = checkBatch('randomShift', x);
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new RangeError(`randomShift: maxShift must be a non-negative integer, got ${maxShift}`);
  const gen = opts.generator ?? defaultGenerator,
    fill = opts.fill ?? 0;
  const src = x.toTypedArray(),
    out = Tensor.empty(x.shape, x.dtype),
    dst = out.storage;
  for (let n = 0; n < N; n++) {
    const dx = gen.randomInt(2 * maxShift + 1) - maxShift,
      dy = gen.randomInt(2 * maxShift + 1) - maxShift;
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * H * W;
      for (let y = 0; y < H; y++) {
        const sy = y - dy;
        for (let xx = 0; xx < W; xx++) {
          const sx = xx - dx;
          dst[base + y * W + xx] = sy >= 0 && sy < H && sx >= 0 && sx < W ? src[base + sy * W + sx]! : fill;
        }
      }
    }
  }
  return out;
}

/**
 * Each image under its own random affine map about the image centre (rotation, scale, shear, then
 * translation), resampled bilinearly; pixels that map from outside get `fill`.
 */
export function randomAffine(x: Tensor, opts: RandomAffineOptions = {}): Tensor {
  checkOptions('randomAffine', opts, AFFINE_KEYS);
  for (const k of ['degrees', 'translate', 'shear', 'fill'] as const) if (opts[k] !== undefined) checkNumber('randomAffine', k, opts[k]);
  if (opts.scale !== undefined && !(Array.isArray(opts.scale) && opts.scale.length === 2)) throw new TypeError('randomAffine: scale must be a pair [lo, hi]');
  const [N, C, H, W] = checkBatch('randomAffine', x);
  const degrees = opts.degrees ?? 10,
    translate = opts.translate ?? 2,
    [sLo, sHi] = opts.scale ?? [0.9, 1.1],
    shear = opts.shear ?? 0;
  if (!(degrees >= 0 && translate >= 0 && shear >= 0))
    throw new RangeError(`randomAffine: degrees, translate and shear must be non-negative, got ${degrees}, ${translate}, ${shear}`);
  if (!(sLo > 0 && sHi >= sLo)) throw new RangeError(`randomAffine: scale must be [lo, hi] with 0 < lo <= hi, got [${sLo}, ${sHi}]`);
  const gen = opts.generator ?? defaultGenerator,
    fill = opts.fill ?? 0;
  const src = x.toTypedArray(),
    out = Tensor.empty(x.shape, x.dtype),
    dst = out.storage;
  const cx = W / 2,
    cy = H / 2;
  for (let n = 0; n < N; n++) {
    const angle = (uniform(gen, -degrees, degrees) * Math.PI) / 180;
    const s = uniform(gen, sLo, sHi);
    const sh = (uniform(gen, -shear, shear) * Math.PI) / 180;
    const tx = uniform(gen, -translate, translate),
      ty = uniform(gen, -translate, translate);
    // forward map M = T · R · Sh · S; sample the source at M⁻¹(p): p − t, rotate back, unshear, unscale
    const cos = Math.cos(angle),
      sin = Math.sin(angle),
      tan = Math.tan(sh);
    // R⁻¹ = [[cos, sin], [−sin, cos]]; Sh⁻¹ = [[1, −tan], [0, 1]]; S⁻¹ = 1/s
    const a = (cos + tan * sin) / s,
      b = (sin - tan * cos) / s;
    const d = -sin / s,
      e = cos / s;
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * H * W;
      for (let y = 0; y < H; y++) {
        const py = y + 0.5 - cy - ty;
        for (let xx = 0; xx < W; xx++) {
          const px = xx + 0.5 - cx - tx;
          // source position in pixel-index coordinates (pixel centres at integers)
          const sx = a * px + b * py + cx - 0.5,
            sy = d * px + e * py + cy - 0.5;
          const x0 = Math.floor(sx),
            y0 = Math.floor(sy),
            fx = sx - x0,
            fy = sy - y0;
          const v00 = pixel(src, base, H, W, y0, x0, fill),
            v01 = pixel(src, base, H, W, y0, x0 + 1, fill);
          const v10 = pixel(src, base, H, W, y0 + 1, x0, fill),
            v11 = pixel(src, base, H, W, y0 + 1, x0 + 1, fill);
          dst[base + y * W + xx] = (1 - fy) * ((1 - fx) * v00 + fx * v01) + fy * ((1 - fx) * v10 + fx * v11);
        }
      }
    }
  }
  return out;
}

export type AugmentedLoaderOptions = {
  batchSize: number;
  /** A fresh order every epoch (default true). */
  shuffle?: boolean;
  generator?: Generator;
  /** Applied to each batch's x (N, C, H, W); none by default. */
  augment?: ((x: Tensor) => Tensor) | null;
};

/**
 * Batches [x, y] of two tensors with the same first dimension, shuffled each epoch and augmented
 * per batch: `for (const [xb, yb] of loader)` is one epoch. Rows are copied straight out of the
 * contiguous storage (no per-item tensors).
 */
export class AugmentedLoader implements Iterable<[Tensor, Tensor]> {
  // not named x and y: fit() would take an object with both for {x, y} data and skip the augmentation
  readonly inputs: Tensor;
  readonly targets: Tensor;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly generator: Generator;
  readonly augment: ((x: Tensor) => Tensor) | null;

  constructor(x: Tensor, y: Tensor, opts: AugmentedLoaderOptions) {
    if (opts === undefined) throw new TypeError(`AugmentedLoader: expected options {${LOADER_KEYS.join(', ')}}`);
    checkOptions('AugmentedLoader', opts, LOADER_KEYS);
    checkNumber('AugmentedLoader', 'batchSize', opts.batchSize);
    if (opts.shuffle !== undefined) checkBoolean('AugmentedLoader', 'shuffle', opts.shuffle);
    if (opts.augment !== undefined && opts.augment !== null && typeof opts.augment !== 'function')
      throw new TypeError('AugmentedLoader: augment must be a function (x) => x');
    if (x.ndim < 1 || y.ndim < 1 || x.shape[0] !== y.shape[0])
      throw new RangeError(`AugmentedLoader: x ${shapeStr(x.shape)} and y ${shapeStr(y.shape)} must have the same number of rows`);
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1)
      throw new RangeError(`AugmentedLoader: batchSize must be a positive integer, got ${opts.batchSize}`);
    this.inputs = x.isContiguous() ? x : x.contiguous();
    this.targets = y.isContiguous() ? y : y.contiguous();
    this.batchSize = opts.batchSize;
    this.shuffle = opts.shuffle ?? true;
    this.generator = opts.generator ?? defaultGenerator;
    this.augment = opts.augment ?? null;
  }

  /** Batches per epoch. */
  get length(): number {
    return Math.ceil(this.inputs.shape[0]! / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    const x = this.inputs,
      y = this.targets;
    const n = x.shape[0]!;
    const order = this.shuffle ? this.generator.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    const xRow = n ? x.numel() / n : 0,
      yRow = n ? y.numel() / n : 0;
    const xs = x.storage,
      ys = y.storage,
      xo = x.offset,
      yo = y.offset;
    for (let start = 0; start < n; start += this.batchSize) {
      const m = Math.min(this.batchSize, n - start);
      const xb = Tensor.empty([m, ...x.shape.slice(1)], x.dtype),
        yb = Tensor.empty([m, ...y.shape.slice(1)], y.dtype);
      for (let i = 0; i < m; i++) {
        const r = order[start + i]!;
        xb.storage.set(xs.subarray(xo + r * xRow, xo + (r + 1) * xRow), i * xRow);
        yb.storage.set(ys.subarray(yo + r * yRow, yo + (r + 1) * yRow), i * yRow);
      }
      yield [this.augment ? this.augment(xb) : xb, yb];
    }
  }
}

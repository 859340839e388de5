// nn.Transformer: the encoder–decoder of "Attention Is All You Need", as torch.nn.Transformer
// (numEncoderLayers encoder layers + a final LayerNorm, numDecoderLayers decoder layers + a final
// LayerNorm; post-norm by default, normFirst for pre-norm; PyTorch's init: Xavier-uniform weights,
// zero attention biases). No embeddings or output projection: a translation model adds those.
// Differences from PyTorch: batchFirst defaults to true (deepts is batch-first throughout;
// batchFirst: false takes and returns (T, B, d)), and the decoder's self-attention is causal
// unless tgtIsCausal: false (PyTorch needs tgt_mask = generateSquareSubsequentMask(T)).
// encode() runs the encoder once; decode() with makeDecoderCaches() then runs the decoder a step at
// a time, keeping each layer's self-attention keys/values and the memory's projected
// cross-attention keys/values. torchStateDict() / loadTorchStateDict() convert to and from
// PyTorch's keys (q, k and v packed into in_proj_weight / in_proj_bias).
import { Tensor } from '../tensor/tensor.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import { shapeStr } from '../tensor/shape.js';
import { tensor } from '../tensor/creation.js';
import { noGrad } from '../autograd/grad-mode.js';
import { cat, copy_ } from '../ops/index.js';
import { Module, type LoadStateDictResult, type StateDict } from './module.js';
import type { Parameter } from './parameter.js';
import type { Linear } from './linear.js';
import { LayerNorm } from './layernorm.js';
import { LayerKVCache, MemoryKVCache, type MultiheadAttention } from './attention.js';
import { TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer, type TransformerLayerOptions } from './transformer.js';
import { uniform_, xavierUniform_, zeros_ } from './init.js';
import { checkBoolean, checkDtype, checkNumber, checkOptions, describe, optionKeys, POSITIVE_INTEGER } from '../util/options.js';

export type TransformerOptions = Omit<TransformerLayerOptions, 'activationDropout'> & {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  /** Default true: (B, T, d) in and out; false: (T, B, d) as PyTorch's default. */
  batchFirst?: boolean;
};

export type TransformerEncodeOptions = {
  /** The encoder self-attention's mask, (S, S) or (B·nhead, S, S): bool true = not allowed, or float added. */
  srcMask?: Tensor | null;
  /** (B, S) bool, true at source padding. */
  srcKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
};

export type TransformerDecodeOptions = {
  /** The decoder self-attention's mask, (T, past + T) or (B·nhead, T, past + T). */
  tgtMask?: Tensor | null;
  /** The cross-attention's mask, (T, S) or (B·nhead, T, S). */
  memoryMask?: Tensor | null;
  /** (B, past + T) bool, true at target padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** (B, S) bool, true at source padding (pass the source's srcKeyPaddingMask). */
  memoryKeyPaddingMask?: Tensor | null;
  /** Default true; false with tgtMask = generateSquareSubsequentMask(T) is PyTorch's way to the same. */
  tgtIsCausal?: boolean;
  /** Self-attention key/value caches, one a decoder layer (makeDecoderCaches). */
  caches?: readonly LayerKVCache[] | null;
  /** The memory's cross-attention keys/values, one a decoder layer (makeDecoderCaches). */
  memoryCaches?: readonly MemoryKVCache[] | null;
  /** When given, each decoder layer's cross-attention weights (B, nhead, T, S) are pushed onto it, in order. */
  crossAttentionWeights?: Tensor[] | null;
};

export type TransformerCallOptions = TransformerEncodeOptions & Omit<TransformerDecodeOptions, 'caches' | 'memoryCaches'>;

/** What decode() needs to run a step at a time: spread it into decode's options. */
export type TransformerDecoderCaches = { caches: LayerKVCache[]; memoryCaches: MemoryKVCache[] };

const OPTION_KEYS = optionKeys<TransformerOptions>({
  dModel: true,
  nhead: true,
  numEncoderLayers: true,
  numDecoderLayers: true,
  dimFeedforward: true,
  dropout: true,
  activation: true,
  layerNormEps: true,
  batchFirst: true,
  normFirst: true,
  bias: true,
  dtype: true,
  generator: true,
});
const ENCODE_KEYS = optionKeys<TransformerEncodeOptions>({ srcMask: true, srcKeyPaddingMask: true, srcIsCausal: true });
const DECODE_KEYS = optionKeys<TransformerDecodeOptions>({
  tgtMask: true,
  memoryMask: true,
  tgtKeyPaddingMask: true,
  memoryKeyPaddingMask: true,
  tgtIsCausal: true,
  caches: true,
  memoryCaches: true,
  crossAttentionWeights: true,
});
const FORWARD_KEYS = [...ENCODE_KEYS, ...DECODE_KEYS.filter((k) => k !== 'caches' && k !== 'memoryCaches')];

/** A mask given to one of the attentions: bool or float, (rows, cols) or PyTorch's (B·nhead, rows, cols). */
function checkAttnMask(op: string, name: string, m: unknown, [r, rows]: [string, number], [c, cols]: [string, number], bh: number): void {
  if (m === undefined || m === null) return;
  if (!(m instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor or null, got ${describe(m)}`);
  if (m.dtype !== 'bool' && !isFloat(m.dtype)) throw new TypeError(`${op}: ${name} must be a bool or float mask, got ${m.dtype}`);
  const ok = m.ndim === 2 ? m.shape[0] === rows && m.shape[1] === cols : m.ndim === 3 && m.shape[0] === bh && m.shape[1] === rows && m.shape[2] === cols;
  if (!ok)
    throw new RangeError(
      `${op}: ${name} must be (${r}, ${c}) = ${shapeStr([rows, cols])} or (B·nhead, ${r}, ${c}) = ${shapeStr([bh, rows, cols])}, got ${shapeStr(m.shape)}`,
    );
}

function checkPaddingMask(op: string, name: string, m: unknown, b: number, len: number, lenName: string): void {
  if (m === undefined || m === null) return;
  if (!(m instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor or null, got ${describe(m)}`);
  if (m.dtype !== 'bool' || m.ndim !== 2 || m.shape[0] !== b || m.shape[1] !== len)
    throw new RangeError(`${op}: ${name} must be a bool (B, ${lenName}) = ${shapeStr([b, len])} tensor, got ${m.dtype} ${shapeStr(m.shape)}`);
}

function checkCaches(op: string, name: string, caches: unknown, n: number, cls: typeof LayerKVCache | typeof MemoryKVCache): void {
  if (caches === undefined || caches === null) return;
  if (!Array.isArray(caches) || caches.length !== n || !caches.every((c) => c instanceof cls))
    throw new TypeError(`${op}: ${name} must be an array of ${n} ${cls.name}s (one a decoder layer; makeDecoderCaches() makes them), got ${describe(caches)}`);
}

export class Transformer extends Module {
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;
  encoder: TransformerEncoder;
  decoder: TransformerDecoder;

  constructor(opts: TransformerOptions = {}) {
    super();
    checkOptions('Transformer', opts, OPTION_KEYS);
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, batchFirst = true, ...layer } = opts;
    checkNumber('Transformer', 'dModel', dModel, POSITIVE_INTEGER);
    checkNumber('Transformer', 'nhead', nhead, POSITIVE_INTEGER);
    checkNumber('Transformer', 'numEncoderLayers', numEncoderLayers, POSITIVE_INTEGER);
    checkNumber('Transformer', 'numDecoderLayers', numDecoderLayers, POSITIVE_INTEGER);
    checkBoolean('Transformer', 'batchFirst', batchFirst);
    if (dModel % nhead !== 0) throw new RangeError(`Transformer: dModel ${dModel} must be divisible by nhead ${nhead}`);
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = batchFirst;
    // PyTorch's layers drop out the feed-forward's hidden activations too
    const layerOpts: TransformerLayerOptions = { ...layer, activationDropout: layer.dropout ?? 0.1 };
    const norm = () => new LayerNorm(dModel, { eps: layer.layerNormEps ?? 1e-5, bias: layer.bias, dtype: layer.dtype });
    this.encoder = new TransformerEncoder(() => new TransformerEncoderLayer(dModel, nhead, layerOpts), numEncoderLayers, { norm: norm() });
    this.decoder = new TransformerDecoder(() => new TransformerDecoderLayer(dModel, nhead, layerOpts), numDecoderLayers, { norm: norm() });
    this.#resetParameters(layer.generator);
  }

  /** PyTorch's init: nn.MultiheadAttention zeroes its biases, then Transformer Xavier-initializes every matrix. */
  #resetParameters(generator: Generator | undefined): void {
    const gen = { generator };
    for (const [key, params] of this.torchParameters()) {
      if (key.endsWith('in_proj_bias') || key.endsWith('out_proj.bias')) params.forEach((p) => zeros_(p));
      else if (key.endsWith('in_proj_weight')) {
        const a = Math.sqrt(6 / (this.dModel + 3 * this.dModel)); // Xavier of the packed (3d, d) matrix
        params.forEach((p) => uniform_(p, -a, a, gen));
      } else if (params[0]!.ndim > 1) xavierUniform_(params[0]!, 1, gen);
    }
  }

  /** (n, n) float mask, −∞ above the diagonal and 0 elsewhere: PyTorch's causal tgt_mask. */
  static generateSquareSubsequentMask(n: number, opts: { dtype?: DType } = {}): Tensor {
    checkNumber('Transformer.generateSquareSubsequentMask', 'n', n, POSITIVE_INTEGER);
    checkOptions('Transformer.generateSquareSubsequentMask', opts, ['dtype']);
    const dtype = opts.dtype ?? 'float32';
    checkDtype('Transformer.generateSquareSubsequentMask', dtype);
    if (!isFloat(dtype)) throw new TypeError(`Transformer.generateSquareSubsequentMask: dtype must be a float dtype, got ${dtype}`);
    const data = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) data[i * n + j] = -Infinity;
    return tensor(data, { shape: [n, n], dtype });
  }

  /** A source (B, S, d) and target (B, T, d) (or (S, B, d), (T, B, d) without batchFirst) -> (B, T, d). */
  forward(src: Tensor, tgt: Tensor, opts: TransformerCallOptions = {}): Tensor {
    const op = 'Transformer.forward';
    checkOptions(op, opts, FORWARD_KEYS);
    const { srcMask, srcKeyPaddingMask, srcIsCausal, ...dec } = opts;
    const s = this.#input(op, 'src', src, 'S'),
      t = this.#input(op, 'tgt', tgt, 'T');
    if (s.shape[0] !== t.shape[0]) throw new RangeError(`${op}: src ${shapeStr(src.shape)} and tgt ${shapeStr(tgt.shape)} must have the same batch size`);
    const memory = this.#encode(op, s, { srcMask, srcKeyPaddingMask, srcIsCausal });
    return this.#output(this.#decode(op, t, memory, dec));
  }

  /** The encoder (with its final norm): src (B, S, d) -> memory (B, S, d). */
  encode(src: Tensor, opts: TransformerEncodeOptions = {}): Tensor {
    checkOptions('Transformer.encode', opts, ENCODE_KEYS);
    return this.#output(this.#encode('Transformer.encode', this.#input('Transformer.encode', 'src', src, 'S'), opts));
  }

  /**
   * The decoder (with its final norm): tgt (B, T, d) over memory (B, S, d) -> (B, T, d). With
   * caches and memoryCaches (makeDecoderCaches) pass only the new positions each step; the
   * memory's keys/values are projected on the first step and reused while the memory is the same.
   */
  decode(tgt: Tensor, memory: Tensor, opts: TransformerDecodeOptions = {}): Tensor {
    const op = 'Transformer.decode';
    checkOptions(op, opts, DECODE_KEYS);
    const t = this.#input(op, 'tgt', tgt, 'T'),
      m = this.#input(op, 'memory', memory, 'S');
    if (m.shape[0] !== t.shape[0]) throw new RangeError(`${op}: tgt ${shapeStr(tgt.shape)} and memory ${shapeStr(memory.shape)} must have the same batch size`);
    return this.#output(this.#decode(op, t, m, opts));
  }

  /** One self-attention cache of `capacity` positions and one memory cache per decoder layer. */
  makeDecoderCaches(capacity: number): TransformerDecoderCaches {
    const n = this.decoder.layers.length;
    return { caches: Array.from({ length: n }, () => new LayerKVCache(capacity)), memoryCaches: Array.from({ length: n }, () => new MemoryKVCache()) };
  }

  /** x in the caller's layout, checked -> batch-first. */
  #input(op: string, name: string, x: unknown, len: string): Tensor {
    const layout = this.batchFirst ? `(B, ${len}, dModel)` : `(${len}, B, dModel)`;
    if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a ${layout} Tensor, got ${describe(x)}`);
    if (x.ndim !== 3 || x.shape[2] !== this.dModel)
      throw new RangeError(`${op}: ${name} must be ${layout} with dModel = ${this.dModel}, got ${shapeStr(x.shape)}`);
    return this.batchFirst ? x : x.transpose(0, 1);
  }

  #output(y: Tensor): Tensor {
    return this.batchFirst ? y : y.transpose(0, 1);
  }

  #encode(op: string, x: Tensor, opts: TransformerEncodeOptions): Tensor {
    const [B, S] = x.shape as [number, number];
    checkAttnMask(op, 'srcMask', opts.srcMask, ['S', S], ['S', S], B * this.nhead);
    checkPaddingMask(op, 'srcKeyPaddingMask', opts.srcKeyPaddingMask, B, S, 'S');
    return this.encoder.forward(x, { srcMask: opts.srcMask, srcKeyPaddingMask: opts.srcKeyPaddingMask, isCausal: opts.srcIsCausal ?? false });
  }

  #decode(op: string, x: Tensor, memory: Tensor, opts: TransformerDecodeOptions): Tensor {
    const [B, T] = x.shape as [number, number];
    const S = memory.shape[1]!;
    const n = this.decoder.layers.length;
    checkCaches(op, 'caches', opts.caches, n, LayerKVCache);
    checkCaches(op, 'memoryCaches', opts.memoryCaches, n, MemoryKVCache);
    const past = opts.caches?.[0]?.length ?? 0;
    const keys = past ? 'past + T' : 'T';
    checkAttnMask(op, 'tgtMask', opts.tgtMask, ['T', T], [keys, past + T], B * this.nhead);
    checkAttnMask(op, 'memoryMask', opts.memoryMask, ['T', T], ['S', S], B * this.nhead);
    checkPaddingMask(op, 'tgtKeyPaddingMask', opts.tgtKeyPaddingMask, B, past + T, keys);
    checkPaddingMask(op, 'memoryKeyPaddingMask', opts.memoryKeyPaddingMask, B, S, 'S');
    const { caches, memoryCaches, ...rest } = opts;
    return this.decoder.forward(x, memory, { ...rest, caches: caches ?? undefined, memoryCaches: memoryCaches ?? undefined });
  }

  // ---- PyTorch's state dict ----

  /**
   * PyTorch's state-dict keys, in its order, with the parameters each holds: q, k and v (row
   * blocks of in_proj_weight / in_proj_bias), or one parameter.
   */
  torchParameters(): [string, Parameter[]][] {
    const out: [string, Parameter[]][] = [];
    const linear = (key: string, l: Linear) => {
      out.push([`${key}.weight`, [l.weight]]);
      if (l.bias) out.push([`${key}.bias`, [l.bias]]);
    };
    const norm = (key: string, n: LayerNorm) => {
      if (n.weight) out.push([`${key}.weight`, [n.weight]]);
      if (n.bias) out.push([`${key}.bias`, [n.bias]]);
    };
    const attn = (key: string, a: MultiheadAttention) => {
      out.push([`${key}.in_proj_weight`, [a.qProj.weight, a.kProj.weight, a.vProj.weight]]);
      if (a.qProj.bias) out.push([`${key}.in_proj_bias`, [a.qProj.bias, a.kProj.bias!, a.vProj.bias!]]);
      linear(`${key}.out_proj`, a.outProj);
    };
    for (const [i, m] of [...this.encoder.layers].entries()) {
      const l = m as TransformerEncoderLayer,
        key = `encoder.layers.${i}`;
      attn(`${key}.self_attn`, l.selfAttn);
      linear(`${key}.linear1`, l.ff.fc1);
      linear(`${key}.linear2`, l.ff.fc2);
      norm(`${key}.norm1`, l.norm1);
      norm(`${key}.norm2`, l.norm2);
    }
    norm('encoder.norm', this.encoder.norm!);
    for (const [i, m] of [...this.decoder.layers].entries()) {
      const l = m as TransformerDecoderLayer,
        key = `decoder.layers.${i}`;
      attn(`${key}.self_attn`, l.selfAttn);
      attn(`${key}.multihead_attn`, l.crossAttn);
      linear(`${key}.linear1`, l.ff.fc1);
      linear(`${key}.linear2`, l.ff.fc2);
      norm(`${key}.norm1`, l.norm1);
      norm(`${key}.norm2`, l.norm2);
      norm(`${key}.norm3`, l.norm3);
    }
    norm('decoder.norm', this.decoder.norm!);
    return out;
  }

  /** The parameters under PyTorch's keys (torch.nn.Transformer.state_dict()); the packed in_proj tensors are copies. */
  torchStateDict(): StateDict {
    const sd: StateDict = {};
    for (const [key, ps] of this.torchParameters()) sd[key] = ps.length === 1 ? ps[0]!.detach() : noGrad(() => cat(ps, 0));
    return sd;
  }

  /**
   * Copies a torch.nn.Transformer state dict (PyTorch's keys, as it is) into this model's
   * parameters, in place. A wrong shape, or a value that is not a Tensor, is an error; missing and
   * unexpected keys are errors when strict (the default), else they are returned.
   */
  loadTorchStateDict(stateDict: StateDict, opts: { strict?: boolean } = {}): LoadStateDictResult {
    const op = 'Transformer.loadTorchStateDict';
    checkOptions(op, opts, ['strict']);
    const strict = opts.strict ?? true;
    checkBoolean(op, 'strict', strict);
    if (stateDict === null || typeof stateDict !== 'object')
      throw new TypeError(`${op}: expected an object of PyTorch key -> Tensor, got ${describe(stateDict)}`);
    const entries = this.torchParameters();
    const known = new Set(entries.map(([k]) => k));
    const missingKeys: string[] = [];
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !known.has(k));
    const errors: string[] = [];
    for (const [key, ps] of entries) {
      const expected = [ps.reduce((n, p) => n + p.shape[0]!, 0), ...ps[0]!.shape.slice(1)];
      const src: unknown = stateDict[key];
      if (src === undefined) {
        missingKeys.push(key);
        if (strict) errors.push(`missing key "${key}" (expected shape ${shapeStr(expected)})`);
      } else if (!(src instanceof Tensor)) errors.push(`"${key}" is not a Tensor (got ${describe(src)}; expected shape ${shapeStr(expected)})`);
      else if (src.ndim !== expected.length || !src.shape.every((n, i) => n === expected[i]))
        errors.push(`"${key}" has shape ${shapeStr(src.shape)}, expected ${shapeStr(expected)}`);
    }
    if (strict && unexpectedKeys.length) errors.push(`unexpected key(s) ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}`);
    if (errors.length) throw new Error(`${op}: error(s) loading the state dict:\n  ${errors.join('\n  ')}`);
    noGrad(() => {
      for (const [key, ps] of entries) {
        const src = stateDict[key];
        if (!src) continue;
        let row = 0;
        for (const p of ps) {
          copy_(p, src.narrow(0, row, p.shape[0]!));
          row += p.shape[0]!;
        }
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, batchFirst=${this.batchFirst}`;
  }
}

// Sequence-to-sequence translation with GRUs: an encoder reads the source ids (B, S), a decoder
// writes the target one token at a time. One class, three models, chosen by config.attention:
// - 'none' (Cho et al. 2014; the lecture's single context vector c): the encoder's final states
//   are c; the decoder starts from tanh(W c), reads c at every step next to its input token, and
//   its output layer sees c too: logits = W_o [s_t; c; E y_{t−1}].
// - 'bahdanau' (Bahdanau et al. 2015, additive): before step t the previous state s_{t−1} scores
//   every annotation h_j, e_tj = vᵀ tanh(W_q s_{t−1} + W_k h_j); the weights α_t = softmax_j(e_tj)
//   give the context c_t = Σ_j α_tj h_j, which takes c's place above: the decoder reads
//   [E y_{t−1}; c_t], the output layer [s_t; c_t; E y_{t−1}].
// - 'luong-dot' / 'luong-general' (Luong et al. 2015, multiplicative): the decoder steps first, then
//   its new output h_t scores the annotations (h_tᵀ h_j, or h_tᵀ W_a h_j); the context gives the
//   attentional vector h̃_t = tanh(W_c [c_t; h_t]) that predicts the token (logits = W_s h̃_t) and,
//   with input feeding (config.inputFeeding, default on, as Luong's best models), joins the next
//   step's input [E y_t; h̃_t].
// The encoder is a GRU over the packed batch, so padding never enters a state. Bidirectional (the
// default), each direction has hiddenSize/2 units, so the annotations h_j = [h→_j; h←_j] have the
// decoder's size (OpenNMT's brnn) — Luong's dot score needs that — and the decoder's first state
// is tanh(W_init [h→_last; h←_first]) per layer (Bahdanau). Padding positions get −∞ scores, so
// exactly 0 attention weight. Initialization: PyTorch's defaults (GRU U(±1/√H), Linear
// Kaiming-uniform, Embedding N(0, 1)).
//
// forward(src, srcLengths, tgtIn) runs the decoder over tgtIn = target[:, :-1] (teacher forcing)
// and returns logits (B, T, V) for labels = target[:, 1:]; seq2seqLoss averages the cross-entropy
// over the real label positions. Decoding goes through the step interface of
// generate/seq2seq-decode.ts (encode, decodeStep, selectRows), which greedyDecode and beamSearch use.
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { arange, zeros } from '../tensor/creation.js';
import { defaultGenerator, type Generator } from '../tensor/generator.js';
import { argmax, cat, crossEntropy, indexSelect, lt, matmul, softmax, stack, tanh, where } from '../ops/index.js';
import { Module } from '../nn/module.js';
import { ModuleList } from '../nn/containers.js';
import { Embedding } from '../nn/embedding.js';
import { Linear } from '../nn/linear.js';
import { Dropout } from '../nn/dropout.js';
import { GRU } from '../nn/rnn.js';
import { GRUCell } from '../nn/rnn-cells.js';
import { packPaddedSequence, padPackedSequence, type PackedSequence } from '../nn/utils/rnn.js';
import { PAD_ID } from '../tokenizers/vocab-tokenizer.js';
import type { Seq2SeqModel, Seq2SeqStep } from '../generate/seq2seq-decode.js';
import { checkBoolean, checkNumber, checkOneOf, checkOptions, describe, optionKeys } from '../util/options.js';

export const SEQ2SEQ_ATTENTION = ['none', 'bahdanau', 'luong-dot', 'luong-general'] as const;
export type Seq2SeqAttention = (typeof SEQ2SEQ_ATTENTION)[number];

export type Seq2SeqConfig = {
  srcVocabSize: number;
  tgtVocabSize: number;
  /** Token embedding size, source and target (default 256). */
  embeddingDim?: number;
  /** The decoder's state size, and the annotations' (default 512). */
  hiddenSize?: number;
  /** Stacked GRU layers, encoder and decoder (default 1). */
  numLayers?: number;
  /** On the embeddings, between stacked layers and before the output layer, in training (default 0). */
  dropout?: number;
  /** Default 'bahdanau'. */
  attention?: Seq2SeqAttention;
  /** A bidirectional encoder (default true; hiddenSize must then be even). */
  bidirectional?: boolean;
  /** Bahdanau's scoring layer size, the rows of W_q and W_k (default hiddenSize). */
  attentionSize?: number;
  /** Luong: h̃_{t−1} joins the input of step t (default true). */
  inputFeeding?: boolean;
};
const CONFIG_KEYS = optionKeys<Seq2SeqConfig>({
  srcVocabSize: true,
  tgtVocabSize: true,
  embeddingDim: true,
  hiddenSize: true,
  numLayers: true,
  dropout: true,
  attention: true,
  bidirectional: true,
  attentionSize: true,
  inputFeeding: true,
});

export function checkSeq2SeqConfig(config: Seq2SeqConfig): Required<Seq2SeqConfig> {
  if (config === undefined) throw new TypeError(`Seq2Seq: expected a config {${CONFIG_KEYS.join(', ')}}`);
  checkOptions('Seq2Seq: config', config, CONFIG_KEYS);
  checkNumber('Seq2Seq', 'srcVocabSize', config.srcVocabSize, { integer: true, min: 1 });
  checkNumber('Seq2Seq', 'tgtVocabSize', config.tgtVocabSize, { integer: true, min: 1 });
  if (config.attention !== undefined) checkOneOf('Seq2Seq', 'attention', config.attention, SEQ2SEQ_ATTENTION);
  for (const k of ['bidirectional', 'inputFeeding'] as const) if (config[k] !== undefined) checkBoolean('Seq2Seq', k, config[k]);
  const hiddenSize = config.hiddenSize ?? 512;
  const c: Required<Seq2SeqConfig> = {
    srcVocabSize: config.srcVocabSize,
    tgtVocabSize: config.tgtVocabSize,
    embeddingDim: config.embeddingDim ?? 256,
    hiddenSize,
    numLayers: config.numLayers ?? 1,
    dropout: config.dropout ?? 0,
    attention: config.attention ?? 'bahdanau',
    bidirectional: config.bidirectional ?? true,
    attentionSize: config.attentionSize ?? hiddenSize,
    inputFeeding: config.inputFeeding ?? true,
  };
  for (const k of ['embeddingDim', 'hiddenSize', 'numLayers', 'attentionSize'] as const) checkNumber('Seq2Seq', k, c[k], { integer: true, min: 1 });
  checkNumber('Seq2Seq', 'dropout', c.dropout, { min: 0, max: 0.99 });
  if (c.bidirectional && c.hiddenSize % 2 !== 0)
    throw new RangeError(`Seq2Seq: hiddenSize must be even with a bidirectional encoder (hiddenSize/2 units a direction), got ${c.hiddenSize}`);
  return c;
}

/**
 * The decoder state between steps (N rows: sentences, or sentences × beam). The encoder's part
 * (memory, keys, mask) is computed once per sentence and only row-selected afterwards.
 */
export type Seq2SeqState = {
  /** The annotations h_j (N, S, H), zeros at padding. */
  memory: Tensor;
  /** What the scores read of the annotations, once per sentence: W_k h_j (N, S, A) (Bahdanau), W_a h_j (Luong general), h_j (dot); null without attention. */
  keys: Tensor | null;
  /** (N, S) true at real source positions. */
  mask: Tensor;
  /** The decoder's state, one (N, H) per layer. */
  hidden: Tensor[];
  /** Read with the next token: c (N, H) for 'none' (fixed), h̃_{t−1} for Luong with input feeding (zeros at first); else null. */
  feed: Tensor | null;
};

export type Seq2SeqOutput = {
  /** (B, T, tgtVocabSize) */
  logits: Tensor;
  /** (B, T, S): each target step's weights over the source; null for 'none'. */
  attention: Tensor | null;
};

export type Seq2SeqForwardOptions = {
  /** Probability of feeding the gold token at each step (default 1); else the model's own argmax. */
  teacherForcingRatio?: number;
  /** Draws the teacher-forcing choices (default: the default generator). */
  generator?: Generator;
};
const FORWARD_KEYS = optionKeys<Seq2SeqForwardOptions>({ teacherForcingRatio: true, generator: true });

/** Checks ids (B, L) int32 with every id below `vocab`. */
function checkIds(what: string, ids: unknown, vocab: number, vocabName: string): asserts ids is Tensor {
  if (!(ids instanceof Tensor) || ids.ndim !== 2 || ids.dtype !== 'int32')
    throw new TypeError(
      `Seq2Seq: ${what} must be int32 token ids (B, ${what === 'src' ? 'S' : 'T'}) padded with 0, got ${ids instanceof Tensor ? `${ids.dtype} ${shapeStr(ids.shape)}` : describe(ids)}`,
    );
  const [, L] = ids.shape as [number, number];
  const v = ids.contiguous().toTypedArray();
  for (let i = 0; i < v.length; i++) {
    const id = v[i]!;
    if (id < 0 || id >= vocab)
      throw new RangeError(
        `Seq2Seq: ${what} id ${id} at [${Math.floor(i / L)}, ${i % L}] is out of range for the ${vocabName} vocabulary of ${vocab} (ids 0..${vocab - 1})`,
      );
  }
}

/** Each source row's length: srcLengths when given (checked), else its tokens up to the last non-zero id. */
function sourceLengths(src: Tensor, given: readonly number[] | Tensor | null | undefined): number[] {
  const [B, S] = src.shape as [number, number];
  if (given !== undefined && given !== null) {
    const list = given instanceof Tensor ? Array.from(given.toTypedArray(), Number) : Array.isArray(given) ? [...given] : null;
    if (!list) throw new TypeError(`Seq2Seq: srcLengths must be an array of numbers or a Tensor, got ${describe(given)}`);
    if (list.length !== B) throw new RangeError(`Seq2Seq: got ${list.length} srcLengths for a batch of ${B} sentences`);
    list.forEach((n, i) => {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`Seq2Seq: srcLengths[${i}] is ${n}, expected a positive integer`);
      if (n > S) throw new RangeError(`Seq2Seq: srcLengths[${i}] is ${n}, longer than the source's ${S} positions`);
    });
    return list;
  }
  const v = src.contiguous().toTypedArray();
  return Array.from({ length: B }, (_, b) => {
    let n = 0;
    for (let t = 0; t < S; t++) if (v[b * S + t] !== PAD_ID) n = t + 1;
    if (n === 0) throw new RangeError(`Seq2Seq: source row ${b} is all padding (an empty sentence)`);
    return n;
  });
}

/** α = softmax over the real positions (padding gets exactly 0), and the context Σ_j α_j h_j. */
function attend(scores: Tensor, mask: Tensor, memory: Tensor): { weights: Tensor; context: Tensor } {
  const weights = softmax(where(mask, scores, -Infinity), -1); // (N, S)
  const context = matmul(weights.unsqueeze(1), memory).squeeze(1); // (N, 1, S) @ (N, S, H) -> (N, H)
  return { weights, context };
}

/** Bahdanau's additive score e_j = vᵀ tanh(W_q q + W_k h_j). */
export class AdditiveAttention extends Module {
  wQ: Linear;
  wK: Linear;
  v: Linear;

  constructor(queryDim: number, keyDim: number, attentionDim: number, gen?: Generator) {
    super();
    this.wQ = new Linear(queryDim, attentionDim, { bias: false, generator: gen });
    this.wK = new Linear(keyDim, attentionDim, { bias: false, generator: gen });
    this.v = new Linear(attentionDim, 1, { bias: false, generator: gen });
  }

  /** W_k h_j of every annotation, once per sentence: memory (B, S, H) -> (B, S, A). */
  keys(memory: Tensor): Tensor {
    return this.wK.forward(memory);
  }

  /** query (N, H), keys (N, S, A) -> scores (N, S). */
  forward(query: Tensor, keys: Tensor): Tensor {
    const q = this.wQ.forward(query).unsqueeze(1); // (N, 1, A)
    return this.v.forward(tanh(keys.add(q))).squeeze(2); // (N, S, A) -> (N, S)
  }
}

/** Luong's multiplicative scores: dot h_tᵀ h_j, or general h_tᵀ W_a h_j. */
export class MultiplicativeAttention extends Module {
  wA: Linear | null;

  constructor(
    readonly score: 'dot' | 'general',
    dim: number,
    gen?: Generator,
  ) {
    super();
    this.wA = score === 'general' ? new Linear(dim, dim, { bias: false, generator: gen }) : null;
  }

  /** What the query is multiplied with, once per sentence: W_a h_j (general) or h_j (dot), (B, S, H). */
  keys(memory: Tensor): Tensor {
    return this.wA ? this.wA.forward(memory) : memory;
  }

  /** query (N, H), keys (N, S, H) -> scores (N, S). */
  forward(query: Tensor, keys: Tensor): Tensor {
    return matmul(keys, query.unsqueeze(2)).squeeze(2); // (N, S, H) @ (N, H, 1) -> (N, S)
  }
}

/** Embedding → dropout → (bidirectional) GRU over the packed batch. */
export class Seq2SeqEncoder extends Module {
  embedding: Embedding;
  drop: Dropout;
  rnn: GRU;
  readonly directions: number;

  constructor(c: Required<Seq2SeqConfig>, gen?: Generator) {
    super();
    this.directions = c.bidirectional ? 2 : 1;
    this.embedding = new Embedding(c.srcVocabSize, c.embeddingDim, { paddingIdx: PAD_ID, generator: gen });
    this.drop = new Dropout(c.dropout, { generator: gen });
    this.rnn = new GRU(c.embeddingDim, c.hiddenSize / this.directions, {
      numLayers: c.numLayers,
      bidirectional: c.bidirectional,
      batchFirst: true,
      dropout: c.numLayers > 1 ? c.dropout : 0,
      generator: gen,
    });
  }

  /** src (B, S) int32 with its lengths -> memory (B, S, H) (zeros at padding), final (numLayers, B, H) = [h→_last; h←_first] per layer. */
  forward(src: Tensor, lengths: readonly number[]): { memory: Tensor; final: Tensor } {
    const [B, S] = src.shape as [number, number];
    const x = this.drop.forward(this.embedding.forward(src)); // (B, S, E)
    const packed = packPaddedSequence(x, lengths, { batchFirst: true, enforceSorted: false });
    const [out, hN] = this.rnn.forward(packed) as [PackedSequence, Tensor]; // hN (numLayers·D, B, H/D)
    const [memory] = padPackedSequence(out, { batchFirst: true, totalLength: S }); // (B, S, H)
    const L = this.rnn.numLayers,
      D = this.directions,
      Hd = this.rnn.hiddenSize;
    const final = hN
      .view(L, D, B, Hd)
      .permute(0, 2, 1, 3)
      .reshape(L, B, D * Hd); // (L, B, H)
    return { memory, final };
  }
}

export class Seq2Seq extends Module implements Seq2SeqModel<Seq2SeqState> {
  readonly config: Required<Seq2SeqConfig>;
  encoder: Seq2SeqEncoder;
  bridge: Linear; // s_0 = tanh(W_init [h→; h←]), per layer
  embedding: Embedding;
  attention: AdditiveAttention | MultiplicativeAttention | null;
  cells: ModuleList; // one GRUCell per decoder layer
  combine: Linear | null; // Luong's W_c
  out: Linear;
  drop: Dropout;

  constructor(config: Seq2SeqConfig, opts: { generator?: Generator } = {}) {
    super();
    checkOptions('Seq2Seq', opts, ['generator']);
    const c = checkSeq2SeqConfig(config);
    this.config = c;
    const gen = opts.generator;
    const { embeddingDim: E, hiddenSize: H, attention } = c;
    const luong = attention === 'luong-dot' || attention === 'luong-general';
    this.encoder = new Seq2SeqEncoder(c, gen);
    this.bridge = new Linear(H, H, { generator: gen });
    this.embedding = new Embedding(c.tgtVocabSize, E, { paddingIdx: PAD_ID, generator: gen });
    this.attention =
      attention === 'bahdanau'
        ? new AdditiveAttention(H, H, c.attentionSize, gen)
        : luong
          ? new MultiplicativeAttention(attention === 'luong-dot' ? 'dot' : 'general', H, gen)
          : null;
    // the first layer reads the token with c / c_t ('none', 'bahdanau') or h̃_{t−1} (input feeding)
    const extra = !luong || c.inputFeeding ? H : 0;
    this.cells = new ModuleList(Array.from({ length: c.numLayers }, (_, l) => new GRUCell(l === 0 ? E + extra : H, H, { generator: gen })));
    this.combine = luong ? new Linear(2 * H, H, { bias: false, generator: gen }) : null;
    this.out = new Linear(luong ? H : 2 * H + E, c.tgtVocabSize, { generator: gen });
    this.drop = new Dropout(c.dropout, { generator: gen });
  }

  get tgtVocabSize(): number {
    return this.config.tgtVocabSize;
  }

  /** Runs the encoder; returns the decoder's first state (one row per sentence). */
  encode(src: Tensor, srcLengths?: readonly number[] | Tensor | null): Seq2SeqState {
    checkIds('src', src, this.config.srcVocabSize, 'source');
    const lengths = sourceLengths(src, srcLengths);
    const [B, S] = src.shape as [number, number];
    const { memory, final } = this.encoder.forward(src, lengths); // (B, S, H), (L, B, H)
    const len = new Tensor(Int32Array.from(lengths), 'int32', [B, 1]);
    const mask = lt(arange(0, S, 1, { dtype: 'int32' }).view(1, S), len); // (B, S)
    const s0 = tanh(this.bridge.forward(final)); // (L, B, H)
    const hidden = Array.from({ length: this.config.numLayers }, (_, l) => s0.select(0, l));
    const a = this.config.attention;
    const feed =
      a === 'none'
        ? final.select(0, final.shape[0]! - 1) // c: the top layer's final states (B, H)
        : a !== 'bahdanau' && this.config.inputFeeding
          ? zeros([B, this.config.hiddenSize], { dtype: memory.dtype }) // h̃_0
          : null;
    return { memory, keys: this.attention ? this.attention.keys(memory) : null, mask, hidden, feed };
  }

  /** One decoder step for every row: prevTokens (N,) int32 -> logits (N, V), the next state, attention (N, S). */
  decodeStep(state: Seq2SeqState, prevTokens: Tensor): Seq2SeqStep<Seq2SeqState> {
    const N = state.mask.shape[0]!;
    if (!(prevTokens instanceof Tensor) || prevTokens.dtype !== 'int32' || prevTokens.ndim !== 1 || prevTokens.shape[0] !== N)
      throw new TypeError(
        `Seq2Seq.decodeStep: prevTokens must be int32 ids (${N},), one per state row, got ${prevTokens instanceof Tensor ? `${prevTokens.dtype} ${shapeStr(prevTokens.shape)}` : describe(prevTokens)}`,
      );
    const y = this.drop.forward(this.embedding.forward(prevTokens)); // (N, E)
    const top = state.hidden.length - 1;
    let weights: Tensor | null = null;
    let context: Tensor | null = state.feed; // 'none': the fixed c
    if (this.attention instanceof AdditiveAttention) {
      // Bahdanau: attend with the previous state s_{t−1}, then step
      ({ weights, context } = attend(this.attention.forward(state.hidden[top]!, state.keys!), state.mask, state.memory));
    }
    const hidden = this.step(context ? cat([y, context], 1) : y, state.hidden);
    const h = hidden[top]!; // (N, H)
    if (this.attention instanceof MultiplicativeAttention) {
      // Luong: step, then attend with the new output h_t
      ({ weights, context } = attend(this.attention.forward(h, state.keys!), state.mask, state.memory));
      const hTilde = tanh(this.combine!.forward(cat([context, h], 1))); // (N, H)
      const logits = this.out.forward(this.drop.forward(hTilde)); // (N, V)
      return { logits, state: { ...state, hidden, feed: this.config.inputFeeding ? hTilde : null }, attention: weights };
    }
    // 'none' and Bahdanau: the deep output over [s_t; c_t; E y_{t−1}]
    const logits = this.out.forward(this.drop.forward(cat([h, context!, y], 1))); // (N, V)
    return { logits, state: { ...state, hidden }, attention: weights };
  }

  /** The stacked GRU cells, one step: each layer reads the one below (dropout between layers). */
  private step(x: Tensor, hidden: readonly Tensor[]): Tensor[] {
    const out: Tensor[] = [];
    let input = x;
    hidden.forEach((h, l) => {
      const next = this.cells.at<GRUCell>(l).forward(input, h); // (N, H)
      out.push(next);
      input = this.drop.forward(next);
    });
    return out;
  }

  /** The state of rows `rows` (N',) int32 (repeats allowed): for beam search and batch shrinking. */
  selectRows(state: Seq2SeqState, rows: Tensor): Seq2SeqState {
    const pick = (t: Tensor) => indexSelect(t, 0, rows);
    const memory = pick(state.memory);
    return {
      memory,
      keys: state.keys === null ? null : state.keys === state.memory ? memory : pick(state.keys), // dot: the keys are the memory
      mask: pick(state.mask),
      hidden: state.hidden.map(pick),
      feed: state.feed && pick(state.feed),
    };
  }

  /**
   * src (B, S) int32, srcLengths (default: up to each row's last non-zero id), tgtIn (B, T) int32
   * = target[:, :-1] (starting with <bos>) -> logits (B, T, V) and attention (B, T, S).
   */
  forward(src: Tensor, srcLengths: readonly number[] | Tensor | null | undefined, tgtIn: Tensor, opts: Seq2SeqForwardOptions = {}): Seq2SeqOutput {
    checkOptions('Seq2Seq.forward', opts, FORWARD_KEYS);
    const ratio = opts.teacherForcingRatio ?? 1;
    checkNumber('Seq2Seq.forward', 'teacherForcingRatio', ratio, { min: 0, max: 1 });
    checkIds('tgtIn', tgtIn, this.config.tgtVocabSize, 'target');
    let state = this.encode(src, srcLengths);
    const [B, T] = tgtIn.shape as [number, number];
    if (B !== src.shape[0]) throw new RangeError(`Seq2Seq: src has ${src.shape[0]} sentences, tgtIn ${B}`);
    const gold = tgtIn.contiguous().toTypedArray();
    const gen = opts.generator ?? defaultGenerator;
    const logits: Tensor[] = [],
      attention: Tensor[] = [];
    let prev = tgtIn.select(1, 0).contiguous(); // (B,)
    for (let t = 0; t < T; t++) {
      const step = this.decodeStep(state, prev);
      logits.push(step.logits);
      if (step.attention) attention.push(step.attention);
      state = step.state;
      if (t + 1 === T) break;
      prev = tgtIn.select(1, t + 1).contiguous();
      if (ratio < 1) {
        // scheduled sampling: each row feeds its own prediction with probability 1 − ratio
        const own = argmax(step.logits.detach(), 1).toTypedArray();
        const next = new Int32Array(B);
        for (let b = 0; b < B; b++) next[b] = gen.nextUint32() < ratio * 4294967296 ? gold[b * T + t + 1]! : own[b]!;
        prev = new Tensor(next, 'int32', [B]);
      }
    }
    return { logits: stack(logits, 1), attention: attention.length ? stack(attention, 1) : null };
  }

  override extraRepr(): string {
    const c = this.config;
    return `attention='${c.attention}', hiddenSize=${c.hiddenSize}, numLayers=${c.numLayers}, bidirectional=${c.bidirectional}${c.attention.startsWith('luong') ? `, inputFeeding=${c.inputFeeding}` : ''}`;
  }
}

export type Seq2SeqLossOptions = {
  /** Labels with this id are left out of the mean (default 0, <pad>). */
  ignoreIndex?: number;
  /** Label smoothing ε as PyTorch's cross_entropy (default 0). */
  labelSmoothing?: number;
};
const LOSS_KEYS = optionKeys<Seq2SeqLossOptions>({ ignoreIndex: true, labelSmoothing: true });

/**
 * Mean cross-entropy of logits (B, T, V) against labels (B, T) = target[:, 1:] over the real
 * positions (padding ignored): F.cross_entropy(logits.transpose(1, 2), labels, ignore_index=0).
 */
export function seq2seqLoss(logits: Tensor, labels: Tensor, opts: Seq2SeqLossOptions = {}): Tensor {
  checkOptions('seq2seqLoss', opts, LOSS_KEYS);
  if (!(logits instanceof Tensor) || logits.ndim !== 3)
    throw new TypeError(`seq2seqLoss: logits must be (B, T, V), got ${logits instanceof Tensor ? shapeStr(logits.shape) : describe(logits)}`);
  if (!(labels instanceof Tensor) || labels.dtype !== 'int32' || shapeStr(labels.shape) !== shapeStr(logits.shape.slice(0, 2)))
    throw new TypeError(
      `seq2seqLoss: labels must be int32 ${shapeStr(logits.shape.slice(0, 2))} (the logits' (B, T)), got ${labels instanceof Tensor ? `${labels.dtype} ${shapeStr(labels.shape)}` : describe(labels)}`,
    );
  const V = logits.shape[2]!;
  return crossEntropy(logits.reshape(-1, V), labels.reshape(-1), { ignoreIndex: opts.ignoreIndex ?? PAD_ID, labelSmoothing: opts.labelSmoothing ?? 0 });
}

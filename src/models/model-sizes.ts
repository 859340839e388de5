// The lecture's model-size tables, computed from configs without allocating a single weight:
// GPT-3 (Brown et al. 2020, Table 2.1), LLaMA (Touvron et al. 2023, Table 2), BERT and ALBERT
// (Lan et al. 2019, Table 1). Each count is exact for the architecture as deepts builds it
// (test/models/transformers.test.ts checks the formulas against allocated small models); each row
// also carries the slide's figure and whether the count rounds to it. Where it does not, the
// slide's number is the paper's nominal size and both are printed.
import type { GPTConfig } from './gpt.js';
import type { LlamaConfig } from './llama.js';
import { LLAMA_DEFAULTS } from './llama.js';
import type { BertConfig } from './bert.js';
import type { AlbertConfig } from './albert.js';
import { swigluHidden } from '../nn/mlp-blocks.js';
import { checkOptions } from '../util/options.js';

/** GPT (nanoGPT layout, tied lm head): embeddings + L·(12d² + 13d with biases, 12d² + 2d without) + final norm. */
export function gptParamCount(c: Pick<GPTConfig, 'vocabSize' | 'blockSize' | 'nLayer' | 'nEmbd' | 'bias'>): number {
  const d = c.nEmbd;
  const perLayer = 12 * d * d + (c.bias ? 13 * d : 2 * d);
  return c.vocabSize * d + c.blockSize * d + c.nLayer * perLayer + (c.bias ? 2 * d : d);
}

/** LLaMA: untied embedding and output, L·(4d² attention + 3·d·hidden SwiGLU + 2 RMSNorms) + final norm. */
export function llamaParamCount(c: Pick<LlamaConfig, 'vocabSize' | 'dim' | 'nLayers' | 'multipleOf' | 'ffnDimMultiplier'>): number {
  const d = c.dim,
    hidden = swigluHidden(d, c.multipleOf, c.ffnDimMultiplier);
  return 2 * c.vocabSize * d + c.nLayers * (4 * d * d + 3 * d * hidden + 2 * d) + d;
}

function encoderLayerParams(h: number, inter: number): number {
  return 4 * (h * h + h) + 2 * h + (h * inter + inter + inter * h + h) + 2 * h;
}

/** BertModel: embeddings (word, position, type, LayerNorm) + layers (+ pooler). */
export function bertParamCount(c: BertConfig, opts: { pooler?: boolean } = {}): number {
  checkOptions('bertParamCount', opts, ['pooler']);
  const h = c.hiddenSize;
  const emb = (c.vocabSize + c.maxPositionEmbeddings + c.typeVocabSize) * h + 2 * h;
  return emb + c.numHiddenLayers * encoderLayerParams(h, c.intermediateSize) + ((opts.pooler ?? true) ? h * h + h : 0);
}

/** AlbertModel: E-wide embeddings + the E→H projection + ONE shared layer (+ pooler). */
export function albertParamCount(c: AlbertConfig, opts: { pooler?: boolean } = {}): number {
  checkOptions('albertParamCount', opts, ['pooler']);
  const e = c.embeddingSize,
    h = c.hiddenSize;
  const emb = (c.vocabSize + c.maxPositionEmbeddings + c.typeVocabSize) * e + 2 * e;
  return emb + (e * h + h) + encoderLayerParams(h, c.intermediateSize) + ((opts.pooler ?? true) ? h * h + h : 0);
}

export type TransformerSize = {
  name: string;
  family: 'GPT-3' | 'LLaMA' | 'BERT' | 'ALBERT';
  /** The exact count for this config. */
  params: number;
  /** The slide's figure, as printed there ('125M', '175.0B'). */
  slideFigure: string;
  /** Whether params, rounded like the slide's figure, is the slide's figure. */
  matchesSlide: boolean;
  /** What is counted, and where the slide's number comes from when it differs. */
  note: string;
  /** The architecture, in the lecture's columns. */
  shape: { layers: number; width: number; heads: number; vocab: number; context: number; embedding?: number; shared?: boolean };
};

/** The count in the slide's unit and decimals: 125226240 as '125M' → '125M'. */
export function roundLike(n: number, figure: string): string {
  const m = /^([\d.]+)([MB])$/.exec(figure);
  if (!m) throw new RangeError(`roundLike: cannot read the figure '${figure}' (expected e.g. 125M or 6.7B)`);
  const decimals = m[1]!.includes('.') ? m[1]!.split('.')[1]!.length : 0;
  return (n / (m[2] === 'B' ? 1e9 : 1e6)).toFixed(decimals) + m[2];
}

function row(
  name: string,
  family: TransformerSize['family'],
  params: number,
  slideFigure: string,
  note: string,
  shape: TransformerSize['shape'],
): TransformerSize {
  return { name, family, params, slideFigure, matchesSlide: roundLike(params, slideFigure) === slideFigure, note, shape };
}

/** GPT-3's sizes: vocabulary 50,257, context 2048, biases, tied embedding (d_model as printed on the slide). */
const GPT3: [string, number, number, number, string][] = [
  ['gpt3-small', 12, 768, 12, '125M'],
  ['gpt3-medium', 24, 1024, 16, '350M'],
  ['gpt3-large', 24, 1536, 16, '760M'],
  ['gpt3-xl', 24, 2048, 24, '1.3B'],
  ['gpt3-2.7b', 32, 2560, 32, '2.7B'],
  ['gpt3-6.7b', 32, 4096, 32, '6.7B'],
  ['gpt3-13b', 40, 5140, 40, '13.0B'],
  ['gpt3-175b', 96, 12288, 96, '175.0B'],
];
const LLAMA: [string, number, number, number, string][] = [
  ['llama-7b', 4096, 32, 32, '6.7B'],
  ['llama-13b', 5120, 40, 40, '13.0B'],
  ['llama-33b', 6656, 52, 60, '32.5B'],
  ['llama-65b', 8192, 64, 80, '65.2B'],
];
const BERTS: [string, number, number, number, string][] = [
  ['bert-base', 12, 768, 12, '108M'],
  ['bert-large', 24, 1024, 16, '334M'],
];
const ALBERTS: [string, number, number, number, string][] = [
  ['albert-base', 12, 768, 12, '12M'],
  ['albert-large', 24, 1024, 16, '18M'],
  ['albert-xlarge', 24, 2048, 16, '60M'],
  ['albert-xxlarge', 12, 4096, 64, '235M'],
];

export function gpt3Config(name: string): GPTConfig {
  const r = GPT3.find((g) => g[0] === name);
  if (!r) throw new RangeError(`gpt3Config: unknown size '${name}', expected one of ${GPT3.map((g) => g[0]).join(', ')}`);
  return { vocabSize: 50257, blockSize: 2048, nLayer: r[1], nEmbd: r[2], nHead: r[3], dropout: 0, bias: true };
}

export function llamaConfig(name: string): LlamaConfig {
  const r = LLAMA.find((g) => g[0] === name);
  if (!r) throw new RangeError(`llamaConfig: unknown size '${name}', expected one of ${LLAMA.map((g) => g[0]).join(', ')}`);
  return { ...LLAMA_DEFAULTS, vocabSize: 32000, dim: r[1], nHeads: r[2], nLayers: r[3] };
}

export function bertConfig(name: string): BertConfig {
  const r = BERTS.find((g) => g[0] === name);
  if (!r) throw new RangeError(`bertConfig: unknown size '${name}', expected one of ${BERTS.map((g) => g[0]).join(', ')}`);
  return {
    vocabSize: 30000,
    hiddenSize: r[2],
    numHiddenLayers: r[1],
    numAttentionHeads: r[3],
    intermediateSize: 4 * r[2],
    maxPositionEmbeddings: 512,
    typeVocabSize: 2,
    dropout: 0.1,
    layerNormEps: 1e-12,
  };
}

export function albertConfig(name: string): AlbertConfig {
  const r = ALBERTS.find((g) => g[0] === name);
  if (!r) throw new RangeError(`albertConfig: unknown size '${name}', expected one of ${ALBERTS.map((g) => g[0]).join(', ')}`);
  return {
    vocabSize: 30000,
    embeddingSize: 128,
    hiddenSize: r[2],
    numHiddenLayers: r[1],
    numAttentionHeads: r[3],
    intermediateSize: 4 * r[2],
    maxPositionEmbeddings: 512,
    typeVocabSize: 2,
    dropout: 0,
    layerNormEps: 1e-12,
  };
}

/** Every row of the lecture's tables, in slide order. */
export function transformerSizes(): TransformerSize[] {
  const rows: TransformerSize[] = [];
  for (const [name, , , , fig] of GPT3) {
    const c = gpt3Config(name);
    const note =
      name === 'gpt3-13b'
        ? "d_model 5140 as printed (the paper's typo for 5120, which gives 12.85B)"
        : 'embeddings + blocks, lm head tied' + (roundLike(gptParamCount(c), fig) === fig ? '' : `; the slide shows the paper's nominal size`);
    rows.push(row(name, 'GPT-3', gptParamCount(c), fig, note, { layers: c.nLayer, width: c.nEmbd, heads: c.nHead, vocab: c.vocabSize, context: c.blockSize }));
  }
  for (const [name, , , , fig] of LLAMA) {
    const c = llamaConfig(name);
    const n = llamaParamCount(c);
    const note =
      name === 'llama-7b'
        ? "Meta's published count: 6,738,415,616"
        : roundLike(n, fig) === fig
          ? 'untied output, SwiGLU hidden ⌈8d/3⌉₂₅₆'
          : 'the paper truncates 65.29B to 65.2B';
    rows.push(row(name, 'LLaMA', n, fig, note, { layers: c.nLayers, width: c.dim, heads: c.nHeads, vocab: c.vocabSize, context: c.blockSize }));
  }
  for (const [name, , , , fig] of BERTS) {
    const c = bertConfig(name);
    rows.push(
      row(
        name,
        'BERT',
        bertParamCount(c, { pooler: false }),
        fig,
        `embeddings + encoder, 30,000 vocabulary, no pooler (+${(c.hiddenSize * c.hiddenSize + c.hiddenSize).toLocaleString('en-US')} with it)`,
        {
          layers: c.numHiddenLayers,
          width: c.hiddenSize,
          heads: c.numAttentionHeads,
          vocab: c.vocabSize,
          context: c.maxPositionEmbeddings,
          embedding: c.hiddenSize,
          shared: false,
        },
      ),
    );
  }

  for (const [name, , , , fig] of ALBERTS) {
    const c = albertConfig(name);
    const n = albertParamCount(c, { pooler: true });
    rows.push(
      row(
        name,
        'ALBERT',
        n,
        fig,
        roundLike(n, fig) === fig
          ? 'E=128 embeddings + projection + one shared layer + pooler'
          : `the ALBERT paper's figure; the published config (E 128, H ${c.hiddenSize}, FF ${c.intermediateSize}) counts ${(n / 1e6).toFixed(1)}M with the pooler`,
        {
          layers: c.numHiddenLayers,
          width: c.hiddenSize,
          heads: c.numAttentionHeads,
          vocab: c.vocabSize,
          context: c.maxPositionEmbeddings,
          embedding: c.embeddingSize,
          shared: true,
        },
      ),
    );
  }
  return rows;
}

/** The table `deepts params` prints: each count beside the slide's figure. `filter` picks rows by name or family (case-insensitive). */
export function transformerParamTable(filter?: string): string[] {
  const f = filter?.toLowerCase();
  const rows = transformerSizes().filter((r) => !f || r.name === f || r.family.toLowerCase() === f || r.name.startsWith(f));
  if (!rows.length) throw new RangeError(`params: no transformer size matches '${filter}'; try gpt-3, llama, bert, albert or a name such as gpt3-small`);
  const lines = [
    `${'model'.padEnd(16)}${'layers'.padStart(7)}${'width'.padStart(7)}${'heads'.padStart(6)}${'vocab'.padStart(8)}${'parameters'.padStart(17)}${'ours'.padStart(9)}${'slide'.padStart(8)}  `,
  ];
  for (const r of rows) {
    const mark = r.matchesSlide ? '=' : '≠';
    lines.push(
      `${r.name.padEnd(16)}${String(r.shape.layers).padStart(7)}${String(r.shape.width).padStart(7)}${String(r.shape.heads).padStart(6)}${String(r.shape.vocab).padStart(8)}` +
        `${r.params.toLocaleString('en-US').padStart(17)}${roundLike(r.params, r.slideFigure).padStart(9)}${r.slideFigure.padStart(8)} ${mark} ${r.note}`,
    );
  }
  return lines;
}

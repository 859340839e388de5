// OpenAI's GPT-2 weights from a Hugging Face `model.safetensors` into our GPT. Hugging Face keeps
// GPT-2's TensorFlow-era names and its Conv1D layers, whose weights are stored (in, out), the
// transpose of a Linear's (out, in); nanoGPT's from_pretrained does the same mapping:
//   wte.weight, wpe.weight                  -> transformer.wte / wpe (and the tied lmHead)
//   h.N.ln_1 / ln_2 / ln_f                  -> transformer.h.N.ln1 / ln2, transformer.lnF
//   h.N.attn.c_attn / c_proj (Conv1D)       -> transformer.h.N.attn.cAttn / cProj (transposed)
//   h.N.mlp.c_fc / c_proj (Conv1D)          -> transformer.h.N.mlp.cFc / cProj (transposed)
// The causal-mask buffers (h.N.attn.bias, h.N.attn.masked_bias) are skipped; a `transformer.`
// prefix (GPT2LMHeadModel checkpoints) and lm_head.weight (tied to wte) are accepted.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { loadSafetensors, parseSafetensors } from '../io/safetensors.js';
import { GPT, checkGPTConfig, type GPTConfig } from './gpt.js';
import { checkOptions, describe, optionKeys } from '../util/options.js';

/** GPT-2's head counts by width (small, medium, large, xl), used when no config says otherwise. */
const HEADS_BY_WIDTH: Record<number, number> = { 768: 12, 1024: 16, 1280: 20, 1600: 25 };

export type Gpt2LoadOptions = {
  /** Attention heads; default from a config.json beside the file (n_head), else GPT-2's for the width. */
  nHead?: number;
  /** Block size to build the model with (≤ the file's positions; default all of them). */
  blockSize?: number;
};

function fail(source: string, msg: string): never {
  throw new Error(`loadGpt2Weights: ${source}: ${msg}`);
}

/** The GPT config a Hugging Face GPT-2 state dict implies (shapes; heads from opts). */
const GPT2_LOAD_KEYS = optionKeys<Gpt2LoadOptions>({ nHead: true, blockSize: true });

export function gpt2ConfigFrom(hf: Record<string, Tensor>, source: string, opts: Gpt2LoadOptions = {}): GPTConfig {
  checkOptions('loadGpt2Weights', opts, GPT2_LOAD_KEYS);
  const wte = hf['wte.weight'],
    wpe = hf['wpe.weight'];
  if (!wte || !wpe) fail(source, `no wte.weight / wpe.weight: not a GPT-2 state dict (keys: ${Object.keys(hf).slice(0, 6).join(', ')}, …)`);
  const [vocabSize, nEmbd] = wte.shape as [number, number];
  let nLayer = 0;
  while (hf[`h.${nLayer}.ln_1.weight`]) nLayer++;
  if (nLayer === 0) fail(source, 'no h.0.ln_1.weight: the file has no transformer blocks');
  const nHead = opts.nHead ?? HEADS_BY_WIDTH[nEmbd];
  if (!nHead) fail(source, `cannot tell the number of heads for width ${nEmbd}; pass nHead (or put config.json with n_head beside the file)`);
  const blockSize = opts.blockSize ?? wpe.shape[0]!;
  if (blockSize > wpe.shape[0]!) fail(source, `blockSize ${blockSize} exceeds the ${wpe.shape[0]} positions in wpe.weight`);
  return { vocabSize, blockSize, nLayer, nHead, nEmbd, dropout: 0, bias: hf['h.0.ln_1.bias'] !== undefined, geluApproximate: 'tanh' };
}

/** Our state dict from a Hugging Face GPT-2 one (Conv1D weights transposed into Linear layout). */
export function gpt2StateDict(hfIn: Record<string, Tensor>, config: GPTConfig, source = 'state dict'): Record<string, Tensor> {
  checkGPTConfig(config);
  const hf: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(hfIn)) hf[k.startsWith('transformer.') ? k.slice('transformer.'.length) : k] = v;
  const used = new Set<string>();
  const take = (name: string, transpose = false): Tensor => {
    const t = hf[name];
    if (!t) fail(source, `missing ${name}`);
    used.add(name);
    const f = t.dtype === 'float32' ? t : t.to('float32');
    return transpose ? f.transpose(0, 1).contiguous() : f;
  };
  const sd: Record<string, Tensor> = {};
  const wte = take('wte.weight');
  sd['transformer.wte.weight'] = wte;
  sd['lmHead.weight'] = wte;
  sd['transformer.wpe.weight'] = take('wpe.weight').narrow(0, 0, config.blockSize).contiguous();
  const pairs: [string, string, boolean][] = [
    ['ln_1', 'ln1', false],
    ['attn.c_attn', 'attn.cAttn', true],
    ['attn.c_proj', 'attn.cProj', true],
    ['ln_2', 'ln2', false],
    ['mlp.c_fc', 'mlp.cFc', true],
    ['mlp.c_proj', 'mlp.cProj', true],
  ];
  for (let i = 0; i < config.nLayer; i++) {
    for (const [from, to, conv1d] of pairs) {
      sd[`transformer.h.${i}.${to}.weight`] = take(`h.${i}.${from}.weight`, conv1d);
      if (config.bias) sd[`transformer.h.${i}.${to}.bias`] = take(`h.${i}.${from}.bias`);
    }
    used.add(`h.${i}.attn.bias`);
    used.add(`h.${i}.attn.masked_bias`);
  }
  sd['transformer.lnF.weight'] = take('ln_f.weight');
  if (config.bias) sd['transformer.lnF.bias'] = take('ln_f.bias');
  if (hf['lm_head.weight']) {
    used.add('lm_head.weight');
    if (hf['lm_head.weight'].shape.join() !== wte.shape.join())
      fail(source, `lm_head.weight ${shapeStr(hf['lm_head.weight'].shape)} is not tied to wte.weight ${shapeStr(wte.shape)}`);
  }
  const unexpected = Object.keys(hf).filter((k) => !used.has(k));
  if (unexpected.length)
    fail(
      source,
      `unexpected tensors ${unexpected.slice(0, 5).join(', ')}${unexpected.length > 5 ? ', …' : ''} (more layers than h.0..h.${config.nLayer - 1}?)`,
    );
  return sd;
}

/**
 * A GPT holding GPT-2's weights from a Hugging Face model.safetensors (a path or its bytes). For a
 * path, n_head/n_positions in a config.json beside it are honoured.
 */
export function loadGpt2Weights(file: string | Uint8Array, opts: Gpt2LoadOptions = {}): GPT {
  checkOptions('loadGpt2Weights', opts, GPT2_LOAD_KEYS);
  if (typeof file !== 'string' && !(file instanceof Uint8Array))
    throw new TypeError(`loadGpt2Weights: expected a path or the file's bytes, got ${describe(file)}`);
  const source = typeof file === 'string' ? file : '<bytes>';
  const hf = typeof file === 'string' ? loadSafetensors(file).tensors : parseSafetensors(file, source).tensors;
  const o = { ...opts };
  if (typeof file === 'string' && o.nHead === undefined) {
    const cfgPath = join(dirname(file), 'config.json');
    if (existsSync(cfgPath)) {
      const hfConfig = JSON.parse(readFileSync(cfgPath, 'utf8')) as { n_head?: number };
      if (typeof hfConfig.n_head === 'number') o.nHead = hfConfig.n_head;
    }
  }
  const stripped: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(hf)) stripped[k.startsWith('transformer.') ? k.slice('transformer.'.length) : k] = v;
  const config = gpt2ConfigFrom(stripped, source, o);
  const model = new GPT(config);
  model.loadStateDict(gpt2StateDict(stripped, config, source));
  model.eval();
  return model;
}

// Autoregressive generation for decoder-only models (GPT, LLaMA): feed the context, sample the
// next token from the last position's logits, append it, repeat. With the KV cache (default) the
// prompt is run once and each new token costs one position of compute instead of the whole
// context; the tokens are the same as without it (the cache only skips recomputing the past).
// When the sequence outgrows the block size the context is cropped to the last blockSize tokens,
// as nanoGPT does; the cache is then refilled from the cropped context at every step (exact).
import { Tensor } from '../tensor/tensor.js';
import { Generator } from '../tensor/generator.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { LayerKVCache } from '../nn/attention.js';
import { checkSamplingOptions, sampleFromLogits, type SamplingOptions } from './sampling.js';
import { optionKeys } from '../util/options.js';

const GENERATE_KEYS = optionKeys<GenerateOptions>({
  temperature: true,
  topK: true,
  topP: true,
  maxNewTokens: true,
  seed: true,
  generator: true,
  useCache: true,
  onToken: true,
  stopToken: true,
});

/** What generation needs of a model: GPT and Llama implement it. */
export interface CausalLM {
  readonly config: { blockSize: number; vocabSize: number };
  forward(idx: Tensor, targets?: Tensor | null, opts?: { caches?: readonly LayerKVCache[] }): { logits: Tensor };
  makeCaches(capacity?: number): LayerKVCache[];
  eval(): unknown;
}

export type GenerateOptions = SamplingOptions & {
  maxNewTokens: number;
  /** Seed for the sampling generator (default 1337, nanoGPT's), or pass a generator. */
  seed?: number;
  generator?: Generator;
  useCache?: boolean;
  /** Called with each new token as soon as it is sampled (streaming). */
  onToken?: (id: number) => void;
  /** Stop after sampling this id (it is included). */
  stopToken?: number | null;
};

function lastLogits(model: CausalLM, context: readonly number[], caches?: LayerKVCache[]): Float32Array | Float64Array {
  const idx = new Tensor(Int32Array.from(context), 'int32', [1, context.length]);
  const { logits } = model.forward(idx, null, caches ? { caches } : {}); // (1, 1, V)
  const v = logits.toTypedArray();
  return v.subarray(v.length - model.config.vocabSize) as Float32Array | Float64Array;
}

/** Generates up to maxNewTokens after `prompt` (at least one id); returns the new ids only. */
export function generate(model: CausalLM, prompt: readonly number[], opts: GenerateOptions): number[] {
  if (opts === undefined) throw new TypeError(`generate: expected options {${GENERATE_KEYS.join(', ')}} (maxNewTokens is required)`);
  checkSamplingOptions('generate', opts, GENERATE_KEYS);
  if (!Array.isArray(prompt)) throw new TypeError('generate: the prompt must be an array of token ids');
  const sampling: SamplingOptions = { temperature: opts.temperature, topK: opts.topK, topP: opts.topP };
  if (!Number.isInteger(opts.maxNewTokens) || opts.maxNewTokens < 0)
    throw new RangeError(`generate: maxNewTokens must be a non-negative integer, got ${opts.maxNewTokens}`);
  if (!prompt.length) throw new RangeError('generate: the prompt must hold at least one token (nanoGPT starts from "\\n")');
  for (const id of prompt) {
    if (!Number.isInteger(id) || id < 0 || id >= model.config.vocabSize)
      throw new RangeError(`generate: prompt token ${id} is out of range for a vocabulary of ${model.config.vocabSize}`);
  }
  const gen = opts.generator ?? new Generator(opts.seed ?? 1337);
  const block = model.config.blockSize;
  const useCache = opts.useCache ?? true;
  model.eval();
  const seq = [...prompt];
  const out: number[] = [];
  noGrad(() => {
    const caches = useCache ? model.makeCaches(block) : undefined;
    let fed = 0; // how many tokens of seq the cache holds
    for (let step = 0; step < opts.maxNewTokens; step++) {
      let logits: Float32Array | Float64Array;
      if (!caches) logits = lastLogits(model, seq.slice(-block));
      else if (seq.length <= block) {
        logits = lastLogits(model, seq.slice(fed), caches);
        fed = seq.length;
      } else {
        for (const c of caches) c.reset();
        logits = lastLogits(model, seq.slice(-block), caches);
      }
      const id = sampleFromLogits(logits, sampling, gen);
      seq.push(id);
      out.push(id);
      opts.onToken?.(id);
      if (opts.stopToken !== undefined && opts.stopToken !== null && id === opts.stopToken) break;
    }
  });
  return out;
}

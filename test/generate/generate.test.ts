// Generation: the sampling distribution (temperature, top-k, top-p), the KV cache giving the same
// tokens as recomputing the context (within and beyond the block size), streaming text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator } from '../../src/index.js';
import { GPT } from '../../src/models/gpt.js';
import { Llama, LLAMA_DEFAULTS } from '../../src/models/llama.js';
import { generate, samplingProbabilities, sampleFromLogits, StreamDecoder } from '../../src/generate/index.js';
import { assertClose } from '../helpers.js';

test('samplingProbabilities: temperature, top-k, top-p, greedy', () => {
  const logits = [2, 1, 0, -1];
  const soft = (xs: number[]) => {
    const e = xs.map(Math.exp);
    const s = e.reduce((a, b) => a + b);
    return e.map((v) => v / s);
  };
  assertClose(samplingProbabilities(logits), soft(logits), 1e-12);
  assertClose(samplingProbabilities(logits, { temperature: 0.5 }), soft(logits.map((v) => v / 0.5)), 1e-12);
  const k2 = soft([2, 1]);
  assertClose(samplingProbabilities(logits, { topK: 2 }), [k2[0]!, k2[1]!, 0, 0], 1e-12);
  // top-p 0.7: p = [.64, .24, .09, .03] -> {0, 1} reaches .88 >= .7
  const p = samplingProbabilities(logits, { topP: 0.7 });
  assertClose(p, [k2[0]!, k2[1]!, 0, 0], 1e-12);
  assertClose(samplingProbabilities(logits, { topP: 0.5 }), [1, 0, 0, 0], 1e-12);
  assertClose(samplingProbabilities(logits, { temperature: 0 }), [1, 0, 0, 0]);
  assert.equal(sampleFromLogits([0, 5, 1], { temperature: 0 }, new Generator(1)), 1);
  // draws follow the distribution
  const gen = new Generator(7),
    counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[sampleFromLogits(logits, {}, gen)]!++;
  soft(logits).forEach((q, i) => assert.ok(Math.abs(counts[i]! / 4000 - q) < 0.03, `token ${i}: ${counts[i]! / 4000} vs ${q}`));
});

test('generate: the KV cache gives exactly the tokens of full recomputation, within and beyond the block size (GPT and LLaMA)', () => {
  const gpt = new GPT({ blockSize: 16, vocabSize: 23, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0, bias: true }, { generator: new Generator(1) });
  const llama = new Llama({ ...LLAMA_DEFAULTS, dim: 16, nLayers: 2, nHeads: 2, vocabSize: 23, multipleOf: 8, blockSize: 16 }, { generator: new Generator(2) });
  for (const model of [gpt, llama]) {
    for (const maxNewTokens of [10, 30]) {
      const opts = { maxNewTokens, temperature: 1.5, topK: 10, seed: 42 };
      const cached = generate(model, [3, 1, 4], opts);
      const full = generate(model, [3, 1, 4], { ...opts, useCache: false });
      assert.equal(cached.length, maxNewTokens);
      assert.deepEqual(cached, full, `${model.constructor.name}, ${maxNewTokens} tokens`);
    }
  }
  const streamed: number[] = [];
  const got = generate(gpt, [1], { maxNewTokens: 5, seed: 3, onToken: (id) => streamed.push(id) });
  assert.deepEqual(streamed, got);
  const stop = generate(gpt, [1], { maxNewTokens: 50, temperature: 0, stopToken: got[0]! === got[1] ? got[0]! : -1 });
  assert.ok(stop.length <= 50);
});

test('generate: same seed, same text; another seed, another text; bad options are errors', () => {
  const gpt = new GPT({ blockSize: 8, vocabSize: 30, nLayer: 1, nHead: 2, nEmbd: 8, dropout: 0, bias: false }, { generator: new Generator(5) });
  const a = generate(gpt, [0], { maxNewTokens: 12, seed: 1 }),
    b = generate(gpt, [0], { maxNewTokens: 12, seed: 1 }),
    c = generate(gpt, [0], { maxNewTokens: 12, seed: 2 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.throws(() => generate(gpt, [], { maxNewTokens: 1 }), /generate: the prompt must hold at least one token/);
  assert.throws(() => generate(gpt, [30], { maxNewTokens: 1 }), /generate: prompt token 30 is out of range for a vocabulary of 30/);
  assert.throws(() => generate(gpt, [1], { maxNewTokens: 1, temperature: -1 }), /generate: temperature must be a finite number >= 0, got -1/);
  assert.throws(() => generate(gpt, [1], { maxNewTokens: 1, topK: 0 }), /generate: topK must be a positive integer, got 0/);
  assert.throws(() => generate(gpt, [1], { maxNewTokens: 1, topP: 1.5 }), /generate: topP must be in \(0, 1\], got 1.5/);
});

test('StreamDecoder: emits only new text and holds back a split UTF-8 character', () => {
  const bytes = [...new TextEncoder().encode('a€b')]; // € is 3 bytes
  const d = new StreamDecoder((ids) => new TextDecoder().decode(Uint8Array.from(ids.map((i) => bytes[i]!))));
  const parts = [0, 1, 2, 3, 4].map((i) => d.push(i));
  assert.deepEqual(parts, ['a', '', '', '€', 'b']);
  assert.equal(d.flush(), '');
});

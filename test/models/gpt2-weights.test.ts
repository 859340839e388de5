// GPT-2 weights in Hugging Face's model.safetensors layout (a tiny file made by
// scripts/gpt_fixtures.py with PyTorch) load into our GPT and give Hugging Face's logits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tensor } from '../../src/index.js';
import { loadGpt2Weights, gpt2StateDict, gpt2ConfigFrom } from '../../src/models/gpt2-weights.js';
import { parseSafetensors } from '../../src/io/safetensors.js';
import { generate } from '../../src/generate/index.js';
import { assertRelClose, fixturePath, loadJson, type TensorJson } from './gpt-fixtures.js';

const expected = loadJson<{
  config: { nHead: number; nLayer: number; nEmbd: number; vocabSize: number; blockSize: number };
  ids: number[];
  B: number;
  T: number;
  logits: TensorJson;
}>('tiny-gpt2.json');
const file = fileURLToPath(fixturePath('tiny-gpt2.safetensors'));

test("loadGpt2Weights: names, transposed Conv1D weights and tied head give Hugging Face's logits (1e-4)", () => {
  const model = loadGpt2Weights(file, { nHead: expected.config.nHead });
  assert.deepEqual({ ...model.config }, { vocabSize: 13, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 8, dropout: 0, bias: true, geluApproximate: 'tanh' });
  assert.equal(model.lmHead.weight, model.transformer.wte.weight);
  const idx = new Tensor(Int32Array.from(expected.ids), 'int32', [expected.B, expected.T]);
  const { logits } = model.forward(idx, null, { allLogits: true });
  assertRelClose('logits', logits, expected.logits.data, 1e-4, 1e-2);
  // and from bytes, with a transformer. prefix (GPT2LMHeadModel state dicts)
  const bytes = new Uint8Array(readFileSync(file));
  const again = loadGpt2Weights(bytes, { nHead: 2 });
  assertRelClose('logits from bytes', again.forward(idx, null, { allLogits: true }).logits, expected.logits.data, 1e-4, 1e-2);
  const prefixed: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(parseSafetensors(bytes).tensors)) prefixed[`transformer.${k}`] = v;
  const sd = gpt2StateDict(prefixed, model.config);
  assert.deepEqual(sd['transformer.h.0.attn.cAttn.weight']!.shape, [24, 8], 'Conv1D (in, out) becomes Linear (out, in)');
  assert.equal(generate(model, [1, 2], { maxNewTokens: 5, seed: 1 }).length, 5);
});

test('loadGpt2Weights: clear errors for files that are not GPT-2 and unknown widths', () => {
  const tensors = parseSafetensors(new Uint8Array(readFileSync(file))).tensors;
  assert.throws(() => gpt2ConfigFrom(tensors, 'tiny'), /loadGpt2Weights: tiny: cannot tell the number of heads for width 8; pass nHead/);
  assert.throws(
    () => gpt2ConfigFrom({ 'w.weight': tensors['wte.weight']! }, 'x.safetensors'),
    /loadGpt2Weights: x.safetensors: no wte.weight \/ wpe.weight: not a GPT-2 state dict/,
  );
  const missing = { ...tensors };
  delete missing['h.1.mlp.c_fc.weight'];
  const config = gpt2ConfigFrom(missing, 'm', { nHead: 2 });
  assert.throws(() => gpt2StateDict(missing, config, 'm'), /loadGpt2Weights: m: missing h\.1\.mlp\.c_fc\.weight/);
  assert.throws(() => gpt2ConfigFrom(tensors, 'b', { nHead: 2, blockSize: 17 }), /blockSize 17 exceeds the 16 positions in wpe.weight/);
  const extra = { ...tensors, 'h.2.ln_1.bias': tensors['h.0.ln_1.bias']! };
  assert.throws(() => gpt2StateDict(extra, gpt2ConfigFrom(tensors, 'e', { nHead: 2 }), 'e'), /loadGpt2Weights: e: unexpected tensors h\.2\.ln_1\.bias/);
});

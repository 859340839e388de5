// A tiny GPT against nanoGPT's math in PyTorch (scripts/gpt_fixtures.py): logits, loss and the
// gradient of every parameter, in float64 (1e-9) and float32 (the acceptance bar: 1e-4 relative;
// values under 0.01 in magnitude are held to 1e-6 absolute, since relative error means nothing there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { GPT, type GPTConfig } from '../../src/models/gpt.js';
import { assertRelClose, fromJson, loadJson, type TensorJson } from './gpt-fixtures.js';

type Case = {
  config: Omit<GPTConfig, 'dropout'>;
  params: Record<string, TensorJson>;
  idx: number[];
  targets: number[];
  B: number;
  T: number;
  logits: TensorJson;
  loss: number;
  grads: Record<string, TensorJson>;
};
const fixture = loadJson<{ cases: Case[] }>('tiny-gpt.json');

function build(c: Case, dtype: 'float32' | 'float64'): GPT {
  const model = new GPT({ ...c.config, dropout: 0 });
  if (dtype === 'float64') model.to('float64');
  const sd: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.params)) sd[k] = fromJson(v, dtype);
  sd['lmHead.weight'] = sd['transformer.wte.weight']!; // tied
  model.loadStateDict(sd);
  return model;
}

for (const [n, c] of fixture.cases.entries()) {
  for (const [dtype, tol, floor] of [
    ['float64', 1e-9, 1e-3],
    ['float32', 1e-4, 1e-2],
  ] as const) {
    test(`GPT case ${n} (bias ${c.config.bias}) ${dtype}: logits, loss and every gradient match PyTorch to ${tol}`, () => {
      const model = build(c, dtype);
      const idx = new Tensor(Int32Array.from(c.idx), 'int32', [c.B, c.T]);
      const targets = new Tensor(Int32Array.from(c.targets), 'int32', [c.B, c.T]);
      const { logits, loss } = model.forward(idx, targets);
      assertRelClose('logits', logits, c.logits.data, tol, floor);
      assertRelClose('loss', [loss!.item()], [c.loss], tol, floor);
      loss!.backward();
      const named = new Map(model.namedParameters());
      assert.equal(named.size, Object.keys(c.grads).length, 'parameter count (the lm head is tied to wte)');
      for (const [name, g] of Object.entries(c.grads)) {
        const p = named.get(name);
        assert.ok(p, `no parameter ${name}`);
        assert.ok(p.grad, `${name} has no gradient`);
        assertRelClose(`grad ${name}`, p.grad, g.data, tol, floor);
      }
    });
  }
}

// Cross-check against PyTorch 1.13: 10 steps of each optimizer from the same start, fed the
// gradients PyTorch computed at each step (fixtures/torch/optimizers.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as optim from '../../src/optim/index.js';
import { Parameter } from '../../src/nn/parameter.js';
import { compare, fromJson, loadFixture, relErr, type TensorJson } from '../nn/torch-fixtures.js';

type Case = {
  optimizer: 'SGD' | 'RMSprop' | 'Adam' | 'AdamW';
  options: Record<string, unknown>;
  groups?: Record<string, unknown>[];
  start: TensorJson[];
  steps: { grads: TensorJson[]; params: TensorJson[] }[];
};
const fixture = loadFixture<{ steps: number; cases: Case[] }>('optimizers.json');

function make(c: Case, params: Parameter[]): optim.Optimizer<optim.BaseOptions> {
  const arg = c.groups ? c.groups.map((g, i) => ({ params: [params[i]!], ...g })) : params;
  const ctor = { SGD: optim.SGD, RMSprop: optim.RMSprop, Adam: optim.Adam, AdamW: optim.AdamW }[c.optimizer];
  return new (ctor as unknown as new (p: unknown, o: unknown) => optim.Optimizer<optim.BaseOptions>)(arg, c.options);
}

for (const c of fixture.cases) {
  const label = `${c.optimizer}(${JSON.stringify(c.options)}${c.groups ? `, groups ${JSON.stringify(c.groups)}` : ''})`;
  test(`${label} matches PyTorch for ${fixture.steps} steps`, (t) => {
    const params = c.start.map((s) => new Parameter(fromJson(s)));
    const opt = make(c, params);
    let worst = 0;
    c.steps.forEach((s, k) => {
      params.forEach((p, i) => {
        p.grad = fromJson(s.grads[i]!);
      });
      opt.step();
      params.forEach((p, i) => {
        worst = Math.max(worst, compare(`${label} step ${k + 1} param ${i}`, p, s.params[i]!));
      });
    });
    // the parameters really moved, so agreement is not vacuous
    assert.ok(relErr(c.steps.at(-1)!.params[0]!.data[0]!, c.start[0]!.data[0]!) > 1e-3);
    t.diagnostic(`max relative error ${worst.toExponential(2)}`);
  });
}

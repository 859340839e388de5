// Cross-check against PyTorch 1.13: learning rates of the schedulers over 12 steps, nanoGPT's
// get_lr for cosineWithWarmup, and clip_grad_norm_'s total norm and clipped gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as optim from '../../src/optim/index.js';
import { Parameter } from '../../src/nn/parameter.js';
import { zeros } from '../../src/tensor/creation.js';
import { compare, fromJson, loadFixture, type TensorJson } from '../nn/torch-fixtures.js';

type SchedCase = { scheduler: string; args: Record<string, number>; baseLrs: number[]; lrs: number[][] };
const sched = loadFixture<{ schedulers: SchedCase[]; cosineWithWarmup: { args: optim.WarmupCosineOptions & { maxLr: number }; lrs: number[] } }>(
  'schedulers.json',
);

/** Learning rates are float64 scalars: require agreement to 1e-12 relative (1e-15 absolute at 0), not float32's 1e-5. */
function compareLrs(what: string, got: number[], expected: number[]): number {
  assert.equal(got.length, expected.length, `${what}: ${got.length} values, PyTorch has ${expected.length}`);
  let worst = 0;
  got.forEach((g, i) => {
    const e = expected[i]!;
    const err = Math.abs(g - e) / Math.max(Math.abs(e), 1e-3);
    assert.ok(err <= 1e-12, `${what}: step ${i} lr ${g}, reference ${e}`);
    worst = Math.max(worst, err);
  });
  return worst;
}

function build(c: SchedCase, opt: optim.SGD): optim.LRScheduler {
  const a = c.args;
  switch (c.scheduler) {
    case 'StepLR':
      return new optim.StepLR(opt, a.stepSize!, a.gamma);
    case 'CosineAnnealingLR':
      return new optim.CosineAnnealingLR(opt, a.tMax!, a.etaMin);
    case 'LambdaLR':
      return new optim.LambdaLR(opt, (e) => Math.pow(a.decay!, e));
    default:
      throw new Error(`unknown scheduler ${c.scheduler}`);
  }
}

for (const c of sched.schedulers) {
  test(`${c.scheduler}(${JSON.stringify(c.args)}) lrs match PyTorch over ${c.lrs.length - 1} steps`, (t) => {
    const opt = new optim.SGD(c.baseLrs.map((lr) => ({ params: [new Parameter(zeros([1]))], lr })));
    const s = build(c, opt);
    const got = [s.getLastLr()];
    for (let i = 1; i < c.lrs.length; i++) {
      opt.step();
      s.step();
      got.push(s.getLastLr());
    }
    const worst = compareLrs(`${c.scheduler} lrs`, got.flat(), c.lrs.flat());
    assert.deepEqual(
      opt.paramGroups.map((g) => g.lr),
      got.at(-1),
    );
    t.diagnostic(`max relative error ${worst.toExponential(2)}`);
  });
}

test("cosineWithWarmup matches nanoGPT's get_lr, function and scheduler", (t) => {
  const { args, lrs } = sched.cosineWithWarmup;
  const fn = lrs.map((_, it) => optim.cosineWithWarmup(it, args));
  let worst = compareLrs('cosineWithWarmup', fn, lrs);
  const opt = new optim.AdamW([new Parameter(zeros([1]))], { lr: args.maxLr });
  const s = new optim.CosineWithWarmupLR(opt, { warmupIters: args.warmupIters, decayIters: args.decayIters, minLr: args.minLr });
  const got = [opt.paramGroups[0]!.lr];
  for (let i = 1; i < lrs.length; i++) {
    s.step();
    got.push(opt.paramGroups[0]!.lr);
  }
  worst = Math.max(worst, compareLrs('CosineWithWarmupLR', got, lrs));
  t.diagnostic(`max relative error ${worst.toExponential(2)}`);
});

type ClipFixture = { grads: TensorJson[]; cases: { normType: number | 'inf'; maxNorm: number; totalNorm: number; clipped: TensorJson[] }[] };
const clip = loadFixture<ClipFixture>('clip_grad_norm.json');

test('clipGradNorm matches torch.nn.utils.clip_grad_norm_ (norms 2, 1, inf, 3; clipping and not)', (t) => {
  let worst = 0;
  for (const c of clip.cases) {
    const params = clip.grads.map((g) => {
      const p = new Parameter(zeros(g.shape));
      p.grad = fromJson(g);
      return p;
    });
    const normType = c.normType === 'inf' ? Infinity : c.normType;
    const total = optim.clipGradNorm(params, c.maxNorm, normType);
    worst = Math.max(worst, compare(`norm ${c.normType} total`, [total], [c.totalNorm]));
    params.forEach((p, i) => {
      worst = Math.max(worst, compare(`norm ${c.normType} grad ${i}`, p.grad!, c.clipped[i]!));
    });
  }
  t.diagnostic(`max relative error ${worst.toExponential(2)}`);
});

// WGAN-GP's gradient penalty, (‖∇ₓD(x̂)‖ − 1)², through an nn MLP critic: the penalty's
// parameter gradients (a double backward) against central differences, and a critic that trains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { leaf } from '../helpers.js';

const { nn, optim } = dt;

/** mean over the rows of (‖∇ₓ critic(x)‖ − 1)², differentiable in the critic's parameters. */
function gradientPenalty(critic: (x: dt.Tensor) => dt.Tensor, x: dt.Tensor): [dt.Tensor, dt.Tensor] {
  const [gx] = dt.autograd.grad(critic(x).sum(), x, { createGraph: true });
  const norms = gx!.square().sum(1).sqrt();
  return [norms.sub(1).square().mean(), norms];
}

test("the penalty's gradients with respect to the critic's weights agree with central differences", () => {
  const x = leaf([4, 3]);
  const penalty = (w1: dt.Tensor, b1: dt.Tensor, w2: dt.Tensor, b2: dt.Tensor) =>
    dt.enableGrad(() => {
      const xi = x.detach().clone().requiresGrad_(); // the interpolates: a fresh leaf each evaluation
      return gradientPenalty((t) => dt.linear(dt.linear(t, w1, b1).tanh(), w2, b2), xi)[0];
    });
  assert.equal(dt.gradcheck(penalty, [leaf([5, 3]), leaf([5]), leaf([1, 5]), leaf([1])]), true);
  // through the fused linear+relu path too (its second derivative in x is zero, not in the weights)
  const relu = (w1: dt.Tensor, w2: dt.Tensor) =>
    dt.enableGrad(() => gradientPenalty((t) => dt.linear(dt.linear(t, w1, null, 'relu'), w2), x.detach().clone().requiresGrad_())[0]);
  assert.equal(dt.gradcheck(relu, [leaf([5, 3], { gap: 0.3 }), leaf([1, 5])]), true);
});

function trainCritic(lambda: number, steps: number): { w: number; gp: number; norm: number; gp0: number } {
  const g = new dt.Generator(7);
  const D = new nn.Sequential(
    new nn.Linear(2, 32, { dtype: 'float64', generator: g }),
    new nn.Tanh(),
    new nn.Linear(32, 32, { dtype: 'float64', generator: g }),
    new nn.Tanh(),
    new nn.Linear(32, 1, { dtype: 'float64', generator: g }),
  );
  const opt = new optim.Adam(D.parameters(), { lr: 1e-2, betas: [0.5, 0.9] });
  const N = 64;
  const sample = (mu: number) => dt.randn([N, 2], { dtype: 'float64', generator: g }).mul(0.5).add(mu);
  let last = { w: 0, gp: 0, norm: 0, gp0: 0 };
  for (let step = 0; step < steps; step++) {
    const real = sample(2),
      fake = sample(-2);
    const a = dt.rand([N, 1], { dtype: 'float64', generator: g });
    const xhat = real
      .mul(a)
      .add(fake.mul(a.neg().add(1)))
      .requiresGrad_();
    const [gp, norms] = gradientPenalty((t) => D.forward(t), xhat);
    const w = D.forward(real).mean().sub(D.forward(fake).mean()); // the Wasserstein estimate
    const loss = w.neg().add(gp.mul(lambda));
    opt.zeroGrad();
    loss.backward();
    opt.step();
    last = { w: w.item(), gp: gp.item(), norm: norms.mean().item(), gp0: step === 0 ? gp.item() : last.gp0 };
  }
  return last;
}

test('WGAN-GP: a critic trained with the penalty keeps its gradient norm near 1; without it the norm runs off', () => {
  const withGp = trainCritic(10, 100);
  assert.ok(withGp.gp0 > 0.5, `the fresh critic's gradients are far from norm 1 (penalty ${withGp.gp0})`);
  assert.ok(withGp.gp < 0.3, `penalty ${withGp.gp} after training`);
  assert.ok(withGp.norm > 0.8 && withGp.norm < 1.5, `gradient norm ${withGp.norm}`);
  assert.ok(withGp.w > 4, `Wasserstein estimate ${withGp.w} (the means are 4√2 ≈ 5.7 apart)`);
  const without = trainCritic(0, 100);
  assert.ok(without.norm > 3, `without the penalty the gradient norm grows (${without.norm})`);
});

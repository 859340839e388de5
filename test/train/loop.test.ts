// trainLoop, the one training loop: gradient accumulation, several models and optimizers (a GAN's
// D and G) with per-optimizer schedules, epochs over iterable data, checkpoints and bit-for-bit
// resume in the middle of an epoch, the JSONL log on resume, and strict options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dt from '../../src/index.js';
import { trainLoop, type TrainLoopOptions } from '../../src/train/loop.js';

const { nn, optim } = dt;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'deepts-loop-'));

function data(n: number, seed: number): { x: dt.Tensor; y: dt.Tensor } {
  const g = new dt.Generator(seed);
  const x = dt.randn([n, 3], { generator: g });
  return { x, y: x.matmul(dt.tensor([[1], [-2], [0.5]])).add(0.1) };
}

test('gradAccumSteps: two micro-batches of 4 step as one batch of 8 does (mean loss)', async () => {
  const { x, y } = data(8, 1);
  const run = async (accum: number): Promise<number[]> => {
    dt.manualSeed(0);
    const model = new nn.Linear(3, 1);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    let k = 0;
    const size = 8 / accum;
    await trainLoop({
      models: { model },
      optimizers: { opt },
      maxSteps: 3,
      gradAccumSteps: accum,
      say: null,
      data: () => {
        const i = (k++ % accum) * size;
        return [x.narrow(0, i, size), y.narrow(0, i, size)] as const;
      },
      loss: ({ batch }) => dt.mseLoss(model.forward(batch[0]), batch[1]),
    });
    return Array.from(model.weight.toTypedArray());
  };
  const one = await run(1),
    two = await run(2);
  one.forEach((v, i) => assert.ok(Math.abs(v - two[i]!) < 1e-6, `weight ${i}: ${v} vs ${two[i]}`));
});

/** A toy GAN-shaped run: two models, two optimizers, each with its own schedule, a custom step. */
function ganRun(out: string, extra: Partial<TrainLoopOptions<readonly [dt.Tensor, dt.Tensor]>> = {}) {
  const gen = new dt.Generator(7);
  const D = new nn.Linear(3, 1, { generator: gen }),
    G = new nn.Linear(3, 3, { generator: gen });
  const optD = new optim.Adam(D.parameters(), { lr: 1e-2 }),
    optG = new optim.Adam(G.parameters(), { lr: 1e-2 });
  const { x } = data(40, 2);
  const batches = Array.from({ length: 5 }, (_, i) => [x.narrow(0, i * 8, 8), dt.randn([8, 3], { generator: gen })] as const);
  const loader = {
    length: batches.length,
    *[Symbol.iterator]() {
      for (const i of gen.permutation(batches.length)) yield batches[i]!;
    },
  };
  const lrs: number[][] = [];
  const opts: TrainLoopOptions<readonly [dt.Tensor, dt.Tensor]> = {
    models: { D, G },
    optimizers: { D: optD, G: optG },
    epochs: 3,
    data: loader,
    generators: { gen },
    say: null,
    lr: { D: (s) => 1e-2 / (1 + s), G: (s) => 2e-2 / (1 + s) },
    step: ({ batch: [real, z] }) => {
      optD.zeroGrad();
      const fake = G.forward(z);
      const dLoss = dt.bceWithLogits(D.forward(real), dt.onesLike(D.forward(real))).add(dt.bceWithLogits(D.forward(fake.detach()), dt.zeros([8, 1])));
      dLoss.backward();
      optD.step();
      optG.zeroGrad();
      const gLoss = dt.bceWithLogits(D.forward(G.forward(z)), dt.ones([8, 1]));
      gLoss.backward();
      optG.step();
      return { dLoss: dLoss.item(), gLoss: gLoss.item() };
    },
    checkpoint: join(out, 'ck.safetensors'),
    log: join(out, 'log.jsonl'),
    logSteps: true,
    logEvery: 1,
    kind: 'toy gan',
    hooks: {
      onStepEnd: () => {
        lrs.push([optD.paramGroups[0]!.lr, optG.paramGroups[0]!.lr]);
      },
    },
    ...extra,
  };
  return { opts, D, G, lrs };
}

test('two models and optimizers: per-optimizer lr, checkpoint, and a resume inside an epoch is bit-for-bit', async () => {
  const a = tmp(),
    b = tmp();
  const straight = ganRun(a);
  const r = await trainLoop(straight.opts);
  assert.equal(r.step, 15);
  assert.equal(r.epoch, 3);
  assert.deepEqual(straight.lrs[3], [1e-2 / 4, 2e-2 / 4]);

  // stop after 7 steps (inside the second epoch), then resume in fresh objects
  const first = ganRun(b);
  await trainLoop({
    ...first.opts,
    hooks: {
      onStepEnd: (_l, ctx) => {
        if (ctx.step === 7) ctx.stop('test');
      },
    },
  });
  const ck = dt.loadCheckpoint(join(b, 'ck.safetensors'), { generator: null });
  assert.equal(ck.step, 7);
  assert.deepEqual(Object.keys(ck.modelState).sort(), ['D.bias', 'D.weight', 'G.bias', 'G.weight']);
  const second = ganRun(b, { resume: true });
  const r2 = await trainLoop(second.opts);
  assert.equal(r2.step, 15);
  assert.ok(r2.resumed);
  for (const k of ['weight', 'bias'] as const) {
    assert.deepEqual(Array.from(second.D[k]!.toTypedArray()), Array.from(straight.D[k]!.toTypedArray()), `D.${k}`);
    assert.deepEqual(Array.from(second.G[k]!.toTypedArray()), Array.from(straight.G[k]!.toTypedArray()), `G.${k}`);
  }
  const lines = (d: string) => readFileSync(join(d, 'log.jsonl'), 'utf8').trim().split('\n');
  assert.deepEqual(lines(b), lines(a), 'the resumed log equals the straight one, no step twice');
});

test('a checkpoint of another kind of run is refused, naming both', async () => {
  const d = tmp();
  await trainLoop(ganRun(d).opts);
  await assert.rejects(trainLoop(ganRun(d, { resume: true, kind: 'train gpt' }).opts), /is a checkpoint of 'toy gan', not of 'train gpt'/);
});

test('trainLoop options are checked: unknown keys, loss and step together, epochs over a stream', async () => {
  const model = new nn.Linear(1, 1),
    opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const base = { models: { model }, optimizers: { opt }, maxSteps: 1, loss: () => model.forward(dt.ones([1, 1])).sum() };
  await assert.rejects(
    trainLoop({ ...base, max_steps: 3 } as never),
    /trainLoop: unknown option 'max_steps' \(did you mean 'maxSteps'\?\); accepted: models, optimizers/,
  );
  await assert.rejects(trainLoop({ ...base, step: () => ({}) }), /exactly one of loss .* or step/);
  await assert.rejects(trainLoop({ ...base, epochs: 2, data: () => 1 }), /epochs need iterable data/);
  await assert.rejects(trainLoop({ ...base, lr: { other: () => 1 } }), /lr\.other names no optimizer/);
  await assert.rejects(trainLoop({ ...base, resume: true }), /resume needs checkpoint/);
});

test('a NaN loss stops the loop with the step named', async () => {
  const model = new nn.Linear(1, 1),
    opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const r = await trainLoop({
    models: { model },
    optimizers: { opt },
    maxSteps: 10,
    say: null,
    loss: () =>
      model
        .forward(dt.ones([1, 1]))
        .sum()
        .mul(NaN),
  });
  assert.equal(r.step, 1);
  assert.match(r.stopReason!, /stopped at step 1: the training loss is NaN/);
});

test('a non-finite value under lossKeys stops the run and keeps the last checkpoint before it', async () => {
  const out = tmp();
  const model = new nn.Linear(1, 1);
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const checkpoint = join(out, 'ck.safetensors');
  const r = await trainLoop({
    models: { model },
    optimizers: { opt },
    maxSteps: 10,
    say: null,
    checkpoint,
    checkpointEvery: 2,
    lossKeys: ['dLoss', 'gLoss'],
    step: (ctx) => {
      opt.zeroGrad();
      model
        .forward(dt.ones([1, 1]))
        .sum()
        .backward();
      opt.step();
      return { dLoss: 0.5, gLoss: ctx.step === 4 ? Number.NaN : 1 };
    },
  });
  assert.equal(r.step, 5);
  assert.match(r.stopReason!, /stopped at step 5: gLoss is NaN \(try a lower learning rate\); the last checkpoint before it is kept/);
  const saved = dt.loadCheckpoint(checkpoint, { model: new nn.Linear(1, 1), generator: null });
  assert.equal(saved.step, 4);
  await assert.rejects(
    trainLoop({ models: { model }, optimizers: { opt }, maxSteps: 1, say: null, lossKeys: 'loss' as never, loss: () => dt.ones([1]).sum() }),
    /trainLoop: lossKeys must be an array/,
  );
});

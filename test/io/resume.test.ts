// Acceptance: training resumed from a checkpoint continues bit-for-bit. N steps, save, restore into
// freshly built (differently initialized) objects with the RNG scrambled, N more steps == 2N steps
// without interruption, for Adam and for SGD with momentum, with Dropout so the RNG state matters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randint, randn } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { defaultGenerator, Generator } from '../../src/tensor/generator.js';
import { crossEntropy } from '../../src/ops/index.js';
import * as nn from '../../src/nn/index.js';
import { Adam, SGD, StepLR, type Optimizer, type LRScheduler } from '../../src/optim/index.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/io/checkpoint.js';
import { tempDir } from './helpers.js';

const N = 6;
const dataGen = new Generator(7);
const X = randn([16, 2], { generator: dataGen });
const Y = randint(0, 2, [16], { generator: dataGen });

type Run = { model: nn.Sequential; optimizer: Optimizer; scheduler: LRScheduler };

/** Model init and Dropout both draw from the default generator, so its state is part of the run. */
function build(kind: 'adam' | 'sgd'): Run {
  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Dropout(0.3), new nn.Linear(8, 2));
  const optimizer =
    kind === 'adam'
      ? new Adam(model.parameters(), { lr: 0.05, weightDecay: 1e-3 })
      : new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
  // the learning rate changes mid-run (every 4 steps), so the scheduler state matters too
  return { model, optimizer, scheduler: new StepLR(optimizer, 4, 0.5) };
}

function train(run: Run, steps: number): number[] {
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    run.optimizer.zeroGrad();
    const loss = crossEntropy(run.model.forward(X), Y);
    loss.backward();
    run.optimizer.step();
    run.scheduler.step();
    losses.push(loss.item());
  }
  return losses;
}

/** Every parameter's bytes, by name. */
function weightBytes(model: nn.Module): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(model.stateDict())) {
    const a = (t as Tensor).toTypedArray();
    out[name] = Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return out;
}

for (const kind of ['adam', 'sgd'] as const) {
  test(`resuming ${kind === 'adam' ? 'Adam' : 'SGD with momentum'} from a checkpoint continues bit-for-bit (with Dropout and StepLR)`, () => {
    const saved = defaultGenerator.getState();
    try {
      defaultGenerator.manualSeed(42);
      const straight = build(kind);
      const straightLosses = train(straight, 2 * N);
      const expected = weightBytes(straight.model);

      defaultGenerator.manualSeed(42);
      const first = build(kind);
      const firstLosses = train(first, N);
      assert.deepEqual(firstLosses, straightLosses.slice(0, N), 'same seed, same first half');
      const path = join(tempDir(), `${kind}.safetensors`);
      saveCheckpoint(path, { model: first.model, optimizer: first.optimizer, scheduler: first.scheduler, step: N, config: { kind } });

      // a fresh process in miniature: different init, scrambled RNG, then restore
      defaultGenerator.manualSeed(999);
      const resumed = build(kind);
      assert.notDeepEqual(weightBytes(resumed.model), weightBytes(first.model));
      const ck = loadCheckpoint(path, { model: resumed.model, optimizer: resumed.optimizer, scheduler: resumed.scheduler });
      assert.equal(ck.step, N);
      assert.deepEqual(ck.config, { kind });
      assert.deepEqual(
        resumed.optimizer.paramGroups.map((g) => g.lr),
        first.optimizer.paramGroups.map((g) => g.lr),
      );
      const resumedLosses = train(resumed, N);

      assert.deepEqual(resumedLosses, straightLosses.slice(N), 'the losses after resuming match the uninterrupted run');
      assert.deepEqual(weightBytes(resumed.model), expected, 'every weight bit matches 2N uninterrupted steps');
      assert.ok(straightLosses[2 * N - 1]! < straightLosses[0]!, `training makes progress: ${straightLosses[0]} -> ${straightLosses[2 * N - 1]}`);

      // the check has teeth: restoring everything except the RNG (Dropout masks) diverges
      defaultGenerator.manualSeed(999);
      const noRng = build(kind);
      loadCheckpoint(path, { model: noRng.model, optimizer: noRng.optimizer, scheduler: noRng.scheduler, generator: null });
      train(noRng, N);
      assert.notDeepEqual(weightBytes(noRng.model), expected, 'without the RNG state the run diverges');
    } finally {
      defaultGenerator.setState(saved);
    }
  });
}

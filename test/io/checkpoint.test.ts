import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { defaultGenerator, Generator } from '../../src/tensor/generator.js';
import * as nn from '../../src/nn/index.js';
import { loadCheckpoint, saveCheckpoint, CHECKPOINT_KEY, type CheckpointStateful } from '../../src/io/checkpoint.js';
import { loadSafetensors, saveSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { tempDir } from './helpers.js';

function mlp(seed: number): nn.Sequential {
  const g = new Generator(seed);
  return new nn.Sequential(new nn.Linear(2, 3, { generator: g }), new nn.Tanh(), new nn.Linear(3, 2, { generator: g }));
}

/** A stand-in for an optimizer/scheduler: keeps whatever state it is given. */
class Holder implements CheckpointStateful {
  constructor(public state: unknown) {}
  stateDict(): unknown {
    return this.state;
  }
  loadStateDict(state: unknown): void {
    this.state = state;
  }
}

function bits(t: Tensor): number[] {
  return Array.from(t.toTypedArray());
}

test('a checkpoint round-trips model weights, optimizer/scheduler state, RNG, config and extra', () => {
  const dir = tempDir();
  const path = join(dir, 'ckpt.safetensors');
  const model = mlp(1);
  const optimizer = new Holder({
    state: { 0: { step: 3, expAvg: tensor([0.5, -0.25]), expAvgSq: tensor([1e-8, 2], { dtype: 'float64' }) } },
    paramGroups: [{ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, params: [0, 1, 2, 3] }],
  });
  const scheduler = new Holder({ lastEpoch: 7, best: Infinity, worst: -Infinity, nanny: NaN, negZero: -0, mode: 'min', flag: true, none: null });
  const gen = new Generator(99);
  gen.nextUint32();
  gen.nextUint32();
  saveCheckpoint(path, {
    model,
    optimizer,
    scheduler,
    step: 120,
    epoch: 4,
    config: { lr: 1e-3, layers: [2, 3, 2], name: 'mlp' },
    generator: gen,
    extra: { valLoss: 0.125, loaderGen: { seed: 5, offset: 17 }, ema: tensor([[1, 2]]) },
  });
  assert.deepEqual(readdirSync(dir).sort(), ['ckpt.safetensors', 'ckpt.safetensors.json'], 'checkpoint + sidecar, no temp files');

  // it is a plain safetensors file: model.*, optimizer.*, extra.* tensors and one metadata entry
  const raw = loadSafetensors(path);
  assert.deepEqual(Object.keys(raw.tensors), [
    'model.0.weight',
    'model.0.bias',
    'model.2.weight',
    'model.2.bias',
    'optimizer.state.0.expAvg',
    'optimizer.state.0.expAvgSq',
    'extra.ema',
  ]);
  assert.deepEqual(Object.keys(raw.metadata), [CHECKPOINT_KEY]);
  const header = JSON.parse(raw.metadata[CHECKPOINT_KEY]!);
  assert.equal(header.format, 'deepts.checkpoint');
  assert.equal(header.version, 1);
  assert.deepEqual(header.rng, { seed: 99, offset: 2 });
  assert.deepEqual(header.optimizer.state['0'].expAvg, { $tensor: 'optimizer.state.0.expAvg' });
  assert.deepEqual(header.scheduler.best, { $number: 'Infinity' });

  const sidecar = JSON.parse(readFileSync(`${path}.json`, 'utf8'));
  assert.deepEqual(sidecar.config, { lr: 1e-3, layers: [2, 3, 2], name: 'mlp' });
  assert.equal(sidecar.step, 120);
  assert.equal(sidecar.epoch, 4);
  assert.equal(sidecar.checkpoint, 'ckpt.safetensors');
  assert.equal(sidecar.extra.valLoss, 0.125);

  // restore into fresh objects
  const fresh = mlp(2);
  assert.notDeepEqual(bits(fresh.stateDict()['0.weight']!), bits(model.stateDict()['0.weight']!));
  const opt2 = new Holder(null);
  const sched2 = new Holder(null);
  const gen2 = new Generator(0);
  const ck = loadCheckpoint(path, { model: fresh, optimizer: opt2, scheduler: sched2, generator: gen2 });
  for (const [name, t] of Object.entries(model.stateDict())) assert.deepEqual(bits(fresh.stateDict()[name]!), bits(t), name);
  assert.deepEqual(gen2.getState(), { seed: 99, offset: 2 });
  assert.equal(gen2.nextUint32(), gen.nextUint32(), 'the restored generator continues the same stream');
  assert.equal(ck.step, 120);
  assert.equal(ck.epoch, 4);
  assert.deepEqual(ck.config, { lr: 1e-3, layers: [2, 3, 2], name: 'mlp' });
  const extra = ck.extra as { valLoss: number; loaderGen: object; ema: Tensor };
  assert.equal(extra.valLoss, 0.125);
  assert.deepEqual(extra.loaderGen, { seed: 5, offset: 17 });
  assert.deepEqual(extra.ema.toArray(), [[1, 2]]);

  const os = opt2.state as { state: Record<string, { step: number; expAvg: Tensor; expAvgSq: Tensor }>; paramGroups: unknown[] };
  assert.equal(os.state['0']!.step, 3);
  assert.equal(os.state['0']!.expAvg.dtype, 'float32');
  assert.deepEqual(os.state['0']!.expAvg.toArray(), [0.5, -0.25]);
  assert.equal(os.state['0']!.expAvgSq.dtype, 'float64');
  assert.deepEqual(bits(os.state['0']!.expAvgSq), [1e-8, 2]);
  assert.deepEqual(os.paramGroups, [{ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, params: [0, 1, 2, 3] }]);
  const ss = sched2.state as Record<string, unknown>;
  assert.equal(ss.best, Infinity);
  assert.equal(ss.worst, -Infinity);
  assert.ok(Number.isNaN(ss.nanny));
  assert.ok(Object.is(ss.negZero, -0));
  assert.deepEqual(
    { ...ss, nanny: 0, best: 0, worst: 0, negZero: 0 },
    { lastEpoch: 7, best: 0, worst: 0, nanny: 0, negZero: 0, mode: 'min', flag: true, none: null },
  );
});

test('the RNG defaults to the default generator on save and load; generator: null skips it', () => {
  const dir = tempDir();
  const path = join(dir, 'rng.safetensors');
  const saved = defaultGenerator.getState();
  try {
    defaultGenerator.setState({ seed: 1234, offset: 56 });
    saveCheckpoint(path, { model: mlp(0), step: 0, sidecar: false });
    assert.deepEqual(readdirSync(dir), ['rng.safetensors'], 'sidecar: false writes no sidecar');
    defaultGenerator.setState({ seed: 1, offset: 0 });
    assert.deepEqual(loadCheckpoint(path, { generator: null }).rng, { seed: 1234, offset: 56 });
    assert.deepEqual(defaultGenerator.getState(), { seed: 1, offset: 0 }, 'generator: null leaves it alone');
    loadCheckpoint(path);
    assert.deepEqual(defaultGenerator.getState(), { seed: 1234, offset: 56 });

    saveCheckpoint(path, { model: mlp(0), step: 0, generator: null });
    const ck = loadCheckpoint(path);
    assert.equal(ck.rng, null);
    assert.deepEqual(defaultGenerator.getState(), { seed: 1234, offset: 56 }, 'no saved state: unchanged');
    assert.throws(
      () => loadCheckpoint(path, { generator: new Generator(3) }),
      /rng\.safetensors: a generator was passed but the checkpoint holds no RNG state/,
    );
  } finally {
    defaultGenerator.setState(saved);
  }
});

test('loading without a model returns the weights; a mismatched model is rejected (strict)', () => {
  const dir = tempDir();
  const path = join(dir, 'm.safetensors');
  const model = mlp(3);
  saveCheckpoint(path, { model, step: 5, generator: null });
  const ck = loadCheckpoint(path);
  assert.deepEqual(Object.keys(ck.modelState), ['0.weight', '0.bias', '2.weight', '2.bias']);
  assert.deepEqual(bits(ck.modelState['2.bias']!), bits(model.stateDict()['2.bias']!));
  assert.equal(ck.optimizerState, null);
  assert.equal(ck.epoch, null);

  const wider = new nn.Sequential(new nn.Linear(2, 4), new nn.Tanh(), new nn.Linear(4, 2));
  assert.throws(() => loadCheckpoint(path, { model: wider }), /m\.safetensors: restoring the model failed: [\s\S]*size mismatch for "0\.weight"/);
  const other = new nn.Sequential(new nn.Linear(2, 3), new nn.Linear(3, 2));
  assert.throws(() => loadCheckpoint(path, { model: other }), /restoring the model failed: [\s\S]*(Missing|Unexpected) key/);
  assert.throws(
    () => loadCheckpoint(path, { model: mlp(0), optimizer: new Holder(null) }),
    /m\.safetensors: an optimizer was passed but the checkpoint holds no optimizer state/,
  );
  assert.throws(() => loadCheckpoint(path, { scheduler: new Holder(null) }), /a scheduler was passed but the checkpoint holds no scheduler state/);
});

test('loadCheckpoint rejects files that are not deepts checkpoints, naming the file', () => {
  const dir = tempDir();
  const plain = join(dir, 'weights.safetensors');
  saveSafetensors(plain, { w: tensor([1]) }, { format: 'pt' });
  assert.throws(
    () => loadCheckpoint(plain),
    /weights\.safetensors: not a deepts checkpoint: the safetensors metadata has no 'deepts\.checkpoint' entry \(found 'format'\)/,
  );

  const write = (name: string, meta: string, tensors: Record<string, Tensor> = {}): string => {
    const p = join(dir, name);
    writeFileSync(p, serializeSafetensors(tensors, { [CHECKPOINT_KEY]: meta }));
    return p;
  };
  assert.throws(() => loadCheckpoint(write('badjson.safetensors', '{"format":')), /badjson\.safetensors: 'deepts\.checkpoint' metadata is not valid JSON/);
  assert.throws(
    () => loadCheckpoint(write('array.safetensors', '[1]')),
    /array\.safetensors: 'deepts\.checkpoint' metadata must be a JSON object, found \[1\]/,
  );
  const ok = { format: 'deepts.checkpoint', version: 1, step: 1, epoch: null, config: null, optimizer: null, scheduler: null, rng: null, extra: null };
  assert.throws(
    () => loadCheckpoint(write('fmt.safetensors', JSON.stringify({ ...ok, format: 'other' }))),
    /fmt\.safetensors: format is "other", expected 'deepts\.checkpoint'/,
  );
  assert.throws(
    () => loadCheckpoint(write('v9.safetensors', JSON.stringify({ ...ok, version: 9 }))),
    /v9\.safetensors: checkpoint format version 9 is not supported \(this deepts reads version 1\)/,
  );
  assert.throws(
    () => loadCheckpoint(write('step.safetensors', JSON.stringify({ ...ok, step: -1 }))),
    /step\.safetensors: step must be a non-negative integer, found -1/,
  );
  assert.throws(
    () => loadCheckpoint(write('rng.safetensors', JSON.stringify({ ...ok, rng: { seed: 'x' } }))),
    /rng\.safetensors: rng must be \{seed, offset\} or null/,
  );
  assert.throws(
    () => loadCheckpoint(write('dangling.safetensors', JSON.stringify({ ...ok, optimizer: { m: { $tensor: 'optimizer.m' } } }))),
    /dangling\.safetensors: state refers to tensor 'optimizer\.m' at state\.m, but the file has no such tensor/,
  );
  assert.throws(
    () => loadCheckpoint(write('badnum.safetensors', JSON.stringify({ ...ok, extra: { x: { $number: 'lots' } } }))),
    /badnum\.safetensors: unknown number encoding "lots" at state\.x/,
  );
  assert.throws(
    () => loadCheckpoint(write('stray.safetensors', JSON.stringify(ok), { 'model.w': tensor([1]), 'junk.w': tensor([2]) })),
    /stray\.safetensors: tensor\(s\) 'junk\.w' belong to no part of the checkpoint/,
  );
});

test('saveCheckpoint rejects bad options and state that JSON cannot hold, writing nothing', () => {
  const dir = tempDir();
  const path = join(dir, 'x.safetensors');
  const model = mlp(0);
  const save = (opts: object): void => saveCheckpoint(path, { model, step: 0, ...opts } as Parameters<typeof saveCheckpoint>[1]);
  assert.throws(() => save({ step: 1.5 }), /x\.safetensors: step must be a non-negative integer, found 1\.5/);
  assert.throws(() => save({ step: -3 }), /step must be a non-negative integer, found -3/);
  assert.throws(() => save({ epoch: NaN }), /epoch must be a finite number, found NaN/);
  assert.throws(() => save({ model: undefined }), /options\.model is required/);
  assert.throws(() => save({ model: {} }), /model must have stateDict\(\) and loadStateDict\(\), found object without stateDict, loadStateDict/);
  assert.throws(() => save({ optimizer: { stateDict: () => ({}) } }), /optimizer must have .*without loadStateDict/);
  assert.throws(() => save({ generator: { seed: 1, offset: 0 } }), /generator must be a Generator or null, found object/);
  assert.throws(
    () => save({ extra: { fn: () => 1 } }),
    /'extra\.fn' is function; checkpoint state may only hold numbers, strings, booleans, null, arrays, plain objects and Tensors/,
  );
  assert.throws(() => save({ optimizer: new Holder({ state: new Map() }) }), /'optimizer\.state' is Map/);
  assert.throws(() => save({ extra: { big: 1n } }), /'extra\.big' is bigint/);
  assert.throws(() => save({ extra: { $tensor: 'x' } }), /key '\$tensor' at 'extra' is reserved/);
  assert.throws(() => save({ extra: { 'a.b': tensor([1]), a: { b: tensor([2]) } } }), /two entries map to the tensor name 'extra\.a\.b'/);
  assert.deepEqual(readdirSync(dir), [], 'nothing written');
});

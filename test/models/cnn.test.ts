// The model zoo: exact parameter counts against torchvision / the papers (and `deepts params`'s
// meta-parameter counts against the allocated models), output shapes on small inputs, state-dict
// names as torchvision's, and every backend agreeing with js on a ResNet forward.
// VGG-11's count and the full-size ResNet-18 check (224×224, batch 2, every backend) run with
// DEEPTS_SLOW_TESTS=1 (seconds each).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import {
  MODELS,
  buildModel,
  listModels,
  resnet18,
  LeNet5,
  AlphaGoPolicy,
  googlenet,
  BasicBlock,
  Bottleneck,
  SqueezeExcitation,
  Inception,
  VGG,
} from '../../src/models/index.js';
import { countParameters } from '../../src/cli/commands/params.js';
import { conv1x1 } from '../../src/models/resnet.js';

const slow = Boolean(process.env.DEEPTS_SLOW_TESTS);
const REFERENCE: Record<string, number> = {
  alexnet: 61_100_840,
  ...(slow ? { vgg11: 132_863_336 } : {}),
  vgg16: 138_357_544,
  googlenet: 6_624_904,
  resnet18: 11_689_512,
  resnet34: 21_797_672,
  resnet50: 25_557_032,
  'se-resnet50': 28_088_024,
  lenet5: 61_706,
  'alphago-policy': 3_882_793,
};

/** (name, shape, dtype, requiresGrad) of every parameter, in order. */
const parameterTable = (m: dt.nn.Module) => m.namedParameters().map(([n, p]) => [n, p.shape.join('x'), p.dtype, p.requiresGrad].join(' '));

test('parameter counts: AlexNet, VGG-11/16, GoogLeNet, ResNet-18/34/50, SE-ResNet-50, LeNet-5, AlphaGo policy', () => {
  for (const [name, expected] of Object.entries(REFERENCE)) {
    const model = buildModel(name);
    const n = model.numParameters();
    assert.equal(n, expected, `${name}: ${n} parameters, expected ${expected}`);
    const ref = MODELS[name]!.reference;
    if (ref) assert.equal(ref.parameters, expected, `${name}: registry reference`);
    // deepts params builds the model with meta parameters: the same names, shapes and count, nothing allocated
    const meta = dt.nn.withMetaParameters(() => buildModel(name));
    assert.deepEqual(parameterTable(meta), parameterTable(model), `${name}: meta parameters`);
    assert.ok(
      meta.parameters().every((p) => dt.nn.isMeta(p) && p.storage.length === 0),
      `${name}: meta parameters have no storage`,
    );
    assert.equal(countParameters(name).parameters, expected, `${name}: deepts params`);
  }
  // other class counts (and the playground MLP), with --layers; the 60M+ models with DEEPTS_SLOW_TESTS=1
  // (not alphago-policy: its 361 outputs are one per point of the board, so other counts are refused)
  const others = (slow ? listModels() : ['mlp', 'lenet5', 'resnet18']).filter((n) => n !== 'alphago-policy');
  for (const numClasses of [1, 10]) {
    for (const name of others) {
      const c = countParameters(name, { numClasses, layers: true });
      const model = buildModel(name, { numClasses });
      assert.equal(c.parameters, model.numParameters(), `${name} (${numClasses} classes): deepts params`);
      assert.deepEqual(
        c.layers,
        model.namedParameters().map(([n, p]) => ({ name: n, shape: [...p.shape], parameters: p.numel() })),
        `${name} (${numClasses} classes): --layers`,
      );
    }
  }
  assert.equal(googlenet({ auxLogits: true }).numParameters(), 13_004_888, 'GoogLeNet with the auxiliary classifiers (torchvision aux_logits=True)');
  assert.deepEqual(parameterTable(dt.nn.withMetaParameters(() => googlenet({ auxLogits: true }))), parameterTable(googlenet({ auxLogits: true })));
  const smallVgg = (o: { batchNorm?: boolean; numClasses?: number }) => new VGG([8, 'M', 16, 16, 'M'], o);
  for (const o of [{ batchNorm: true, numClasses: 3 }, {}])
    assert.deepEqual(parameterTable(dt.nn.withMetaParameters(() => smallVgg(o))), parameterTable(smallVgg(o)), 'a small VGG');
  assert.ok(listModels().includes('mlp'), 'the playground MLP is in the zoo');
});

test('output shapes on small inputs (the ImageNet models are size-agnostic thanks to adaptive pooling)', () => {
  dt.manualSeed(0);
  dt.noGrad(() => {
    assert.deepEqual(new LeNet5().forward(dt.randn([2, 1, 28, 28])).shape, [2, 10]);
    assert.deepEqual(
      buildModel('alexnet', { numClasses: 7 })
        .eval()
        .forward(dt.randn([1, 3, 64, 64])).shape,
      [1, 7],
    );
    assert.deepEqual(
      buildModel('googlenet', { numClasses: 7 })
        .eval()
        .forward(dt.randn([2, 3, 32, 32])).shape,
      [2, 7],
    );
    assert.deepEqual(
      resnet18({ numClasses: 7 })
        .eval()
        .forward(dt.randn([2, 3, 32, 32])).shape,
      [2, 7],
    );
    const go = new AlphaGoPolicy({ filters: 8 });
    const probs = go.policy(dt.randn([2, 48, 19, 19]));
    assert.deepEqual(probs.shape, [2, 361]);
    for (const s of probs.sum(1).toTypedArray()) assert.ok(Math.abs(s - 1) < 1e-5, 'softmax over the 361 points');
  });
  assert.throws(
    () => new AlphaGoPolicy({ filters: 4 }).forward(dt.randn([1, 48, 9, 9])),
    /AlphaGoPolicy: expected board features \(N, C, 19, 19\), got \(1,48,9,9\)/,
  );
  assert.throws(() => buildModel('resnet99'), /buildModel: unknown model 'resnet99', expected one of mlp, lenet5/);
});

test('state-dict names follow torchvision (camelCase buffers)', () => {
  const keys = Object.keys(resnet18().stateDict());
  for (const k of [
    'conv1.weight',
    'bn1.weight',
    'bn1.runningMean',
    'layer1.0.conv1.weight',
    'layer2.0.downsample.0.weight',
    'layer2.0.downsample.1.runningVar',
    'layer4.1.bn2.bias',
    'fc.weight',
    'fc.bias',
  ]) {
    assert.ok(keys.includes(k), `${k} in the ResNet-18 state dict`);
  }
  const g = Object.keys(googlenet().stateDict());
  assert.ok(g.includes('inception3a.branch2.1.conv.weight') && g.includes('inception5b.branch4.1.bn.runningMean'));
  const b = new Bottleneck(8, 2, 1, null, {}, (c) => new SqueezeExcitation(c, 4));
  assert.deepEqual(
    Object.keys(b.stateDict()).filter((k) => k.startsWith('se.')),
    ['se.fc1.weight', 'se.fc1.bias', 'se.fc2.weight', 'se.fc2.bias'],
  );
});

test('gradchecks through the building blocks: BasicBlock with a projection, Bottleneck with SE, Inception', () => {
  const o = { dtype: 'float64' as const, generator: new dt.Generator(5) };
  const check = (m: dt.nn.Module, shape: number[]) => {
    const x = dt.randn(shape, { dtype: 'float64', generator: new dt.Generator(6) }).requiresGrad_();
    dt.gradcheck((input) => m.forward(input), [x, ...m.parameters()]);
  };
  const down = new dt.nn.Sequential(conv1x1(2, 3, 2, o), new dt.nn.BatchNorm2d(3, { dtype: 'float64' }));
  check(new BasicBlock(2, 3, 2, down, o), [2, 2, 5, 5]);
  const down4 = new dt.nn.Sequential(conv1x1(3, 8, 1, o), new dt.nn.BatchNorm2d(8, { dtype: 'float64' }));
  check(new Bottleneck(3, 2, 1, down4, o, (c) => new SqueezeExcitation(c, 4, o)), [2, 3, 3, 3]);
  check(new Inception(3, 2, 2, 2, 1, 2, 1, o), [2, 3, 4, 4]);
});

for (const name of dt.listBackends().filter((b) => b !== 'js')) {
  test(`[${name}] a ResNet-18 forward on 2×3×32×32 agrees with js`, () => {
    dt.manualSeed(3);
    const model = resnet18({ numClasses: 10, generator: new dt.Generator(3) }).eval();
    const x = dt.randn([2, 3, 32, 32]);
    const prev = dt.getBackend().name;
    const run = (b: string) => {
      dt.setBackend(b);
      try {
        return dt.noGrad(() => model.forward(x)).toTypedArray();
      } finally {
        dt.setBackend(prev);
      }
    };
    const a = run('js'),
      b = run(name);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!)));
    assert.ok(worst < 1e-4, `largest difference ${worst}`);
  });
}

test('ResNet-18 forward on a 224×224 batch of 2, on every backend, agrees with js', {
  skip: slow ? false : 'set DEEPTS_SLOW_TESTS=1 (a few seconds per backend)',
}, () => {
  dt.manualSeed(4);
  const model = resnet18({ generator: new dt.Generator(4) }).eval();
  const x = dt.randn([2, 3, 224, 224]);
  const prev = dt.getBackend().name;
  const outputs = new Map<string, Float32Array>();
  for (const b of dt.listBackends()) {
    dt.setBackend(b);
    try {
      const t0 = performance.now();
      const y = dt.noGrad(() => model.forward(x));
      assert.deepEqual(y.shape, [2, 1000]);
      outputs.set(b, y.toTypedArray() as Float32Array);
      console.log(`# ${b}: ResNet-18 forward, 2×3×224×224, ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    } finally {
      dt.setBackend(prev);
    }
  }
  const ref = outputs.get('js')!;
  for (const [b, y] of outputs) {
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i]! - y[i]!) / Math.max(1, Math.abs(ref[i]!)));
    console.log(`# ${b} vs js: largest relative difference ${worst.toExponential(2)}`);
    assert.ok(worst < 1e-4, `${b}: largest difference from js ${worst}`);
  }
});

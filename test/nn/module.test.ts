import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { randn, zeros, tensor, ones } from '../../src/tensor/creation.js';
import { manualSeed } from '../../src/tensor/generator.js';
import '../../src/ops/index.js';

class MLP extends nn.Module {
  fc1 = new nn.Linear(4, 16);
  act = new nn.Tanh();
  fc2 = new nn.Linear(16, 3);
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
  }
}

class WithBuffer extends nn.Module {
  declare runningMean: Tensor;
  declare scratch: Tensor;
  scale = new nn.Parameter(ones([3]));
  constructor() {
    super();
    this.registerBuffer('runningMean', zeros([3]));
    this.registerBuffer('scratch', zeros([2]), false);
  }
  forward(x: Tensor): Tensor {
    return x.mul(this.scale);
  }
}

class Nested extends nn.Module {
  layers = new nn.ModuleList([new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1)]);
  head = new WithBuffer();
  forward(x: Tensor): Tensor {
    return x;
  }
}

test('Parameter: requires grad, owns contiguous storage, copies views', () => {
  const base = randn([4, 6]);
  const p = new nn.Parameter(base);
  assert.equal(p.requiresGrad, true);
  assert.equal(p.isLeaf, true);
  assert.equal(p.storage, base.storage, 'a fresh tensor is adopted without a copy');
  const view = base.transpose(0, 1);
  const q = new nn.Parameter(view);
  assert.notEqual(q.storage, base.storage);
  assert.equal(q.isContiguous(), true);
  assert.equal(q.storage.length, 24);
  assert.deepEqual(q.toArray(), view.toArray());
  assert.match(String(p), /^Parameter containing:\ntensor\(/);
  assert.throws(
    () => new nn.Parameter(tensor([1, 2], { dtype: 'int32' })),
    /Parameter: only floating point tensors can be parameters, got int32 of shape \(2,\)/,
  );
});

test('Module: parameters and submodules are discovered in assignment order with dotted names', () => {
  const m = new MLP();
  assert.deepEqual(
    m.namedParameters().map(([n]) => n),
    ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'],
  );
  assert.deepEqual(
    m.namedChildren().map(([n]) => n),
    ['fc1', 'act', 'fc2'],
  );
  assert.deepEqual(
    m.namedModules().map(([n]) => n),
    ['', 'fc1', 'act', 'fc2'],
  );
  assert.equal(m.parameters()[0], m.fc1.weight);
  const seq = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
  assert.deepEqual(
    seq.namedParameters().map(([n]) => n),
    ['0.weight', '0.bias', '2.weight', '2.bias'],
  );
  const nested = new Nested();
  assert.deepEqual(
    nested.namedParameters().map(([n]) => n),
    ['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias', 'head.scale'],
  );
  assert.deepEqual(
    nested.namedBuffers().map(([n]) => n),
    ['head.runningMean', 'head.scratch'],
  );
});

test('Module: a shared parameter is listed once, a plain array of modules is an error', () => {
  class Tied extends nn.Module {
    a = new nn.Linear(3, 3, { bias: false });
    b = new nn.Linear(3, 3, { bias: false });
    constructor() {
      super();
      this.b.weight = this.a.weight;
    }
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  const t = new Tied();
  assert.equal(t.parameters().length, 1);
  assert.equal(t.numParameters(), 9);
  assert.deepEqual(Object.keys(t.stateDict()), ['a.weight', 'b.weight']);
  class Bad extends nn.Module {
    layers = [new nn.Linear(2, 2)];
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  assert.throws(() => new Bad().parameters(), /Bad: property 'layers' is a plain array of Modules\/Parameters.*nn\.ModuleList/);
});

test('Module: registerParameter/registerModule/registerBuffer validate their input', () => {
  const m = new MLP();
  assert.throws(() => m.registerParameter('w', randn([2]) as nn.Parameter), /registerParameter: 'w' must be an nn.Parameter or null, got a plain Tensor/);
  assert.throws(() => m.registerParameter('a.b', null), /registerParameter: name must be a non-empty string without '\.'/);
  assert.throws(() => m.registerModule('x', {} as nn.Module), /registerModule: 'x' must be an nn.Module or null/);
  assert.throws(() => m.registerBuffer('p', new nn.Parameter(zeros([1]))), /registerBuffer: 'p' is an nn.Parameter/);
  m.registerParameter('extra', new nn.Parameter(zeros([2])));
  // as in PyTorch, a module's own parameters come before its children's
  assert.deepEqual(
    m.namedParameters().map(([n]) => n),
    ['extra', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'],
  );
});

test('Module: stateDict order, buffers and a round trip through loadStateDict', () => {
  const nested = new Nested();
  const sd = nested.stateDict();
  // PyTorch order: own parameters, own persistent buffers, then children; non-persistent buffers excluded
  assert.deepEqual(Object.keys(sd), ['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias', 'head.scale', 'head.runningMean']);
  assert.equal(sd['layers.0.weight']!.requiresGrad, false, 'state dict tensors are detached');
  assert.equal(sd['layers.0.weight']!.storage, nested.layers.at<nn.Linear>(0).weight.storage, 'and share storage');

  manualSeed(1);
  const a = new MLP();
  manualSeed(2);
  const b = new MLP();
  const x = randn([5, 4]);
  assert.notDeepEqual(a.forward(x).toArray(), b.forward(x).toArray());
  const weightBefore = b.fc1.weight;
  const result = b.loadStateDict(a.stateDict());
  assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
  assert.deepEqual(b.forward(x).toArray(), a.forward(x).toArray());
  assert.equal(b.fc1.weight, weightBefore, 'parameters are updated in place');
  assert.notEqual(b.fc1.weight.storage, a.fc1.weight.storage, 'values are copied, not shared');
});

test('Module: loadStateDict errors name missing, unexpected and mis-shaped keys', () => {
  const m = new MLP();
  const sd = m.stateDict();
  const missing = { ...sd };
  delete missing['fc2.bias'];
  assert.throws(() => m.loadStateDict(missing), /loadStateDict: error\(s\) loading the state dict into MLP:\n {2}Missing key\(s\) in state dict: "fc2.bias"\./);
  assert.throws(() => m.loadStateDict({ ...sd, 'fc3.weight': zeros([1]) }), /Unexpected key\(s\) in state dict: "fc3.weight"\./);
  assert.throws(
    () => m.loadStateDict({ ...sd, 'fc1.weight': zeros([16, 5]) }),
    /size mismatch for "fc1.weight": copying a tensor of shape \(16,5\) from the state dict, the shape in the current model is \(16,4\)/,
  );
  assert.throws(() => m.loadStateDict({ ...sd, 'fc1.bias': [1, 2] as unknown as Tensor }), /value for "fc1.bias" is not a Tensor/);
  // non-strict: missing/unexpected are reported, not thrown; shape mismatches still throw
  const r = m.loadStateDict({ ...missing, extra: zeros([1]) }, { strict: false });
  assert.deepEqual(r, { missingKeys: ['fc2.bias'], unexpectedKeys: ['extra'] });
  assert.throws(() => m.loadStateDict({ 'fc1.weight': zeros([2]) }, { strict: false }), /size mismatch for "fc1.weight"/);
});

test('Module: train/eval propagate, zeroGrad clears, numParameters counts', () => {
  const m = new Nested();
  assert.equal(m.training, true);
  m.eval();
  assert.ok(m.modules().every((x) => x.training === false));
  m.train();
  assert.ok(m.modules().every((x) => x.training === true));
  // 2·3+3 + 3·1+1 + 3 = 16
  assert.equal(m.numParameters(), 2 * 3 + 3 + 3 * 1 + 1 + 3);
  m.head.scale.requiresGrad = false;
  assert.equal(m.numParameters({ trainableOnly: true }), 2 * 3 + 3 + 3 * 1 + 1);
  const mlp = new MLP();
  mlp
    .forward(randn([2, 4]))
    .sum()
    .backward();
  assert.ok(mlp.parameters().every((p) => p.grad !== null));
  mlp.zeroGrad(false);
  assert.ok(mlp.parameters().every((p) => p.grad !== null && (p.grad.toTypedArray() as Float32Array).every((v) => v === 0)));
  mlp.zeroGrad();
  assert.ok(mlp.parameters().every((p) => p.grad === null));
  mlp.requiresGrad_(false);
  assert.equal(mlp.numParameters({ trainableOnly: true }), 0);
});

test('Module: to(dtype) casts parameters and buffers; apply visits every module', () => {
  const m = new Nested().to('float64');
  assert.ok(m.parameters().every((p) => p.dtype === 'float64' && p instanceof nn.Parameter && p.requiresGrad));
  assert.equal(m.head.runningMean.dtype, 'float64');
  assert.throws(() => m.to('int32'), /Module.to: modules can only be cast to a floating point dtype, got int32/);
  const names: string[] = [];
  m.apply((x) => names.push(x.constructor.name));
  assert.deepEqual(names, ['Linear', 'ReLU', 'Linear', 'ModuleList', 'WithBuffer', 'Nested']);
});

test('Module: toString prints the module tree like PyTorch', () => {
  const seq = new nn.Sequential(new nn.Linear(4, 8), new nn.LeakyReLU(0.1), new nn.Sequential(new nn.Dropout(0.2), new nn.Linear(8, 2, { bias: false })));
  assert.equal(
    String(seq),
    [
      'Sequential(',
      '  (0): Linear(inFeatures=4, outFeatures=8, bias=true)',
      '  (1): LeakyReLU(negativeSlope=0.1)',
      '  (2): Sequential(',
      '    (0): Dropout(p=0.2)',
      '    (1): Linear(inFeatures=8, outFeatures=2, bias=false)',
      '  )',
      ')',
    ].join('\n'),
  );
});

test('Sequential and ModuleList: access, append, named children, errors', () => {
  const seq = new nn.Sequential({ fc: new nn.Linear(2, 3), act: new nn.ReLU() });
  assert.deepEqual(
    seq.namedParameters().map(([n]) => n),
    ['fc.weight', 'fc.bias'],
  );
  assert.equal(seq.length, 2);
  assert.ok(seq.at(-1) instanceof nn.ReLU);
  assert.throws(() => seq.at(5), /Sequential.at: index 5 is out of range for 2 modules/);
  assert.throws(() => new nn.Sequential(new nn.ReLU(), 3 as unknown as nn.Module), /Sequential: element 1 is not an nn.Module \(got number\)/);
  const list = new nn.ModuleList();
  list.append(new nn.Linear(1, 1)).extend([new nn.Tanh()]);
  assert.equal(list.length, 2);
  assert.deepEqual(
    [...list].map((m) => m.constructor.name),
    ['Linear', 'Tanh'],
  );
  assert.throws(() => list.forward(), /ModuleList: a ModuleList has no forward\(\)/);
  const x = randn([4, 2]);
  const y = seq.forward(x) as Tensor;
  assert.deepEqual(y.toArray(), seq.at<nn.Linear>(0).forward(x).relu().toArray());
});

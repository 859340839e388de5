// Ops whose kernels write every element of their output take it without the zero-fill
// (uninitializedTensor). Filling those arrays with NaN instead (setUninitializedFill) must change
// nothing: every op below, forward and backward, on every backend, gives the same bits as with
// arrays left as they come, and a GPT step the same loss and gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { setUninitializedFill } from '../../src/tensor/dtype.js';
import { clearStoragePool } from '../../src/tensor/storage-pool.js';

/** Every output and gradient of the ops that take uninitialized outputs, as bytes. */
function outputs(): [string, Uint8Array][] {
  const out: [string, Tensor][] = [];
  const add = (name: string, t: Tensor | null) => {
    if (t) out.push([name, t]);
  };
  dt.manualSeed(7);
  const a = dt.randn([64, 128], { requiresGrad: true }),
    b = dt.randn([128]);
  add('add broadcast', a.add(b));
  add('gt (bool)', a.gt(b));
  add('int add', dt.randint(0, 9, [64, 128], { dtype: 'int32' }).add(dt.randint(0, 9, [128], { dtype: 'int32' })));
  const p = a.transpose(0, 1); // a strided view
  add('exp of a view', p.exp());
  add('gelu of a view', dt.gelu(p));
  add('where', dt.where(a.gt(0), a, b));
  add('contiguous', p.contiguous());
  add('cast copy', p.to('float64'));
  add('matmul', dt.matmul(a, dt.randn([128, 96])));
  add('batched matmul', dt.matmul(dt.randn([4, 64, 32]), dt.randn([32, 64])));
  add('matmul k = 0', dt.matmul(dt.randn([64, 0]), dt.randn([0, 128])));
  add('int matmul', dt.matmul(dt.randint(0, 5, [64, 80], { dtype: 'int32' }), dt.randint(0, 5, [80, 70], { dtype: 'int32' })));
  const lin = new dt.nn.Linear(128, 96);
  add('linear', lin.forward(a));
  add('softmax', dt.softmax(a, -1));
  add('logSoftmax dim 0', dt.logSoftmax(a, 0));
  const w = dt.randn([128], { requiresGrad: true }),
    bias = dt.randn([128], { requiresGrad: true });
  const ln = dt.layerNorm(a, 128, w, bias);
  const rms = dt.rmsNorm(a, 128, w);
  const x = dt.randn([2, 4, 48, 32], { requiresGrad: true }),
    k = dt.randn([2, 4, 64, 32], { requiresGrad: true }),
    v = dt.randn([2, 4, 64, 32], { requiresGrad: true });
  const causal = dt.scaledDotProductAttention(x, k, v, { isCausal: true });
  const mask = dt.ones([48, 64], { dtype: 'bool' });
  for (let j = 0; j < 64; j++) mask.storage[5 * 64 + j] = 0; // row 5 sees no key
  const masked = dt.scaledDotProductAttention(x, k, v, { attnMask: mask });
  const logits = dt.randn([96, 65], { requiresGrad: true });
  const targets = dt.randint(0, 65, [96], { dtype: 'int32' });
  targets.storage[3] = -100;
  const ce = dt.crossEntropy(logits, targets, { ignoreIndex: -100 });
  const emb = new dt.nn.Embedding(65, 128);
  add('embedding', emb.forward(dt.randint(0, 65, [12, 64], { dtype: 'int32' })));
  const h = dt.randn([64, 128], { requiresGrad: true });
  const g = dt.gelu(h);
  add('layerNorm', ln);
  add('rmsNorm', rms);
  add('attention causal', causal);
  add('attention masked', masked);
  add('crossEntropy', ce);
  add('gelu', g);
  ln.mul(dt.randn([64, 128]))
    .sum()
    .add(rms.sum())
    .add(causal.mul(causal).sum())
    .add(masked.sum())
    .add(ce)
    .add(g.mul(h).sum())
    .backward();
  for (const [name, t] of [
    ['a', a],
    ['w', w],
    ['bias', bias],
    ['q', x],
    ['k', k],
    ['v', v],
    ['logits', logits],
    ['h', h],
  ] as const)
    add(`${name}.grad`, t.grad);
  return out.map(([name, t]) => {
    const arr = t.toTypedArray();
    return [name, new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength).slice()];
  });
}

function gptStep(): [string, Uint8Array][] {
  dt.manualSeed(0);
  const model = new dt.models.GPT({ blockSize: 32, vocabSize: 65, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0, bias: true });
  const opt = model.configureOptimizers({ weightDecay: 0.1, lr: 1e-3, betas: [0.9, 0.99] });
  const stream = dt.randint(0, 65, [5000], { dtype: 'int32' }).toTypedArray() as Int32Array;
  const batches = new dt.TokenBatcher(stream, { batchSize: 8, blockSize: 32, generator: new dt.Generator(0) });
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { x, y } = batches.next();
    const { loss } = model.forward(x, y);
    loss!.backward();
    dt.optim.clipGradNorm(model.parameters(), 1);
    opt.step();
    if (i < 2) opt.zeroGrad();
    losses.push(loss!.item());
  }
  const grads = model.parameters().map((q, i) => {
    const arr = q.grad!.toTypedArray();
    return [`param ${i} grad`, new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength).slice()] as [string, Uint8Array];
  });
  return [['losses', new Uint8Array(new Float64Array(losses).buffer)], ...grads];
}

function compare(run: () => [string, Uint8Array][], backend: string): void {
  const prev = dt.getBackend().name;
  dt.setBackend(backend);
  try {
    clearStoragePool();
    const plain = run();
    clearStoragePool();
    const was = setUninitializedFill(NaN);
    let poisoned: [string, Uint8Array][];
    try {
      poisoned = run();
      poisoned.push(...run()); // a second pass: pooled arrays come back NaN-filled too
    } finally {
      setUninitializedFill(was);
    }
    assert.equal(poisoned.length, 2 * plain.length);
    poisoned.forEach(([name, bytes], i) => {
      assert.deepEqual(bytes, plain[i % plain.length]![1], `${backend}: ${name} is the same with NaN-filled outputs`);
    });
  } finally {
    dt.setBackend(prev);
    clearStoragePool();
  }
}

for (const backend of dt.listBackends().filter((b) => b === 'js' || b === 'native')) {
  test(`${backend}: every op that takes an uninitialized output writes all of it`, () => compare(outputs, backend));
  test(`${backend}: a GPT step is bit for bit the same with NaN-filled outputs`, () => compare(gptStep, backend));
}

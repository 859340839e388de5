// The storages backward() proves dead are reused by later allocations; gradients that live on
// (.grad of leaves, retained gradients) never are. With recycling on, so are the arrays the garbage
// collector finds dead, and never a live one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { clearStoragePool, storagePoolBytes } from '../../src/tensor/storage-pool.js';

const { collectedStoragesReturned, recycleCollectedStorages, withCollectedStorageRecycling } = dt; // the public API

const N = 64; // 64 × 128 = 8,192 elements: above the pooling threshold

function graph(x: dt.Tensor, w: dt.Tensor): dt.Tensor {
  // views, a reshape, a slice, a reused intermediate: gradients alias their outputs' storages
  const h = dt.matmul(x, w).relu(); // (N, 128)
  const r = h.reshape(N * 2, 64).transpose(0, 1); // (64, 2N) view
  const s = r.narrow(1, 0, N).mul(2).sum().add(h.mul(h).mean());
  return s.add(dt.gelu(h).sum());
}

test('backward gives its dead temporaries to the pool, and later allocations reuse them zero-filled', () => {
  clearStoragePool();
  dt.manualSeed(3);
  const x = dt.randn([N, 96]), w = dt.randn([96, 128], { requiresGrad: true });
  graph(x, w).backward();
  assert.ok(storagePoolBytes() > 0, 'backward returned storages to the pool');
  const before = storagePoolBytes();
  const z = dt.zeros([N, 128]); // same size as the (N, 128) temporaries: taken from the pool
  assert.ok(storagePoolBytes() < before, 'an allocation took a pooled array');
  assert.ok(z.toTypedArray().every((v) => v === 0), 'a pooled array comes back zero-filled');
});

test('with the pool, gradients are bit-for-bit those without it; kept gradients are never reused', () => {
  dt.manualSeed(4);
  const x = dt.randn([N, 96]), c = dt.randn([N, 128]);
  const w0 = dt.randn([96, 128]);
  const run = () => {
    const w = w0.clone().requiresGrad_();
    const b = dt.zeros([N, 128], { requiresGrad: true }); // a leaf whose gradient is done first
    const h = dt.matmul(x, w).add(b.mul(c));
    h.retainGrad();
    h.relu().mul(h).sum().add(b.mul(c).sum()).add(graph(x, w)).backward();
    return { w: w.grad!, h: h.grad!, b: b.grad! };
  };
  clearStoragePool();
  const first = run();
  const copies = { w: first.w.clone(), h: first.h.clone(), b: first.b.clone() };
  // more passes allocate from the pool; the first pass's gradients must stay as they were
  let last = first;
  for (let i = 0; i < 5; i++) last = run();
  for (const k of ['w', 'h', 'b'] as const) {
    assert.deepEqual(first[k].toTypedArray(), copies[k].toTypedArray(), `the first pass's ${k}.grad was not reused`);
    assert.deepEqual(last[k].toTypedArray(), copies[k].toTypedArray(), `pooled runs give the same ${k}.grad`);
  }
  clearStoragePool();
});

test('recycling collected storages: dead arrays come back through the collector, live tensors keep their values', async () => {
  clearStoragePool();
  dt.manualSeed(5);
  const x = dt.randn([N, 96]), w = dt.randn([96, 128], { requiresGrad: true });
  // live results, each with its own known values, held across the churn below
  const live: [dt.Tensor, Float32Array][] = [];
  let returned = false;
  await withCollectedStorageRecycling(async () => {
    // without a turn of the event loop nothing comes back: collected buffers wait in the registry
    for (let step = 0; step < 400 && !returned; step++) {
      const before = storagePoolBytes();
      const g = graph(x, w);
      g.backward();
      w.grad = null;
      if (step % 20 === 0) {
        const keep = dt.matmul(x, w).detach(); // (N, 128): same size as the graph's activations
        live.push([keep, Float32Array.from(keep.toTypedArray() as Float32Array)]);
      }
      // a batch of forward-style activations that die at once
      for (let k = 0; k < 8; k++) dt.randn([N, 128]).mul(2);
      await collectedStoragesReturned();
      if (storagePoolBytes() > before + N * 128 * 4 * 4) returned = true;
    }
  });
  assert.ok(returned, 'the collector handed storages back to the pool');
  // what the pool now hands out is zero-filled, and never the storage of a live tensor
  const taken = Array.from({ length: 64 }, () => dt.zeros([N, 128]));
  for (const t of taken) assert.ok(t.toTypedArray().every((v) => v === 0), 'a recycled array comes back zero-filled');
  const liveArrays = new Set(live.map(([t]) => t.storage.buffer));
  for (const t of taken) assert.ok(!liveArrays.has(t.storage.buffer), 'a live tensor\'s buffer is never handed out again');
  for (const t of taken) t.storage.fill(7);
  for (const [t, values] of live) assert.deepEqual(t.toTypedArray(), values, 'live tensors keep their values');
  assert.equal(recycleCollectedStorages(false), false, 'recycling is off again after the loop');
});

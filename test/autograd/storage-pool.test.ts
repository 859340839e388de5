// The storages backward() proves dead are reused by later allocations; gradients that live on
// (.grad of leaves, retained gradients) never are. Nothing else is pooled (what the collector
// frees goes back to malloc: test/tensor/storage-reuse.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { clearStoragePool, storagePoolBytes } from '../../src/tensor/storage-pool.js';

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
  const x = dt.randn([N, 96]),
    w = dt.randn([96, 128], { requiresGrad: true });
  graph(x, w).backward();
  assert.ok(storagePoolBytes() > 0, 'backward returned storages to the pool');
  const before = storagePoolBytes();
  const z = dt.zeros([N, 128]); // same size as the (N, 128) temporaries: taken from the pool
  assert.ok(storagePoolBytes() < before, 'an allocation took a pooled array');
  assert.ok(
    z.toTypedArray().every((v) => v === 0),
    'a pooled array comes back zero-filled',
  );
});

test('with the pool, gradients are bit-for-bit those without it; kept gradients are never reused', () => {
  dt.manualSeed(4);
  const x = dt.randn([N, 96]),
    c = dt.randn([N, 128]);
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

// Reusing memory must be unobservable: a storage's memory is handed out again only when no JS
// value that can read it (the tensor, a subarray, a DataView, a Buffer, a write in flight) is
// reachable. Each case keeps only a second view of a tensor's storage, drops the tensor, lets the
// collector run (with turns of the event loop, as a training loop that yields) and allocates many
// same-sized tensors filled with 7: the view must still read the 3s it was made over. Also the
// storages backward() reuses: none that a hand-written gradFn kept, and none while a backend
// other than the built-in ones runs the kernels (it sees every array).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as dt from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

setFlagsFromString('--expose-gc');
const gc = ((globalThis as { gc?: () => void }).gc ?? runInNewContext('gc')) as () => void;

const N = 8192; // above the pool's 4,096-element threshold
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Full collections and event-loop turns: whatever the collector found dead is freed (and, before, was recycled). */
async function collect(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gc();
    await turn();
  }
}

/** Many live tensors of `n` 7s: any memory handed out again now holds 7s. */
function churn(n: number, count = 64): Tensor[] {
  const kept: Tensor[] = [];
  for (let i = 0; i < count; i++) kept.push(dt.ones([n]).mul(7));
  return kept;
}

/** Keeps what `keep` makes from a tensor of 3s, drops the tensor, collects, churns, and checks `read` still sees 3s. */
async function keepsReading(keep: (t: Tensor) => () => number[], n = N): Promise<void> {
  await (async () => {
    let t: Tensor | null = dt.ones([n]).mul(3);
    const read = keep(t);
    t = null;
    const kept: Tensor[] = [];
    for (let round = 0; round < 4; round++) {
      await collect();
      kept.push(...churn(n));
      assert.deepEqual(read(), [3, 3, 3, 3], `round ${round}: the view still reads 3s (${kept.length} tensors of 7s allocated)`);
    }
  })();
}

test("a subarray of a dropped tensor's storage keeps its values while others allocate", async () => {
  await keepsReading((t) => {
    const view = t.storage.subarray(0, 4);
    return () => Array.from(view);
  });
});

test("a DataView over a dropped tensor's buffer keeps its values", async () => {
  await keepsReading((t) => {
    const view = new DataView(t.storage.buffer, t.storage.byteOffset, 16);
    return () => [0, 4, 8, 12].map((at) => view.getFloat32(at, true));
  });
});

test("a Buffer over a dropped tensor's buffer keeps its values", async () => {
  await keepsReading((t) => {
    const bytes = Buffer.from(t.storage.buffer);
    return () => [0, 4, 8, 12].map((at) => bytes.readFloatLE(at));
  });
});

test('toTypedArray() of a dropped tensor (the storage itself) and views of it keep their values', async () => {
  await keepsReading((t) => {
    const view = new Float32Array(t.toTypedArray().buffer, 0, 4);
    return () => Array.from(view);
  });
});

test('the same in a plain synchronous loop (no turns, full collections only)', () => {
  let t: Tensor | null = dt.ones([N]).mul(3);
  const sub = t.storage.subarray(0, 4);
  const view = new DataView(t.storage.buffer, 0, 16);
  t = null;
  const kept: Tensor[] = [];
  for (let round = 0; round < 4; round++) {
    gc();
    kept.push(...churn(N));
    assert.deepEqual(Array.from(sub), [3, 3, 3, 3]);
    assert.equal(view.getFloat32(12, true), 3);
  }
});

test("an async file write of a dropped tensor's bytes writes its values, however much is allocated meanwhile", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-reuse-'));
  try {
    const n = 1 << 21; // 8 MiB: fs writes it in chunks, with turns of the event loop between them
    const file = join(dir, 'tensor.bin');
    await (async () => {
      let t: Tensor | null = dt.ones([n]).mul(3);
      const pending = writeFile(file, Buffer.from(t.storage.buffer, t.storage.byteOffset, t.storage.byteLength));
      t = null;
      let done = false;
      void pending.then(
        () => {
          done = true;
        },
        () => {
          done = true;
        },
      );
      const kept: Tensor[] = [];
      // churn while the write is in flight: collections, turns, same-sized tensors of 7s
      for (let i = 0; i < 200 && !done; i++) {
        gc();
        await turn();
        kept.push(...churn(n, 2));
        if (kept.length > 16) kept.splice(0, 2);
      }
      await pending;
    })();
    const written = new Float32Array(new Uint8Array(readFileSync(file)).buffer);
    assert.equal(written.length, n);
    const wrong = written.findIndex((v) => v !== 3);
    assert.equal(wrong, -1, `element ${wrong} of the file is ${written[wrong]}, not 3`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a streamed write of a dropped tensor's bytes, chunk by chunk across awaits, writes its values", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-reuse-'));
  try {
    const n = 1 << 18;
    const file = join(dir, 'tensor.bin');
    const { open } = await import('node:fs/promises');
    await (async () => {
      let t: Tensor | null = dt.ones([n]).mul(3);
      const bytes = new Uint8Array(t.storage.buffer, t.storage.byteOffset, t.storage.byteLength);
      t = null;
      const handle = await open(file, 'w');
      const kept: Tensor[] = [];
      try {
        for (let at = 0; at < bytes.length; at += 65536) {
          await collect();
          kept.push(...churn(n, 4));
          await handle.write(bytes, at, Math.min(65536, bytes.length - at));
        }
      } finally {
        await handle.close();
      }
    })();
    const written = new Float32Array(new Uint8Array(readFileSync(file)).buffer);
    assert.equal(written.length, n);
    assert.equal(
      written.findIndex((v) => v !== 3),
      -1,
      'every element of the file is 3',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('backward() never reuses a gradient a hand-written gradFn kept', () => {
  dt.clearStoragePool();
  const x = dt.ones([N], { requiresGrad: true });
  const h = x.mul(2);
  const y = dt.ones([N]).mul(1);
  let keptGrad: Tensor | null = null;
  let keptOwn: Tensor | null = null;
  // a node the ops did not record: user code that sees the gradient and allocates during backward
  y.requiresGrad = true;
  y.gradFn = {
    name: 'Spy',
    inputs: [h],
    backward: (g: Tensor) => {
      keptGrad = g;
      keptOwn = g.mul(3);
      return [g.mul(1)];
    },
  };
  y.mul(5).sum().backward();
  const grad = Array.from(keptGrad!.toTypedArray().subarray(0, 4));
  const own = Array.from(keptOwn!.toTypedArray().subarray(0, 4));
  assert.deepEqual(grad, [5, 5, 5, 5]);
  assert.deepEqual(own, [15, 15, 15, 15]);
  const kept = churn(N);
  assert.equal(kept.length, 64);
  assert.deepEqual(Array.from(keptGrad!.toTypedArray().subarray(0, 4)), grad, 'the gradient the gradFn kept was not handed out again');
  assert.deepEqual(Array.from(keptOwn!.toTypedArray().subarray(0, 4)), own, 'what the gradFn allocated and kept was not handed out again');
  assert.deepEqual(Array.from(x.grad!.toTypedArray().subarray(0, 4)), [10, 10, 10, 10]);
  dt.clearStoragePool();
});

test('backward() reuses nothing while a registered backend (which sees every array) runs the kernels', () => {
  const js = dt.getBackend();
  const seen: Float32Array[] = [];
  // a backend that keeps every output array it writes
  const spy: dt.Backend = {
    ...js,
    name: 'spy-reuse',
    kernels: {
      ...js.kernels,
      binary: (...args: Parameters<typeof js.kernels.binary>) => {
        const r = js.kernels.binary(...args);
        const out = args[args.length - 1] as unknown;
        if (out instanceof Float32Array) seen.push(out);
        return r;
      },
    },
  };
  dt.registerBackend(spy);
  const prev = js.name;
  dt.clearStoragePool();
  try {
    dt.setBackend('spy-reuse');
    const x = dt.ones([N], { requiresGrad: true });
    x.mul(2).mul(3).mul(4).sum().backward();
    const [fx, w1, w2] = ffInputs(); // and no op's scratch
    dt.feedForward(fx, w1, null, w2, null).sum().backward();
    dt.noGrad(() => dt.feedForward(fx, w1, null, w2, null));
    const kept = seen.slice(),
      copies = kept.map((a) => Float32Array.from(a));
    churn(N);
    kept.forEach((a, i) => assert.deepEqual(a, copies[i], `array ${i} the backend kept is unchanged`));
    assert.equal(dt.storagePoolBytes(), 0, 'nothing was pooled');
  } finally {
    dt.setBackend(prev);
    dt.clearStoragePool();
  }
});

// An op's scratch (ops/record.ts): feedForward keeps its hidden activations for its backward only.
const ffShapes = { x: [64, 128], w1: [512, 128], w2: [128, 512] };
const HIDDEN_BYTES = 64 * 512 * 4; // one (rows, hidden) float32 array
function ffInputs(): [Tensor, Tensor, Tensor] {
  const g = new dt.Generator(7);
  return [dt.randn(ffShapes.x, { generator: g }), dt.randn(ffShapes.w1, { generator: g }), dt.randn(ffShapes.w2, { generator: g })].map((t) =>
    t.requiresGrad_(),
  ) as [Tensor, Tensor, Tensor];
}

test("an op's scratch is reused once backward() has freed its node, and a backward kept from before then raises", () => {
  dt.clearStoragePool();
  const [x, w1, w2] = ffInputs();
  const y = dt.feedForward(x, w1, null, w2, null);
  const kept = y.gradFn!.backward;
  assert.equal(dt.storagePoolBytes(), 0, 'nothing is pooled while the node may still run');
  y.sum().backward();
  assert.ok(dt.storagePoolBytes() >= 2 * HIDDEN_BYTES, `the two hidden arrays went back to the pool (${dt.storagePoolBytes()} bytes pooled)`);
  assert.throws(() => kept(dt.ones(y.shape)), /backward through the graph a second time/);
  dt.clearStoragePool();
});

test("with retainGraph an op's scratch is kept: a second backward after others allocate gives the same gradients", () => {
  dt.clearStoragePool();
  const [x, w1, w2] = ffInputs();
  const y = dt.feedForward(x, w1, null, w2, null);
  y.sum().backward({ retainGraph: true });
  const first = Array.from(w1.grad!.toTypedArray());
  w1.grad = null;
  const kept = churn(64 * 512); // would take (and fill with 7s) any hidden array handed back too early
  assert.equal(kept.length, 64);
  y.sum().backward();
  assert.deepEqual(Array.from(w1.grad!.toTypedArray()), first);
  dt.clearStoragePool();
});

test("without a graph an op's scratch is dead when the op returns, and reused at once", () => {
  dt.clearStoragePool();
  const [x, w1, w2] = ffInputs();
  const withGraph = Array.from(dt.feedForward(x, w1, null, w2, null).toTypedArray());
  const y = dt.noGrad(() => dt.feedForward(x, w1, null, w2, null));
  assert.ok(dt.storagePoolBytes() >= 2 * HIDDEN_BYTES, 'the hidden arrays went back to the pool');
  churn(64 * 512);
  assert.deepEqual(Array.from(y.toTypedArray()), withGraph, 'the output is not one of them');
  dt.clearStoragePool();
});

test('on glibc the native addon keeps freed blocks with malloc, so reused memory costs no fresh pages', (t) => {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const envTunes =
    process.env.DEEPTS_MALLOC_TUNING === '0' ||
    /glibc\.malloc\./.test(process.env.GLIBC_TUNABLES ?? '') ||
    ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_TOP_PAD_'].some((k) => process.env[k] !== undefined);
  if (!dt.listBackends().includes('native') || !report?.header?.glibcVersionRuntime || envTunes) {
    t.skip('no native addon, not glibc, or the environment tunes malloc itself');
    return;
  }
  const prev = dt.getBackend().name;
  try {
    assert.match(dt.setBackend('native').description, /malloc keeps freed blocks/);
  } finally {
    dt.setBackend(prev);
  }
});

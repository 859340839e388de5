import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { tensor, zeros } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { transpose } from '../../src/ops/index.js';
import { loadSafetensors, parseSafetensors, readSafetensorsHeader, saveSafetensors, serializeSafetensors, SafetensorsError } from '../../src/io/safetensors.js';
import { halfToFloat } from '../../src/io/safetensors-dtypes.js';
import { writeFileAtomic, writeAll } from '../../src/io/atomic-write.js';
import { FIXTURES, FIXTURE_SCRIPT, PYTHON, buildFile, decodeValue, encodeValue, numpyUnavailable, tempDir } from './helpers.js';

type Sidecar = { metadata: Record<string, string>; tensors: Record<string, { dtype: string; shape: number[]; values: (number | string)[] }> };

/** Every element identical, NaN and the sign of zero included. */
function assertSameValues(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

function sample(): Record<string, Tensor> {
  return {
    'layer.weight': tensor([
      [1.5, -2, 3.25],
      [0, -0, 1e-30],
    ]),
    // a transposed (non-contiguous) view must be written in row-major order
    'layer.weight_t': transpose(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ),
    doubles: tensor([Math.PI, -Infinity, 1e-300], { dtype: 'float64' }),
    ids: tensor([[2147483647, -2147483648, 7]], { dtype: 'int32' }),
    mask: tensor([true, false, true, true, false]),
    scalar: tensor(4.5),
    empty: zeros([0, 3]),
  };
}

function assertRoundTrip(loaded: Record<string, Tensor>, original: Record<string, Tensor>): void {
  assert.deepEqual(Object.keys(loaded), Object.keys(original), 'names in file order');
  for (const [name, t] of Object.entries(original)) {
    const got = loaded[name]!;
    assert.equal(got.dtype, t.dtype, `${name} dtype`);
    assert.deepEqual(got.shape, t.shape, `${name} shape`);
    assertSameValues(got.toTypedArray(), Array.from(t.toTypedArray()), name);
  }
}

test('serialize/parse round-trips F32, F64, I32, BOOL, scalars, empty and non-contiguous tensors with metadata', () => {
  const tensors = sample();
  const bytes = serializeSafetensors(tensors, { format: 'pt', note: 'ünïcode' });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + n) % 8, 0, 'header padded so the data is 8-byte aligned');
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  assert.match(header, /^\{.*\} *$/, 'header is JSON followed by space padding');
  assert.equal(JSON.parse(header)['layer.weight_t'].dtype, 'F32');
  const { tensors: loaded, metadata } = parseSafetensors(bytes);
  assertRoundTrip(loaded, tensors);
  assert.deepEqual(loaded['layer.weight_t']!.toArray(), [
    [1, 4],
    [2, 5],
    [3, 6],
  ]);
  assert.deepEqual(metadata, { format: 'pt', note: 'ünïcode' });
});

test('saveSafetensors writes atomically and loadSafetensors / readSafetensorsHeader read it back', () => {
  const dir = tempDir();
  const path = join(dir, 'model.safetensors');
  const tensors = sample();
  saveSafetensors(path, tensors, { step: '10' });
  assert.deepEqual(readdirSync(dir), ['model.safetensors'], 'no temp file left behind');
  assert.deepEqual(readFileSync(path), Buffer.from(serializeSafetensors(tensors, { step: '10' })));
  const { tensors: loaded, metadata } = loadSafetensors(path);
  assertRoundTrip(loaded, tensors);
  assert.deepEqual(metadata, { step: '10' });

  const header = readSafetensorsHeader(path);
  assert.deepEqual(Object.keys(header.tensors), Object.keys(tensors));
  assert.deepEqual(header.tensors['layer.weight'], { dtype: 'F32', shape: [2, 3], dataOffsets: [0, 24] });
  assert.deepEqual(header.tensors.doubles, { dtype: 'F64', shape: [3], dataOffsets: [48, 72] });
  assert.deepEqual(header.metadata, { step: '10' });
  assert.equal(header.dataStart + header.dataLength, readFileSync(path).length);

  // overwriting replaces the file whole
  saveSafetensors(path, { only: tensor([1, 2]) });
  assert.deepEqual(Object.keys(loadSafetensors(path).tensors), ['only']);
  assert.deepEqual(readdirSync(dir), ['model.safetensors']);
});

test('a failure mid-write leaves the previous file intact and no temp file', () => {
  const dir = tempDir();
  const path = join(dir, 'ckpt.safetensors');
  saveSafetensors(path, { w: tensor([1, 2, 3]) });
  const before = readFileSync(path);
  assert.throws(
    () =>
      writeFileAtomic(path, (fd) => {
        writeAll(fd, new Uint8Array(100));
        throw new Error('disk full (simulated)');
      }),
    /disk full \(simulated\)/,
  );
  assert.deepEqual(readFileSync(path), before);
  assert.deepEqual(readdirSync(dir), ['ckpt.safetensors']);
  // bad input is rejected before anything is written
  assert.throws(() => saveSafetensors(path, { w: [1, 2] as unknown as Tensor }), /ckpt\.safetensors: tensors\['w'\] must be a Tensor/);
  assert.deepEqual(readFileSync(path), before);
  assert.throws(
    () => saveSafetensors(join(dir, 'no-such-dir', 'w.safetensors'), { w: tensor([1]) }),
    /cannot write .*no-such-dir\/w\.safetensors: directory .*no-such-dir does not exist/,
  );
});

test('reads the numpy-written fixture: every value bit-for-bit as the sidecar says', () => {
  const want = JSON.parse(readFileSync(join(FIXTURES, 'numpy-written.json'), 'utf8')) as Sidecar;
  const { tensors, metadata } = loadSafetensors(join(FIXTURES, 'numpy-written.safetensors'));
  assert.deepEqual(metadata, want.metadata);
  assert.deepEqual(Object.keys(tensors), Object.keys(want.tensors));
  const dtypeOf: Record<string, string> = { F32: 'float32', F64: 'float64', I32: 'int32', BOOL: 'bool' };
  for (const [name, w] of Object.entries(want.tensors)) {
    const t = tensors[name]!;
    assert.equal(t.dtype, dtypeOf[w.dtype], `${name} dtype`);
    assert.deepEqual(t.shape, w.shape, `${name} shape`);
    assertSameValues(t.toTypedArray(), w.values.map(decodeValue), name);
  }
  // the F64 tensor starts at an offset that is not a multiple of 8: unaligned reads must work
  const header = readSafetensorsHeader(join(FIXTURES, 'numpy-written.safetensors'));
  assert.notEqual(header.tensors.doubles!.dataOffsets[0] % 8, 0);
});

test('reads Hugging Face dtypes: F16 and BF16 to float32, I64/I8/U8/I16/U16 to int32', () => {
  const want = JSON.parse(readFileSync(join(FIXTURES, 'hf-dtypes.json'), 'utf8')) as Sidecar;
  const { tensors } = loadSafetensors(join(FIXTURES, 'hf-dtypes.safetensors'));
  assert.deepEqual(Object.keys(tensors), Object.keys(want.tensors));
  for (const [name, w] of Object.entries(want.tensors)) {
    const t = tensors[name]!;
    assert.equal(t.dtype, w.dtype === 'F16' || w.dtype === 'BF16' ? 'float32' : 'int32', `${name} dtype`);
    assert.deepEqual(t.shape, w.shape, `${name} shape`);
    assertSameValues(t.toTypedArray(), w.values.map(decodeValue), name);
  }
});

test('halfToFloat decodes zeros, subnormals, normals, infinities and NaN', () => {
  assert.ok(Object.is(halfToFloat(0x0000), 0));
  assert.ok(Object.is(halfToFloat(0x8000), -0));
  assert.equal(halfToFloat(0x0001), 2 ** -24);
  assert.equal(halfToFloat(0x03ff), 1023 * 2 ** -24);
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0xc000), -2);
  assert.equal(halfToFloat(0x7bff), 65504);
  assert.equal(halfToFloat(0x7c00), Infinity);
  assert.equal(halfToFloat(0xfc00), -Infinity);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
});

test('numpy reads what deepts writes (scripts/safetensors_fixtures.py --check)', (t) => {
  const reason = numpyUnavailable();
  if (reason) {
    t.skip(reason);
    return;
  }
  const dir = tempDir();
  const tensors = sample();
  tensors.doubles = tensor([Math.PI, -Infinity, NaN, -0, 1e-300], { dtype: 'float64' });
  const metadata = { format: 'pt', writer: 'deepts', quote: 'say "hi" ✓' };
  const file = join(dir, 'deepts-written.safetensors');
  saveSafetensors(file, tensors, metadata);
  const expected = {
    metadata,
    tensors: Object.fromEntries(
      Object.entries(tensors).map(([name, x]) => [
        name,
        {
          dtype: { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' }[x.dtype],
          shape: x.shape,
          values: Array.from(x.toTypedArray(), encodeValue),
        },
      ]),
    ),
  };
  const expectedPath = join(dir, 'expected.json');
  writeFileSync(expectedPath, JSON.stringify(expected));
  const ok = spawnSync(PYTHON, [FIXTURE_SCRIPT, '--check', file, expectedPath], { encoding: 'utf8' });
  assert.equal(ok.status, 0, `numpy check failed:\n${ok.stdout}${ok.stderr}`);
  assert.match(ok.stdout, /OK \(7 tensors, 3 metadata keys\)/);

  // and the check can fail: a wrong expected value is reported
  expected.tensors.ids!.values[2] = 8;
  writeFileSync(expectedPath, JSON.stringify(expected));
  const bad = spawnSync(PYTHON, [FIXTURE_SCRIPT, '--check', file, expectedPath], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /ids: values/);
});

// ---- corrupt files: each is rejected with an error naming the file and what is wrong --------------

const F32x2 = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
const data8 = new Uint8Array(8);

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => parseSafetensors(bytes, 'bad.safetensors'),
    (err: unknown) => {
      assert.ok(err instanceof SafetensorsError, `expected a SafetensorsError, got ${err}`);
      assert.match(err.message, /^safetensors: bad\.safetensors: /);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

test('rejects a file shorter than the 8-byte header length', () => {
  rejects(new Uint8Array(5), /file is truncated: 5 bytes, expected at least 8/);
  rejects(new Uint8Array(0), /file is truncated: 0 bytes/);
});

test('rejects a header length that runs past the end of the file', () => {
  rejects(buildFile({ a: F32x2 }, data8, 1000), /file is truncated: header length is 1000 bytes but only \d+ bytes follow/);
});

test('rejects a header that is not valid JSON, not UTF-8, or not an object', () => {
  rejects(buildFile('{"a": {"dtype": "F32",', data8), /header is not valid JSON/);
  rejects(buildFile('[1, 2]'), /header must be a JSON object, found an array/);
  rejects(buildFile('42'), /header must be a JSON object, found 42/);
  rejects(buildFile('null'), /header must be a JSON object, found null/);
  const badUtf8 = buildFile('{}       ');
  badUtf8[9] = 0xff;
  rejects(badUtf8, /header is not valid UTF-8/);
});

test('rejects an unknown dtype, naming the tensor and the supported codes', () => {
  rejects(
    buildFile({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, data8),
    /tensor 'a': unknown dtype 'C64', expected one of F32, F64, I32, BOOL, F16, BF16, I64/,
  );
  rejects(buildFile({ a: { dtype: 7, shape: [2], data_offsets: [0, 8] } }, data8), /tensor 'a': dtype must be a string, found 7/);
});

test('rejects malformed entries: not an object, bad shape, bad data_offsets', () => {
  rejects(buildFile({ a: [1, 2] }), /tensor 'a': expected an object \{dtype, shape, data_offsets\}/);
  rejects(
    buildFile({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, data8),
    /tensor 'a': shape must be an array of non-negative integers, found \[-2\]/,
  );
  rejects(buildFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }, data8), /tensor 'a': data_offsets must be \[begin, end\]/);
  rejects(buildFile({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, data8), /tensor 'a': data_offsets \[8, 0\] end before they begin/);
});

test('rejects a shape whose byte size does not match the data_offsets span', () => {
  rejects(
    buildFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, data8),
    /tensor 'a': shape \(3,\) of F32 needs 12 bytes but data_offsets \[0, 8\] span 8/,
  );
});

test('rejects data_offsets past the end of the data section', () => {
  rejects(
    buildFile({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, data8),
    /tensor 'a': data_offsets \[0, 16\] are out of range: the data section is 8 bytes/,
  );
});

test('rejects overlapping tensors', () => {
  rejects(
    buildFile({ a: F32x2, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data8),
    /tensor 'b' data_offsets \[4, 8\] overlap tensor 'a' \(which ends at 8\)/,
  );
});

test('rejects holes: bytes that belong to no tensor, in the middle or at the end', () => {
  rejects(buildFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data8), /hole in the data: bytes \[0, 4\) before tensor 'a'/);
  rejects(buildFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, data8), /hole in the data: the last 4 bytes \[4, 8\)/);
});

test('rejects non-string metadata values', () => {
  rejects(buildFile({ __metadata__: { step: 10 }, a: F32x2 }, data8), /__metadata__\['step'\] must be a string, found number 10/);
  rejects(buildFile({ __metadata__: ['x'], a: F32x2 }, data8), /__metadata__ must be an object of strings/);
});

test('rejects I64 values that do not fit in int32', () => {
  const data = new Uint8Array(16);
  new DataView(data.buffer).setBigInt64(8, 2n ** 31n, true);
  rejects(buildFile({ big: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data), /tensor 'big': I64 value 2147483648 at index 1 does not fit in int32/);
});

test('file readers name the path in their errors', () => {
  const dir = tempDir();
  const path = join(dir, 'truncated.safetensors');
  writeFileSync(path, buildFile({ a: F32x2 }, data8).subarray(0, 20));
  assert.throws(() => loadSafetensors(path), new RegExp(`safetensors: ${path.replace(/[.]/g, '\\.')}: file is truncated`));
  assert.throws(() => readSafetensorsHeader(path), /truncated\.safetensors: file is truncated: header length is \d+ bytes but only 12 bytes follow/);
  const tiny = join(dir, 'tiny.safetensors');
  writeFileSync(tiny, new Uint8Array(3));
  assert.throws(() => readSafetensorsHeader(tiny), /tiny\.safetensors: file is truncated: 3 bytes, expected at least 8/);
  const trailing = join(dir, 'trailing.safetensors');
  writeFileSync(trailing, buildFile({ a: F32x2 }, new Uint8Array(12)));
  assert.throws(() => readSafetensorsHeader(trailing), /trailing\.safetensors: hole in the data: the last 4 bytes/);
  assert.ok(existsSync(trailing));
});

test('the writer rejects reserved names, non-tensors and non-string metadata', () => {
  assert.throws(() => serializeSafetensors({ __metadata__: tensor([1]) }), /safetensors: <serialize>: '__metadata__' is reserved/);
  assert.throws(() => serializeSafetensors({ a: null as unknown as Tensor }), /tensors\['a'\] must be a Tensor, found null/);
  assert.throws(() => serializeSafetensors({ a: tensor([1]) }, { step: 3 as unknown as string }), /metadata\['step'\] must be a string, found number/);
  assert.throws(() => serializeSafetensors(null as unknown as Record<string, Tensor>), /tensors must be an object of name -> Tensor, found null/);
});

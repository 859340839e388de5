#!/usr/bin/env python3
"""Cross-checks deepts' safetensors reader/writer against an independent pure-numpy implementation
(no `safetensors` package: the format is small enough to write down here).

  /usr/bin/python3 scripts/safetensors_fixtures.py
      writes fixtures/safetensors/{numpy-written,hf-dtypes}.safetensors and a .json sidecar of the
      expected values for each (deepts' tests read the files and compare).
  /usr/bin/python3 scripts/safetensors_fixtures.py --check FILE EXPECTED.json
      reads FILE (written by deepts) with the numpy reader and checks layout and every value
      bit-for-bit against EXPECTED.json. Exit status 0 = match; 1 = mismatch (reason on stderr).

Expected-value JSON: {"metadata": {...}, "tensors": {name: {"dtype", "shape", "values": [flat]}}},
tensors listed in file order. JSON has no NaN/Infinity/-0, so those are written as the strings
"nan", "inf", "-inf", "-0" (float() parses all four).
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / 'fixtures' / 'safetensors'

# BF16 has no numpy dtype: it is stored as the top 16 bits of a float32.
NP = {'F32': '<f4', 'F64': '<f8', 'I32': '<i4', 'BOOL': '|b1', 'F16': '<f2', 'BF16': '<u2',
      'I64': '<i8', 'I8': '|i1', 'U8': '|u1', 'I16': '<i2', 'U16': '<u2'}


# ---- the ~20-line numpy safetensors writer and reader -------------------------------------------
def to_bytes(code, arr):
    if code == 'BF16':
        return (np.asarray(arr, '<f4').view('<u4') >> 16).astype('<u2').tobytes()
    return np.ascontiguousarray(arr, dtype=NP[code]).tobytes()


def write(path, tensors, metadata=None):
    header, chunks, offset = {}, [], 0
    if metadata is not None:
        header['__metadata__'] = metadata
    for name, (code, arr) in tensors.items():
        data = to_bytes(code, arr)
        header[name] = {'dtype': code, 'shape': list(np.shape(arr)), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(',', ':')).encode()
    head += b' ' * (-len(head) % 8)  # pad so the data is 8-byte aligned, like the reference writer
    Path(path).write_bytes(struct.pack('<Q', len(head)) + head + b''.join(chunks))


def read(path):
    """Returns (tensors {name: (code, array)} in file order, metadata, header length)."""
    buf = Path(path).read_bytes()
    (n,) = struct.unpack('<Q', buf[:8])
    assert 8 + n <= len(buf), f'header length {n} runs past the end ({len(buf)} bytes)'
    header = json.loads(buf[8:8 + n].decode('utf-8'))
    metadata, data = header.pop('__metadata__', {}), buf[8 + n:]
    order = sorted(header, key=lambda k: tuple(header[k]['data_offsets']))
    cursor = 0
    for k in order:  # the tensors must tile the data: no overlap, no hole, nothing after
        b, e = header[k]['data_offsets']
        assert b == cursor, f"tensor {k!r} starts at {b}, expected {cursor}"
        cursor = e
    assert cursor == len(data), f'{len(data) - cursor} trailing bytes after the last tensor'
    tensors = {}
    for k in order:
        h = header[k]
        raw = np.frombuffer(data[h['data_offsets'][0]:h['data_offsets'][1]], dtype=NP[h['dtype']])
        if h['dtype'] == 'BF16':
            raw = (raw.astype('<u4') << 16).view('<f4')
        assert raw.size == int(np.prod(h['shape'])), f"tensor {k!r}: {raw.size} values for shape {h['shape']}"
        tensors[k] = (h['dtype'], raw.reshape(h['shape']))
    return tensors, metadata, n


# ---- expected-value sidecars ---------------------------------------------------------------------
def encode(x):
    x = float(x)
    if np.isnan(x):
        return 'nan'
    if np.isinf(x):
        return 'inf' if x > 0 else '-inf'
    if x == 0 and np.signbit(x):
        return '-0'
    return int(x) if x.is_integer() and abs(x) < 2 ** 53 else x


def expected(tensors, metadata):
    out = {}
    for name, (code, arr) in tensors.items():
        arr = np.asarray(arr)
        if code == 'BF16':  # what the file holds after truncation to bfloat16
            arr = ((np.asarray(arr, '<f4').view('<u4') >> 16) << 16).astype('<u4').view('<f4')
        out[name] = {'dtype': code, 'shape': list(arr.shape), 'values': [encode(v) for v in arr.reshape(-1)]}
    return {'metadata': metadata or {}, 'tensors': out}


def make_fixtures():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1234)
    # (a) the dtypes deepts reads and writes, with edge values
    native = {
        'layer.weight': ('F32', rng.standard_normal((3, 4)).astype(np.float32)),
        'layer.bias': ('F32', np.array([0.5, -1.25, 3.0e-8, 1.0e30], np.float32)),
        'scalar': ('F32', np.array(2.5, np.float32)),
        'doubles': ('F64', np.array([np.pi, -0.0, 1e-300, np.inf, -np.inf, np.nan, 1 / 3], np.float64)),
        'ids': ('I32', np.array([[0, -1, 2 ** 31 - 1], [-2 ** 31, 42, 7]], np.int32)),
        'mask': ('BOOL', np.array([[True, False, True], [False, False, True]])),
        'empty': ('F32', np.zeros((0, 3), np.float32)),
    }
    meta = {'format': 'pt', 'source': 'numpy', 'note': 'unicode ✓ and "quotes"'}
    write(OUT / 'numpy-written.safetensors', native, meta)
    (OUT / 'numpy-written.json').write_text(json.dumps(expected(native, meta), indent=1) + '\n')

    # (b) read-only dtypes found in Hugging Face files; deepts converts them to float32 / int32
    hf = {
        'half': ('F16', np.array([1.0, -2.5, 65504.0, 6.0e-8, -0.0, np.inf, 0.1], np.float16)),
        'brain': ('BF16', np.array([1.0, -3.0, 0.15625, 3.0e38, -1.0e-30], np.float32)),
        'position_ids': ('I64', np.array([[0, 1, 2, -5, 2 ** 31 - 1, -2 ** 31]], np.int64)),
        'bytes_signed': ('I8', np.array([-128, -1, 0, 127], np.int8)),
        'bytes': ('U8', np.array([0, 1, 200, 255], np.uint8)),
        'shorts': ('I16', np.array([-32768, 0, 32767], np.int16)),
        'ushorts': ('U16', np.array([0, 65535], np.uint16)),
    }
    write(OUT / 'hf-dtypes.safetensors', hf, {'format': 'pt'})
    (OUT / 'hf-dtypes.json').write_text(json.dumps(expected(hf, {'format': 'pt'}), indent=1) + '\n')
    print(f'wrote {OUT}/numpy-written.safetensors, hf-dtypes.safetensors and their .json sidecars')


def check(path, expected_path):
    want = json.loads(Path(expected_path).read_text())
    tensors, metadata, n = read(path)
    errors = []
    if (8 + n) % 8:
        errors.append(f'data section starts at {8 + n}, not 8-byte aligned')
    if metadata != want['metadata']:
        errors.append(f'metadata {metadata} != expected {want["metadata"]}')
    if list(tensors) != list(want['tensors']):
        errors.append(f'tensors in file order {list(tensors)} != expected {list(want["tensors"])}')
    for name, w in want['tensors'].items():
        if name not in tensors:
            continue
        code, arr = tensors[name]
        if code != w['dtype'] or list(arr.shape) != w['shape']:
            errors.append(f'{name}: {code}{list(arr.shape)} != expected {w["dtype"]}{w["shape"]}')
            continue
        values = [float(v) if isinstance(v, str) else v for v in w['values']]
        exp = np.array(values, dtype=arr.dtype).reshape(arr.shape)
        if exp.tobytes() != arr.tobytes():  # bitwise: catches -0 and NaN differences too
            errors.append(f'{name}: values {arr.reshape(-1).tolist()} != expected {exp.reshape(-1).tolist()}')
    if errors:
        print(f'{path}: MISMATCH\n  ' + '\n  '.join(errors), file=sys.stderr)
        return 1
    print(f'{path}: OK ({len(tensors)} tensors, {len(metadata)} metadata keys)')
    return 0


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == '--check':
        try:
            sys.exit(check(sys.argv[2], sys.argv[3]))
        except (AssertionError, ValueError, KeyError) as err:
            print(f'{sys.argv[2]}: INVALID: {err}', file=sys.stderr)
            sys.exit(1)
    elif len(sys.argv) == 1:
        make_fixtures()
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)

// Shared helpers for the io tests: temp directories, fixture paths, hand-built (possibly corrupt)
// safetensors bytes, the exact-value encoding of the fixture sidecars, and the python/numpy probe.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

/** fixtures/safetensors in the repository (tests run from dist/test/io). */
export const FIXTURES = fileURLToPath(new URL('../../../fixtures/safetensors/', import.meta.url));
export const FIXTURE_SCRIPT = fileURLToPath(new URL('../../../scripts/safetensors_fixtures.py', import.meta.url));
export const PYTHON = '/usr/bin/python3';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'deepts-io-'));
}

/**
 * Safetensors bytes from a header (object, or raw JSON text for corrupt cases) and a data section.
 * `declaredLength` overrides the u64 header-length prefix.
 */
export function buildFile(header: object | string, data: Uint8Array = new Uint8Array(0), declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** JSON cannot hold NaN, ±Infinity or -0: the sidecars spell them as strings (see the fixture script). */
export function encodeValue(x: number): number | string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  return x;
}

export function decodeValue(v: number | string): number {
  if (typeof v === 'number') return v;
  const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };
  if (!(v in special)) throw new Error(`decodeValue: unexpected sidecar value ${JSON.stringify(v)}`);
  return special[v]!;
}

let numpyProbe: string | null | undefined;
/** null when /usr/bin/python3 with numpy can run; otherwise the reason it cannot. */
export function numpyUnavailable(): string | null {
  if (numpyProbe === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
    numpyProbe = r.error ? `${PYTHON} not available (${r.error.message})` : r.status !== 0 ? `numpy not importable by ${PYTHON}` : null;
  }
  return numpyProbe;
}

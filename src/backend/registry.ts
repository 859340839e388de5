// Which backend runs the kernels. Backends register themselves; DEEPTS_BACKEND picks one. On Node
// the native addon (src/backend/native) is the default when it loaded; js is the fallback, and
// backendLine() says which is active and why.
import type { Backend } from './kernels.js';
import { jsBackend } from './js/index.js';
import { nativeBackend, nativeUnavailable } from './native/index.js';

const backends = new Map<string, Backend>([[jsBackend.name, jsBackend]]);
let active: Backend = jsBackend;
let why = 'the default';

const requested = typeof process !== 'undefined' ? process.env?.DEEPTS_BACKEND || undefined : undefined;

export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
  // a backend registered after load (e.g. an accelerator) still honours DEEPTS_BACKEND
  if (requested === backend.name && active !== backend) {
    active = backend;
    why = `DEEPTS_BACKEND=${requested}`;
  }
}

export function setBackend(name: string): Backend {
  const b = backends.get(name);
  if (!b) throw new Error(`setBackend: no backend '${name}'; available: ${[...backends.keys()].join(', ')}`);
  active = b;
  why = 'chosen with setBackend';
  return b;
}

export function getBackend(): Backend {
  return active;
}

/** Whether a built-in backend (js, native) runs the kernels: one registered by user code sees, and may keep, every array. */
export function builtinBackendActive(): boolean {
  return active === jsBackend || (nativeBackend !== null && active === nativeBackend);
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

/** One line saying which backend is active and why (printed by `deepts info`). */
export function backendLine(): string {
  return `backend: ${active.name} — ${active.description} (${why})`;
}

if (nativeBackend) backends.set(nativeBackend.name, nativeBackend);

if (requested === 'js') {
  why = 'DEEPTS_BACKEND=js';
} else if (requested === 'native') {
  if (nativeBackend) {
    active = nativeBackend;
    why = 'DEEPTS_BACKEND=native';
  } else {
    why = `DEEPTS_BACKEND=native, but ${nativeUnavailable}; falling back to js`;
  }
} else if (requested) {
  // other backends register on load; until one named so does, we keep the default and say so
  if (nativeBackend) active = nativeBackend;
  why = `DEEPTS_BACKEND=${requested} is not available, falling back to ${active.name}`;
} else if (nativeBackend) {
  active = nativeBackend;
  why = 'the default on Node when the addon loads; DEEPTS_BACKEND=js chooses js';
} else {
  why = `the fallback: ${nativeUnavailable}`;
}
